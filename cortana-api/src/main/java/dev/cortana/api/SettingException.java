package dev.cortana.api;

import java.util.Locale;

/**
 * A setting a plugin cannot start with. Its message is one line in the form every Cortana setting uses, naming the
 * setting, the bad value and what is expected:
 *
 * <pre>{@code
 * BASH_TIMEOUT_DEFAULT='0' is not valid: expected a whole number from 1 to 3600
 * MY_PLUGIN_API_KEY=(hidden) is not valid: expected a key starting with mp-
 * }</pre>
 *
 * <p>The value of a secret-looking setting (its name contains {@code KEY}, {@code TOKEN}, {@code SECRET},
 * {@code PASSWORD} or {@code CREDENTIAL}, or it is {@code DATABASE_URL}) is never shown. Thrown by the typed getters of
 * {@link PluginSettings}; throw it from a plugin's own checks too (in {@code start()} or an extension's constructor):
 * the host shows the message as the plugin's failure reason in {@code /plugins} and logs it as one warning, with no
 * stack trace.
 *
 * <pre>{@code
 * if (!url.startsWith("https://")) {
 *     throw SettingException.invalid("ZEP_API_URL", url, "an https:// URL");
 * }
 * }</pre>
 */
public final class SettingException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String key;

    private SettingException(String key, String message) {
        super(message);
        this.key = key;
    }

    /** {@code KEY='value' is not valid: expected <expected>}, the value hidden for a secret. */
    public static SettingException invalid(String key, String value, String expected) {
        String shown = isSecret(key) ? "(hidden)" : "'" + value + "'";
        return new SettingException(key, key + "=" + shown + " is not valid: expected " + expected);
    }

    /** The setting's name. */
    public String key() {
        return key;
    }

    /** Whether values of {@code key} are secrets, never to be echoed. */
    public static boolean isSecret(String key) {
        String k = key.toUpperCase(Locale.ROOT);
        return k.contains("KEY") || k.contains("TOKEN") || k.contains("SECRET") || k.contains("PASSWORD")
                || k.contains("CREDENTIAL") || k.equals("DATABASE_URL");
    }
}
