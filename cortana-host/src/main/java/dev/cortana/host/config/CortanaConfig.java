package dev.cortana.host.config;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Locale;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The host's own settings, typed and checked once at start-up so that a malformed value stops Cortana with one
 * clear line instead of failing later. Names and defaults follow the Python original's environment variables.
 *
 * @param discordToken   {@code DISCORD_TOKEN}; without it Cortana chats on the console
 * @param masterUserId   {@code MASTER_USER_ID}, the only user Cortana serves (a Discord snowflake)
 * @param workspaceDir   {@code WORKSPACE_DIR}: prompt files, skills, the embedded database, caches
 * @param pluginsDir     {@code PLUGINS_DIR}'s first folder: where to copy plugin JARs
 * @param databaseUrl    {@code DATABASE_URL}; empty means the embedded PostgreSQL
 * @param modelName      {@code LLM_MODEL_NAME}, e.g. {@code gpt-4o} or {@code openai/gpt-4o}
 * @param toolTimeout    {@code TOOL_TIMEOUT_SECONDS}: the most one tool call may take
 * @param maxToolRounds  {@code MAX_TOOL_ROUNDS}: model round trips with tool calls per message
 * @param timeZone       {@code TIMEZONE} (or {@code TZ}): the user's zone until {@code /settings timezone} sets one
 * @param pluginFolders  every folder of {@code PLUGINS_DIR} (a list separated by {@code :}, {@code ;} on Windows), in
 *                       order: a plugin in an earlier folder overrides one with the same id in a later folder
 */
public record CortanaConfig(
        Optional<String> discordToken,
        Optional<String> masterUserId,
        Path workspaceDir,
        Path pluginsDir,
        Optional<String> databaseUrl,
        String modelName,
        Duration toolTimeout,
        int maxToolRounds,
        ZoneId timeZone,
        List<Path> pluginFolders) {

    /**
     * The user id of the console channel when no {@code MASTER_USER_ID} is set. What is saved under it moves to
     * {@code MASTER_USER_ID} at the first start with that set ({@code users.LocalUserMigration}).
     */
    public static final String CONSOLE_USER = "console";

    private static final Pattern SNOWFLAKE = Pattern.compile("\\d{15,21}");

    public static CortanaConfig from(Config config, Path workingDir) {
        Optional<String> masterUserId = config.get("MASTER_USER_ID");
        masterUserId.ifPresent(id -> {
            if (!SNOWFLAKE.matcher(id).matches()) {
                throw ConfigException.invalid("MASTER_USER_ID", id,
                        "your Discord user ID, 15 to 21 digits (Discord: Settings > Advanced > Developer Mode, then "
                                + "right-click your profile > Copy User ID)");
            }
        });
        if (config.get("DISCORD_TOKEN").isPresent() && masterUserId.isEmpty()) {
            throw new ConfigException("MASTER_USER_ID is required when DISCORD_TOKEN is set: it is your Discord user "
                    + "ID, the only user Cortana answers (Discord: Settings > Advanced > Developer Mode, then "
                    + "right-click your profile > Copy User ID).");
        }
        SettingsCheck.checkAll(config, workingDir);
        Path workspace = path(config, "WORKSPACE_DIR", workingDir)
                .orElse(Path.of(System.getProperty("user.home"), ".cortana", "workspace"));
        List<Path> pluginFolders = pluginFolders(config, workingDir);
        Path plugins = pluginFolders.get(0);
        return new CortanaConfig(
                config.get("DISCORD_TOKEN"),
                masterUserId,
                workspace,
                plugins,
                config.get("DATABASE_URL"),
                config.get("LLM_MODEL_NAME").orElse("gpt-4o"),
                Duration.ofSeconds(positiveInt(config, "TOOL_TIMEOUT_SECONDS", 120, "a whole number of seconds, at least 1")),
                positiveInt(config, "MAX_TOOL_ROUNDS", 10, "a whole number of model round trips per message, at least 1"),
                zone(config),
                pluginFolders);
    }

    /** {@code PLUGINS_DIR}'s folders, each checked like a single one; the default folder when unset. */
    private static List<Path> pluginFolders(Config config, Path workingDir) {
        Optional<String> value = config.get("PLUGINS_DIR");
        if (value.isEmpty()) {
            return List.of(defaultPluginsDir(workingDir));
        }
        List<Path> folders = new java.util.ArrayList<>();
        for (String entry : value.get().split(java.util.regex.Pattern.quote(java.io.File.pathSeparator))) {
            if (entry.isBlank()) {
                continue;
            }
            Path folder = path(Config.of(java.util.Map.of("PLUGINS_DIR", entry.strip())), "PLUGINS_DIR", workingDir)
                    .orElseThrow();
            if (!folders.contains(folder)) {
                folders.add(folder);
            }
        }
        if (folders.isEmpty()) {
            throw ConfigException.invalid("PLUGINS_DIR", value.get(), "one or more folders separated by " + java.io.File.pathSeparator);
        }
        return List.copyOf(folders);
    }

    /**
     * {@code PLUGIN_START_TIMEOUT}: the most a plugin's {@code start()}, {@code stop()} or an extension's constructor
     * may take, 10 s unless set; checked at start-up like the other host variables.
     */
    public static Duration pluginStartTimeout(Config config) {
        return Duration.ofSeconds(positiveInt(config, "PLUGIN_START_TIMEOUT", 10, "a whole number of seconds, at least 1"));
    }

    /** The user the console channel speaks as: the master, so the console and Discord share todos and settings. */
    public String consoleUserId() {
        return masterUserId.orElse(CONSOLE_USER);
    }

    /**
     * From a checkout, the folder {@code plugins-dist} fills with the bundled plugins; elsewhere {@code ./plugins}.
     */
    private static Path defaultPluginsDir(Path workingDir) {
        Path dist = workingDir.resolve("plugins-dist/target/plugins");
        return (Files.isDirectory(dist) ? dist : workingDir.resolve("plugins")).toAbsolutePath().normalize();
    }

    private static Optional<Path> path(Config config, String key, Path workingDir) {
        Optional<String> value = config.get(key);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        String raw = value.get();
        if (raw.startsWith("~/")) {
            raw = System.getProperty("user.home") + raw.substring(1);
        }
        try {
            Path path = workingDir.resolve(raw).toAbsolutePath().normalize();
            if (Files.exists(path) && !Files.isDirectory(path)) {
                throw ConfigException.invalid(key, value.get(), "a folder, but that path is a file");
            }
            return Optional.of(path);
        } catch (InvalidPathException e) {
            throw ConfigException.invalid(key, value.get(), "a folder path");
        }
    }

    static int positiveInt(Config config, String key, int defaultValue, String expected) {
        return wholeNumber(config, key, defaultValue, 1, Integer.MAX_VALUE, expected);
    }

    /**
     * How long one model call may take ({@code LLM_REQUEST_TIMEOUT}, seconds, default 120): read here once for every
     * provider plugin, which gets it in its {@link dev.cortana.api.llm.ModelSetup}.
     */
    public static java.time.Duration requestTimeout(Config config) {
        return java.time.Duration.ofSeconds(SettingsCheck.requestTimeout(config));
    }

    /** A whole number from {@code min} to {@code max}, else the one-line {@link ConfigException}. */
    public static int wholeNumber(Config config, String key, int defaultValue, int min, int max, String expected) {
        Optional<String> value = config.get(key);
        if (value.isEmpty()) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value.get().trim());
            if (parsed < min || parsed > max) {
                throw ConfigException.invalid(key, value.get(), expected);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw ConfigException.invalid(key, value.get(), expected);
        }
    }

    private static ZoneId zone(Config config) {
        for (String key : new String[] {"TIMEZONE", "TZ"}) {
            Optional<String> value = config.get(key);
            if (value.isPresent()) {
                String raw = value.get().startsWith(":") ? value.get().substring(1) : value.get();
                try {
                    return ZoneId.of(raw);
                } catch (DateTimeException e) {
                    throw ConfigException.invalid(key, value.get(), "an IANA time zone such as Europe/Berlin or America/New_York");
                }
            }
        }
        return ZoneId.systemDefault();
    }

    /** A boolean in the forms users write in {@code .env} files. */
    public static boolean bool(Config config, String key, boolean defaultValue) {
        Optional<String> value = config.get(key);
        if (value.isEmpty()) {
            return defaultValue;
        }
        switch (value.get().trim().toLowerCase(Locale.ROOT)) {
            case "true": case "yes": case "on": case "1": return true;
            case "false": case "no": case "off": case "0": return false;
            default: throw ConfigException.invalid(key, value.get(), "true or false");
        }
    }
}
