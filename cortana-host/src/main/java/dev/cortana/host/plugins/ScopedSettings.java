package dev.cortana.host.plugins;

import dev.cortana.api.PluginSettings;
import dev.cortana.host.config.Config;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The settings one plugin may read, and nothing else of Cortana's configuration:
 * <ol>
 *   <li>its own YAML section ({@code plugins: <id>: {...}}), always;</li>
 *   <li>the environment, {@code .env} and top-level YAML keys its manifest declares ({@code Plugin-Settings:
 *       EXA_API_KEY, EXA_*}; {@code *} matches any run of characters);</li>
 *   <li>the keys the user grants it ({@code plugins: <id>: grant: [GITHUB_TOKEN]}, or
 *       {@code CORTANA_GRANT_<ID>=GITHUB_TOKEN}, the id upper-cased with {@code -} and {@code .} as {@code _}).</li>
 * </ol>
 * Never, whatever a manifest or a grant says: Cortana's own secrets ({@link #HOST_ONLY}: {@code DISCORD_TOKEN},
 * {@code DATABASE_URL}, {@code MASTER_USER_ID}, the {@code CORTANA_GRANT_*} keys). LLM keys ({@code LLM_API_KEY},
 * {@code <PROVIDER>_API_KEY[_<N>]} of a provider Cortana routes models to) are not declarable: a provider plugin gets
 * them as {@link dev.cortana.api.llm.LlmCredential}s from the host; only a user grant hands one to a plugin.
 *
 * <p>A {@code ${NAME}} in a value of the plugin's section is expanded by the host when {@code NAME} is declared or
 * granted, and to nothing otherwise ({@link #ungrantedReferences()} lists those for {@code /plugins}), so a plugin
 * cannot read a secret by naming it in its own configuration.
 */
public final class ScopedSettings implements PluginSettings {

    /** PluginHost's logger: the log lines keep the name users know and filter on. */
    private static final Logger log = LoggerFactory.getLogger(PluginHost.class);

    /** Cortana's own secrets and access rules: no plugin reads them. */
    public static final Set<String> HOST_ONLY = Set.of("DISCORD_TOKEN", "DATABASE_URL", "MASTER_USER_ID");

    /** The section key a user lists grants under ({@code grant:} in YAML, flattened to upper case). */
    static final String GRANT_KEY = "GRANT";

    private static final String GRANT_PREFIX = "CORTANA_GRANT_";
    private static final Pattern LLM_KEY = Pattern.compile("([A-Z][A-Z0-9_]*?)_API_KEY(?:_\\d+)?");
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.*-]+");
    /** Providers the bundled LLM plugins serve: their keys are LLM keys even before (or without) those plugins. */
    private static final Set<String> BUNDLED_LLM_PROVIDERS = Set.of("openai", "anthropic", "gemini", "google",
            "deepseek", "qwen", "dashscope", "openrouter", "groq", "mistral", "together", "ollama", "llm");

    private final String pluginId;
    private final List<String> declared;
    private final Config config;
    private final Predicate<String> llmProvider;
    private final Set<String> refusedOnce = ConcurrentHashMap.newKeySet();

    /**
     * @param declared    the manifest's {@code Plugin-Settings} entries, names or {@code *} patterns
     * @param llmProvider whether a started LLM provider plugin serves this provider name ({@code cohere})
     */
    public ScopedSettings(String pluginId, List<String> declared, Config config, Predicate<String> llmProvider) {
        this.pluginId = pluginId;
        this.declared = List.copyOf(declared);
        this.config = config;
        this.llmProvider = llmProvider;
    }

    /** {@code "EXA_API_KEY, EXA_*"} as a manifest writes it: the names, trimmed, without blanks or duplicates. */
    public static List<String> parseDeclaration(String entry) {
        if (entry == null || entry.isBlank()) {
            return List.of();
        }
        Set<String> names = new LinkedHashSet<>();
        for (String part : entry.split("[,\\s]+")) {
            String name = part.trim();
            if (!name.isEmpty() && NAME.matcher(name).matches()) {
                names.add(name.toUpperCase(Locale.ROOT));
            }
        }
        return List.copyOf(names);
    }

    @Override
    public Optional<String> get(String key) {
        if (key == null) {
            return Optional.empty();
        }
        String own = section().get(key);
        if (own != null && !own.isBlank()) {
            return Optional.of(expand(own)).filter(v -> !v.isBlank());
        }
        if (readable(key)) {
            return config.get(key);
        }
        if (config.get(key).isPresent() && refusedOnce.add(key)) { // set but not this plugin's: tell its author once
            log.info("Plugin {} read {}, which it does not declare (Plugin-Settings) and was not granted: it reads "
                    + "as unset", pluginId, key);
        }
        return Optional.empty();
    }

    /** What the manifest declared, as written. */
    public List<String> declared() {
        return declared;
    }

    /** The keys the user granted this plugin and it may read. */
    public List<String> granted() {
        return grants().stream().filter(k -> !hostOnly(k)).toList();
    }

    /** Grants the host refuses: Cortana's own secrets. */
    public List<String> refusedGrants() {
        return grants().stream().filter(this::hostOnly).toList();
    }

    /** Names that the plugin's section refers to as {@code ${NAME}} but may not read: expanded to nothing. */
    public List<String> ungrantedReferences() {
        Set<String> names = new LinkedHashSet<>();
        for (String value : section().values()) {
            Matcher m = REFERENCE.matcher(value);
            while (m.find()) {
                if (!readable(m.group(1))) {
                    names.add(m.group(1));
                }
            }
        }
        return List.copyOf(names);
    }

    /** Whether the plugin may read {@code key} from Cortana's configuration (outside its own section). */
    boolean readable(String key) {
        if (hostOnly(key)) {
            return false;
        }
        if (grants().contains(key)) {
            return true;
        }
        return declared.stream().anyMatch(pattern -> matches(pattern, key) && (!isLlmKey(key) || namesItsOwn(pattern, key)));
    }

    /**
     * Whether a declaration names the provider of an LLM-looking key by its own prefix ({@code EXA_API_KEY} or
     * {@code EXA_*} for {@code EXA_API_KEY_2}), for a provider that is neither bundled nor the provider of a model the
     * user chose ({@code LLM_MODEL_NAME}, {@code LLM_FALLBACK_MODELS}) nor served by a provider plugin of its own
     * (only the OpenAI-compatible plugin's any-base-URL rule): a web-search plugin's own keys with their own
     * base URL look like an OpenAI-compatible provider's, and stay the plugin's. A catch-all ({@code *_API_KEY}) never
     * gets an LLM key.
     */
    private boolean namesItsOwn(String pattern, String key) {
        Matcher m = LLM_KEY.matcher(key);
        if (!m.matches() || !pattern.startsWith(m.group(1) + "_")) {
            return false;
        }
        String provider = m.group(1).toLowerCase(Locale.ROOT);
        if (BUNDLED_LLM_PROVIDERS.contains(provider)) {
            return false;
        }
        // A provider plugin of its own (cohere) serves it, not only the OpenAI-compatible one because of a base URL.
        if (config.get(m.group(1) + "_API_BASE").isEmpty() && servedByAPlugin(provider)) {
            return false;
        }
        for (String setting : List.of("LLM_MODEL_NAME", "LLM_FALLBACK_MODELS")) {
            for (String model : config.get(setting).orElse("").split(",")) {
                int slash = model.indexOf('/');
                if (slash > 0 && model.substring(0, slash).trim().toLowerCase(Locale.ROOT).equals(provider)) {
                    return false;
                }
            }
        }
        return true;
    }

    private boolean hostOnly(String key) {
        return HOST_ONLY.contains(key) || key.startsWith(GRANT_PREFIX) || key.equals("CORTANA_CONFIG");
    }

    /** {@code LLM_API_KEY}, or a key of a provider Cortana routes to: a bundled one, one with a base URL, or served. */
    private boolean isLlmKey(String key) {
        Matcher m = LLM_KEY.matcher(key);
        if (!m.matches()) {
            return false;
        }
        String provider = m.group(1).toLowerCase(Locale.ROOT);
        if (BUNDLED_LLM_PROVIDERS.contains(provider) || config.get(m.group(1) + "_API_BASE").isPresent()) {
            return true;
        }
        try {
            return llmProvider.test(provider);
        } catch (RuntimeException | LinkageError e) {
            return true; // a provider plugin that cannot answer: keep the key from everyone
        }
    }

    private boolean servedByAPlugin(String provider) {
        try {
            return llmProvider.test(provider);
        } catch (RuntimeException | LinkageError e) {
            return true;
        }
    }

    private static boolean matches(String pattern, String key) {
        if (pattern.indexOf('*') < 0) {
            return pattern.equals(key);
        }
        String[] literals = pattern.split("\\*", -1);
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < literals.length; i++) {
            regex.append(i == 0 ? "" : ".*").append(Pattern.quote(literals[i]));
        }
        return key.matches(regex.toString());
    }

    private List<String> grants() {
        List<String> names = new ArrayList<>(parseDeclaration(section().get(GRANT_KEY)));
        String envName = GRANT_PREFIX + pluginId.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
        for (String name : parseDeclaration(config.get(envName).orElse(null))) {
            if (!names.contains(name)) {
                names.add(name);
            }
        }
        names.removeIf(name -> name.indexOf('*') >= 0); // a grant names one variable: the user sees exactly what
        return names;
    }

    private Map<String, String> section() {
        Map<String, String> section = config.pluginSection(pluginId);
        return section == null ? Map.of() : section;
    }

    private String expand(String value) {
        Matcher m = REFERENCE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String replacement = readable(name) ? config.get(name).orElse("") : "";
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }
}
