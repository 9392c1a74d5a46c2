package dev.cortana.api;

import java.util.Optional;

/**
 * Configuration values for one plugin. A key is looked up in the plugin's section of the YAML settings file
 * ({@code plugins: {<plugin-id>: {...}}}) and then in Cortana's layered configuration (environment,
 * {@code .env}, YAML top level).
 *
 * <pre>{@code
 * boolean enabled = settings.getBoolean("ENABLE_BASH_TOOL", true);
 * int timeout = settings.getInt("BASH_TIMEOUT_DEFAULT", 60);
 * }</pre>
 *
 * <p>Typed getters throw {@link IllegalArgumentException} with a message naming the key and the expected form
 * when a value is malformed.
 */
public interface PluginSettings {

    Optional<String> get(String key);

    default String get(String key, String defaultValue) {
        return get(key).orElse(defaultValue);
    }

    default int getInt(String key, int defaultValue) {
        Optional<String> value = get(key);
        if (value.isEmpty()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value.get().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, got '" + value.get() + "'");
        }
    }

    default boolean getBoolean(String key, boolean defaultValue) {
        Optional<String> value = get(key);
        if (value.isEmpty()) {
            return defaultValue;
        }
        switch (value.get().trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true": case "yes": case "on": case "1": return true;
            case "false": case "no": case "off": case "0": return false;
            default: throw new IllegalArgumentException(key + " must be true or false, got '" + value.get() + "'");
        }
    }
}
