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
 * <p>The value of a secret-looking setting ({@link #isSecret}: {@code *_API_KEY}, {@code *_TOKEN}, anything with
 * {@code SECRET} or {@code PASSWORD} in it, {@code DATABASE_URL}) is never shown. Thrown by the typed getters of
 * {@link PluginSettings}; throw it from a plugin's own checks too (in {@code start()} or an extension's constructor):
 * the host shows the message as the plugin's failure reason in {@code /plugins} and logs it as one warning, with no
 * stack trace.
 *
 * <pre>{@code
 * if (!url.startsWith("https://")) {
 *     throw SettingException.invalid("ZEP_API_URL", url, "an https:// URL");
 * }
 * }</pre>
 *
 * @since 0.1.0
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

    /**
     * Whether values of {@code key} are secrets, never to be echoed: its name has {@code SECRET}, {@code PASSWORD}
     * or {@code CREDENTIAL} in it, or ends in a word such as {@code KEY}, {@code TOKEN} or {@code AUTH} (a number
     * after it counts as part of the name: {@code OPENAI_API_KEY_2}), or it is {@code DATABASE_URL}. A name that only
     * mentions tokens ({@code CONVERSATION_TOKEN_THRESHOLD}, {@code ANTHROPIC_MAX_TOKENS}) is not a secret, nor are the
     * shell's {@code PWD} and {@code OLDPWD}.
     */
    public static boolean isSecret(String key) {
        String k = key.toUpperCase(Locale.ROOT);
        if (k.equals("PWD") || k.equals("OLDPWD")) {
            return false; // the shell's working directories, not passwords
        }
        if (k.contains("SECRET") || k.contains("PASSWORD") || k.contains("PASSWD") || k.contains("CREDENTIAL")
                || k.equals("DATABASE_URL")) {
            return true;
        }
        String[] words = k.split("[^A-Z0-9]+");
        int last = words.length - 1;
        while (last > 0 && words[last].chars().allMatch(Character::isDigit)) {
            last--;
        }
        if (last < 0) {
            return false;
        }
        String word = words[last];
        return word.endsWith("KEY") || word.endsWith("KEYS") || word.equals("TOKEN") || word.endsWith("APITOKEN")
                || word.equals("AUTH") || word.equals("PAT") || word.equals("PASS") || word.equals("PWD");
    }
}
