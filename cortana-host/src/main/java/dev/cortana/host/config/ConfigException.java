package dev.cortana.host.config;

/** A configuration value Cortana cannot start with. The message is one line naming the variable and what it expects. */
public final class ConfigException extends RuntimeException {

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }

    /** {@code NAME='value' is not valid: expected ...} — the value is shown as {@code (hidden)} for secrets. */
    public static ConfigException invalid(String key, String value, String expected) {
        String shown = Secrets.looksSecret(key) ? "(hidden)" : "'" + value + "'";
        return new ConfigException(key + "=" + shown + " is not valid: expected " + expected);
    }
}
