package dev.cortana.host.llm;

import dev.cortana.api.llm.LlmCredential;
import dev.cortana.host.config.Config;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds API keys the way the Python original's rotator did, so existing {@code .env} files keep working: every
 * {@code <PROVIDER>_API_KEY} and {@code <PROVIDER>_API_KEY_<N>}, with {@code <PROVIDER>_API_BASE} as the base URL.
 * Keys of services that are not language models ({@code ZEP_API_KEY}) are found too; only providers that a plugin
 * serves ever use them.
 */
public final class CredentialDiscovery {

    private static final Pattern KEY = Pattern.compile("([A-Z][A-Z0-9_]*?)_API_KEY(?:_(\\d+))?");

    private CredentialDiscovery() {
    }

    /** Credentials by provider name (lower case), each list in key-number order ({@code _API_KEY} first). */
    public static Map<String, List<LlmCredential>> discover(Config config) {
        Map<String, TreeMap<Integer, String>> keys = new TreeMap<>();
        for (Map.Entry<String, String> entry : config.all().entrySet()) {
            Matcher matcher = KEY.matcher(entry.getKey());
            if (!matcher.matches() || entry.getValue() == null || entry.getValue().isBlank()) {
                continue;
            }
            String prefix = matcher.group(1);
            if (prefix.equals("LLM")) {
                continue; // LLM_API_KEY is the legacy single key; see legacyKey()
            }
            int number = matcher.group(2) == null ? 0 : Integer.parseInt(matcher.group(2));
            keys.computeIfAbsent(prefix.toLowerCase(Locale.ROOT), p -> new TreeMap<>()).put(number, entry.getValue().trim());
        }
        Map<String, List<LlmCredential>> credentials = new TreeMap<>();
        keys.forEach((provider, numbered) -> {
            Optional<String> base = config.get(provider.toUpperCase(Locale.ROOT) + "_API_BASE");
            List<LlmCredential> list = new ArrayList<>();
            for (String key : new java.util.LinkedHashSet<>(numbered.values())) {
                list.add(new LlmCredential(provider, key, base));
            }
            credentials.put(provider, List.copyOf(list));
        });
        return credentials;
    }

    /** {@code LLM_API_KEY}, the legacy single key, for the provider of the configured model. */
    public static Optional<LlmCredential> legacyKey(Config config, String provider) {
        return config.get("LLM_API_KEY").map(key -> new LlmCredential(provider, key,
                config.get(provider.toUpperCase(Locale.ROOT) + "_API_BASE").or(() -> config.get("LLM_API_BASE"))));
    }
}
