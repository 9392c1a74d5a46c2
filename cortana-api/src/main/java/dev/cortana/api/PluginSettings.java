package dev.cortana.api;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Configuration values for one plugin, and no other: a key is looked up in the plugin's section of the YAML settings
 * file ({@code plugins: {<plugin-id>: {...}}}) and then in Cortana's layered configuration (environment, {@code .env},
 * YAML top level), but there only if the plugin's manifest declares it or the user granted it:
 *
 * <pre>
 * Plugin-Settings: EXA_API_KEY, EXA_*        (MANIFEST.MF; plugin.settings in plugin.properties)
 * </pre>
 *
 * <p>A declaration lists names, or patterns where {@code *} stands for any run of characters ({@code *_API_BASE}).
 * Whatever it says, a plugin never reads Cortana's own secrets ({@code DISCORD_TOKEN}, {@code DATABASE_URL},
 * {@code MASTER_USER_ID}), and reads LLM keys ({@code OPENAI_API_KEY}, ...) only when the user grants one by name
 * ({@code plugins: <id>: grant: [NAME]} or {@code CORTANA_GRANT_<ID>=NAME}): an LLM provider plugin receives its keys
 * as {@link dev.cortana.api.llm.LlmCredential}s instead. A {@code ${NAME}} in a value of the plugin's own section is
 * expanded by the host when {@code NAME} is declared or granted, and to nothing otherwise. {@code /plugins} shows
 * what each plugin declared and was granted. An undeclared key reads as unset: declare every key you read.
 *
 * <pre>{@code
 * boolean enabled = settings.getBoolean("ENABLE_BASH_TOOL", true);
 * int lines = settings.getInt("BASH_OUTPUT_MAX_LINES", 500, 1, 100_000);
 * Duration timeout = settings.getSeconds("BASH_TIMEOUT_DEFAULT", 60, 1, 3600);
 * String approval = settings.oneOf("BASH_APPROVAL", "never", "never", "ask");
 * }</pre>
 *
 * <p>Read and check settings when the plugin starts. The typed getters throw {@link SettingException}, whose message
 * names the key, the bad value (hidden for secrets) and what is expected, in the form every Cortana setting uses
 * ({@code BASH_TIMEOUT_DEFAULT='0' is not valid: expected a whole number of seconds from 1 to 3600}); the host shows
 * it as the plugin's failure reason. Surrounding blanks are ignored, and a blank value counts as unset.
 *
 * @since 0.1.0
 */
public interface PluginSettings {

    Optional<String> get(String key);

    default String get(String key, String defaultValue) {
        return get(key).orElse(defaultValue);
    }

    /** A whole number, any size an {@code int} holds. */
    default int getInt(String key, int defaultValue) {
        return getInt(key, defaultValue, Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    /** A whole number from {@code min} to {@code max}, both included. */
    default int getInt(String key, int defaultValue, int min, int max) {
        Optional<String> value = present(key);
        if (value.isEmpty()) {
            return defaultValue;
        }
        String expected = min == Integer.MIN_VALUE && max == Integer.MAX_VALUE ? "a whole number"
                : max == Integer.MAX_VALUE ? "a whole number, at least " + min
                : "a whole number from " + min + " to " + max;
        try {
            int parsed = Integer.parseInt(value.get().trim());
            if (parsed < min || parsed > max) {
                throw SettingException.invalid(key, value.get(), expected);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw SettingException.invalid(key, value.get(), expected);
        }
    }

    /** A whole number of seconds from {@code minSeconds} to {@code maxSeconds}, as a duration. */
    default Duration getSeconds(String key, int defaultSeconds, int minSeconds, int maxSeconds) {
        Optional<String> value = present(key);
        if (value.isEmpty()) {
            return Duration.ofSeconds(defaultSeconds);
        }
        String expected = "a whole number of seconds from " + minSeconds + " to " + maxSeconds;
        try {
            int parsed = Integer.parseInt(value.get().trim());
            if (parsed < minSeconds || parsed > maxSeconds) {
                throw SettingException.invalid(key, value.get(), expected);
            }
            return Duration.ofSeconds(parsed);
        } catch (NumberFormatException e) {
            throw SettingException.invalid(key, value.get(), expected);
        }
    }

    /** {@code true}/{@code false}, also {@code yes}/{@code no}, {@code on}/{@code off}, {@code 1}/{@code 0}. */
    default boolean getBoolean(String key, boolean defaultValue) {
        Optional<String> value = present(key);
        if (value.isEmpty()) {
            return defaultValue;
        }
        switch (value.get().trim().toLowerCase(Locale.ROOT)) {
            case "true": case "yes": case "on": case "1": return true;
            case "false": case "no": case "off": case "0": return false;
            default: throw SettingException.invalid(key, value.get(), "true or false");
        }
    }

    /** One of {@code allowed} (compared ignoring case), returned as written in {@code allowed}. */
    default String oneOf(String key, String defaultValue, String... allowed) {
        Optional<String> value = present(key);
        if (value.isEmpty()) {
            return defaultValue;
        }
        for (String candidate : allowed) {
            if (candidate.equalsIgnoreCase(value.get().trim())) {
                return candidate;
            }
        }
        throw SettingException.invalid(key, value.get(), expectedOneOf(Arrays.asList(allowed)));
    }

    /** One of {@code type}'s constants, by name ignoring case ({@code ask} for {@code ASK}). */
    default <E extends Enum<E>> E getEnum(String key, Class<E> type, E defaultValue) {
        Optional<String> value = present(key);
        if (value.isEmpty()) {
            return defaultValue;
        }
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(value.get().trim())) {
                return constant;
            }
        }
        throw SettingException.invalid(key, value.get(), expectedOneOf(Arrays.stream(type.getEnumConstants())
                .map(c -> c.name().toLowerCase(Locale.ROOT)).toList()));
    }

    private Optional<String> present(String key) {
        return get(key).filter(v -> !v.isBlank());
    }

    private static String expectedOneOf(List<String> allowed) {
        if (allowed.size() == 1) {
            return allowed.get(0);
        }
        return "one of " + allowed.stream().limit(allowed.size() - 1L).collect(Collectors.joining(", "))
                + " or " + allowed.get(allowed.size() - 1);
    }
}
