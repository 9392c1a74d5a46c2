package dev.cortana.host.config;

import java.time.Duration;
import java.util.Optional;

/**
 * How conversations are kept and compacted, read from the same variables as the Python original.
 *
 * @param ttl                  {@code CONVERSATION_TTL_SECONDS}: silence after which the next message starts fresh
 * @param tokenThreshold       {@code CONVERSATION_TOKEN_THRESHOLD}: share of the model's context window that triggers
 *                             compaction (0.1 to 0.95)
 * @param keepRecent           {@code CONVERSATION_KEEP_RECENT}: user/assistant exchanges compaction keeps verbatim
 * @param defaultContextWindow {@code CONVERSATION_DEFAULT_CONTEXT_WINDOW}: tokens assumed for a model the catalog
 *                             doesn't know
 */
public record ConversationSettings(Duration ttl, double tokenThreshold, int keepRecent, int defaultContextWindow) {

    public static final ConversationSettings DEFAULTS = new ConversationSettings(Duration.ofSeconds(1800), 0.8, 3, 16_384);

    public static ConversationSettings from(Config config) {
        return new ConversationSettings(
                Duration.ofSeconds(whole(config, "CONVERSATION_TTL_SECONDS", 1800, 1, "a whole number of seconds, at least 1")),
                threshold(config),
                whole(config, "CONVERSATION_KEEP_RECENT", 3, 0, "a whole number of exchanges, 0 or more"),
                whole(config, "CONVERSATION_DEFAULT_CONTEXT_WINDOW", 16_384, 1024, "a whole number of tokens, at least 1024"));
    }

    private static int whole(Config config, String key, int defaultValue, int min, String expected) {
        return CortanaConfig.wholeNumber(config, key, defaultValue, min, Integer.MAX_VALUE, expected);
    }

    private static double threshold(Config config) {
        Optional<String> value = config.get("CONVERSATION_TOKEN_THRESHOLD");
        String expected = "a fraction of the context window between 0.1 and 0.95, such as 0.8";
        if (value.isEmpty()) {
            return 0.8;
        }
        try {
            double parsed = Double.parseDouble(value.get().trim());
            if (!(parsed >= 0.1 && parsed <= 0.95)) {
                throw ConfigException.invalid("CONVERSATION_TOKEN_THRESHOLD", value.get(), expected);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw ConfigException.invalid("CONVERSATION_TOKEN_THRESHOLD", value.get(), expected);
        }
    }
}
