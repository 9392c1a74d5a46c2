package dev.cortana.host.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks, at start-up, the documented host settings that are read later or elsewhere (by the logger, by provider
 * plugins, by the skills catalog), so that every malformed value stops Cortana before anything starts, with one line
 * in the one form: {@code NAME='value' is not valid: expected ...} ({@code (hidden)} for secrets). Nothing here
 * falls back silently: a nonsense value (a zero timeout, an unknown log level) is refused, never quietly replaced.
 * Plugins check their own settings when they start ({@link dev.cortana.api.PluginSettings}).
 */
final class SettingsCheck {

    /** The bounds provider plugins read {@code LLM_REQUEST_TIMEOUT} with, so host and plugins agree. */
    static final int MAX_REQUEST_TIMEOUT_SECONDS = 3600;

    private static final List<String> LOG_LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");
    private static final Pattern MODEL = Pattern.compile("[^\\s/,]+(/[^\\s,]+)?");
    private static final Pattern PLUGIN_ID = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Pattern API_BASE = Pattern.compile("([A-Z][A-Z0-9_]*)_API_BASE");
    private static final String MODEL_EXPECTED = "a model such as gpt-4o or provider/model (openai/gpt-4o-mini)";

    private SettingsCheck() {
    }

    static void checkAll(Config config, Path workingDir) {
        config.get("LOG_LEVEL").ifPresent(level -> {
            if (!LOG_LEVELS.contains(level.trim().toUpperCase(Locale.ROOT))) {
                throw ConfigException.invalid("LOG_LEVEL", level, "one of " + String.join(", ", LOG_LEVELS));
            }
        });
        requestTimeout(config);
        config.get("LLM_MODEL_NAME").ifPresent(model -> {
            if (!MODEL.matcher(model.trim()).matches()) {
                throw ConfigException.invalid("LLM_MODEL_NAME", model, MODEL_EXPECTED);
            }
        });
        config.get("LLM_FALLBACK_MODELS").ifPresent(models -> {
            for (String model : models.split(",")) {
                if (!model.isBlank() && !MODEL.matcher(model.trim()).matches()) {
                    throw ConfigException.invalid("LLM_FALLBACK_MODELS", models,
                            "comma-separated models such as gemini/gemini-2.5-flash,openai/gpt-4o-mini");
                }
            }
        });
        CortanaConfig.bool(config, "ENABLE_ROTATOR", true);
        CortanaConfig.bool(config, "ENABLE_SKILLS", true);
        CortanaConfig.bool(config, "STREAM_REPLIES", true);
        config.get("SKILLS_DIR").ifPresent(dir -> folder("SKILLS_DIR", dir, workingDir));
        config.get("MEMORY_PROVIDER").ifPresent(id -> {
            if (!PLUGIN_ID.matcher(id.trim()).matches()) {
                throw ConfigException.invalid("MEMORY_PROVIDER", id, "the id of a memory plugin, such as zep");
            }
        });
        for (Map.Entry<String, String> entry : config.all().entrySet()) {
            var base = API_BASE.matcher(entry.getKey());
            if (base.matches() && isProviderBase(config, base.group(1)) && !entry.getValue().isBlank()) {
                url(entry.getKey(), entry.getValue(), List.of("http", "https"),
                        "an http:// or https:// URL such as https://api.openai.com/v1");
            }
        }
        config.get("DISCORD_API_URL").ifPresent(url -> url("DISCORD_API_URL", url, List.of("http", "https"),
                "an http:// or https:// URL such as https://discord.com/api/v10/"));
        config.get("DISCORD_GATEWAY_URL").ifPresent(url -> url("DISCORD_GATEWAY_URL", url, List.of("ws", "wss"),
                "a ws:// or wss:// URL such as wss://gateway.discord.gg"));
        ConversationSettings.from(config);
    }

    /**
     * {@code LLM_REQUEST_TIMEOUT}, which every provider plugin reads: checked here too, because a plugin refusing it
     * would only fail that provider, and with every provider failed no model could answer at all.
     */
    static int requestTimeout(Config config) {
        return CortanaConfig.wholeNumber(config, "LLM_REQUEST_TIMEOUT", 120, 1, MAX_REQUEST_TIMEOUT_SECONDS,
                "a whole number of seconds from 1 to " + MAX_REQUEST_TIMEOUT_SECONDS);
    }

    /** {@code OPENAI_API_BASE}, {@code LLM_API_BASE}, and the base of any provider with a key. */
    private static boolean isProviderBase(Config config, String prefix) {
        if (prefix.equals("OPENAI") || prefix.equals("LLM")) {
            return true;
        }
        String key = prefix + "_API_KEY";
        return config.all().keySet().stream().anyMatch(k -> k.equals(key) || k.startsWith(key + "_"));
    }

    private static void url(String key, String value, List<String> schemes, String expected) {
        String shown = withoutUserInfo(value.trim());
        try {
            URI uri = new URI(value.trim());
            if (uri.getScheme() == null || !schemes.contains(uri.getScheme().toLowerCase(Locale.ROOT))
                    || uri.getHost() == null) {
                throw ConfigException.invalid(key, shown, expected);
            }
        } catch (URISyntaxException e) {
            throw ConfigException.invalid(key, shown, expected);
        }
    }

    /** A URL may carry a password ({@code https://user:pw@host}): never echo it. */
    private static String withoutUserInfo(String url) {
        return url.replaceFirst("^([A-Za-z][A-Za-z0-9+.-]*://)[^/@]*@", "$1(hidden)@");
    }

    private static void folder(String key, String value, Path workingDir) {
        try {
            String raw = value.startsWith("~/") ? System.getProperty("user.home") + value.substring(1) : value;
            Path path = workingDir.resolve(raw);
            if (Files.exists(path) && !Files.isDirectory(path)) {
                throw ConfigException.invalid(key, value, "a folder, but that path is a file");
            }
        } catch (InvalidPathException e) {
            throw ConfigException.invalid(key, value, "a folder path");
        }
    }
}
