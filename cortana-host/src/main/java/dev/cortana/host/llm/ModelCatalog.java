package dev.cortana.host.llm;

import dev.cortana.api.llm.ModelInfo;
import dev.cortana.host.config.Config;
import dev.cortana.host.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Context windows and output limits the host knows without asking a provider: the bundled data file
 * ({@value #RESOURCE}, facts from the providers' model pages) and the user's {@value #OVERRIDE_SETTING}.
 *
 * <p>{@value #OVERRIDE_SETTING} is one setting, not a YAML section, so it survives the config's flattening of nested
 * keys (a model name's dots and dashes would not): {@code MODEL_LIMITS=openai/gpt-4o=128000:16384,ollama/llama3=8192}
 * — {@code provider/model=context_window[:max_output_tokens]}, comma-separated; a YAML list of such entries works too.
 */
public final class ModelCatalog {

    static final String RESOURCE = "/cortana/model-catalog.yml";
    public static final String OVERRIDE_SETTING = "MODEL_LIMITS";
    private static final Pattern ENTRY = Pattern.compile("([^/=\\s]+)/([^=\\s]+)\\s*=\\s*(\\d{1,9})(?:\\s*:\\s*(\\d{1,9}))?");

    /** A snapshot's date suffix: {@code -2024-08-06} (OpenAI) or {@code -20250514} (Anthropic). */
    private static final Pattern DATED = Pattern.compile("-(\\d{4}-\\d{2}-\\d{2}|\\d{8})$");

    private final Map<String, ModelInfo> bundled;
    private final Map<String, ModelInfo> overrides;

    ModelCatalog(Map<String, ModelInfo> bundled, Map<String, ModelInfo> overrides) {
        this.bundled = Map.copyOf(bundled);
        this.overrides = Map.copyOf(overrides);
    }

    /**
     * The bundled file plus {@value #OVERRIDE_SETTING} from {@code config}.
     *
     * @throws ConfigException naming the entry when {@value #OVERRIDE_SETTING} is malformed
     */
    public static ModelCatalog load(Config config) {
        return new ModelCatalog(readBundled(), parseOverrides(config.get(OVERRIDE_SETTING).orElse("")));
    }

    /**
     * What is known of {@code provider/model}, each limit from the first source that has it: the user's override,
     * then {@code listed} (the provider's live listing), then the bundled file, then {@code pluginCatalog}. Empty
     * when no source knows the context window or the output limit.
     */
    public Optional<ModelInfo> merge(String provider, String model, Optional<ModelInfo> listed,
                                     Optional<ModelInfo> pluginCatalog) {
        String key = provider + "/" + model;
        List<Optional<ModelInfo>> layers = List.of(Optional.ofNullable(overrides.get(key)), listed,
                bundledEntry(provider, model), pluginCatalog);
        int context = 0;
        int output = 0;
        for (Optional<ModelInfo> layer : layers) {
            if (layer.isPresent()) {
                context = context > 0 ? context : layer.get().contextWindow();
                output = output > 0 ? output : layer.get().maxOutputTokens();
            }
        }
        return context > 0 || output > 0 ? Optional.of(new ModelInfo(provider, model, context, output))
                : Optional.empty();
    }

    /**
     * The bundled file's entry for a model or, for a dated snapshot the file does not list, its alias's: OpenAI's
     * {@code gpt-4o-2024-08-06} → {@code gpt-4o}; Anthropic's {@code claude-sonnet-4-20250514} →
     * {@code claude-sonnet-4-0} (or {@code -latest}). A snapshot whose limits differ is listed in the file itself.
     */
    Optional<ModelInfo> bundledEntry(String provider, String model) {
        ModelInfo exact = bundled.get(provider + "/" + model);
        if (exact != null) {
            return Optional.of(exact);
        }
        String undated = DATED.matcher(model).replaceFirst("");
        if (undated.equals(model)) {
            return Optional.empty();
        }
        for (String alias : List.of(undated, undated + "-0", undated + "-latest")) {
            ModelInfo known = bundled.get(provider + "/" + alias);
            if (known != null) {
                return Optional.of(new ModelInfo(provider, model, known.contextWindow(), known.maxOutputTokens()));
            }
        }
        return Optional.empty();
    }

    /** The bundled file's models of {@code provider}. */
    List<ModelInfo> bundled(String provider) {
        return bundled.values().stream().filter(m -> m.provider().equals(provider)).toList();
    }

    @SuppressWarnings("unchecked")
    static Map<String, ModelInfo> readBundled() {
        Map<String, ModelInfo> models = new LinkedHashMap<>();
        try (InputStream in = ModelCatalog.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the host JAR");
            }
            Map<String, Map<String, Map<String, Object>>> root =
                    new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
            root.forEach((provider, entries) -> entries.forEach((model, limits) -> models.put(provider + "/" + model,
                    new ModelInfo(provider, model, ((Number) limits.get("context_window")).intValue(),
                            ((Number) limits.get("max_output_tokens")).intValue()))));
        } catch (IOException | ClassCastException | NullPointerException e) {
            // A packaging fault, not a user error: the file ships inside the host and is checked by its tests.
            throw new IllegalStateException(RESOURCE + " is unreadable: " + e, e);
        }
        return models;
    }

    static Map<String, ModelInfo> parseOverrides(String setting) {
        Map<String, ModelInfo> models = new LinkedHashMap<>();
        for (String raw : setting.split(",")) {
            String entry = raw.strip();
            if (entry.isEmpty()) {
                continue;
            }
            Matcher matcher = ENTRY.matcher(entry);
            if (!matcher.matches() || Integer.parseInt(matcher.group(3)) == 0) {
                throw new ConfigException(OVERRIDE_SETTING + " entry \"" + entry + "\" is not valid: expected "
                        + "provider/model=context_window[:max_output_tokens] in whole tokens, e.g. "
                        + "openai/gpt-4o=128000:16384");
            }
            String provider = matcher.group(1).toLowerCase(java.util.Locale.ROOT);
            String model = matcher.group(2);
            int output = matcher.group(4) == null ? 0 : Integer.parseInt(matcher.group(4));
            models.put(provider + "/" + model, new ModelInfo(provider, model, Integer.parseInt(matcher.group(3)), output));
        }
        return models;
    }
}
