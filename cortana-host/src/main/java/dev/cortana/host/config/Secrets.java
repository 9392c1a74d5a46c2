package dev.cortana.host.config;

import dev.cortana.api.SettingException;
import java.util.List;

/** Which configuration keys hold secrets, so their values are never echoed. */
public final class Secrets {

    private Secrets() {
    }

    public static boolean looksSecret(String key) {
        return SettingException.isSecret(key); // one rule for the host's settings and plugins' alike
    }

    /** The values of {@code config}'s secret-looking settings, trimmed: what a redactor must never let through. */
    public static List<String> values(Config config) {
        return config.all().entrySet().stream().filter(e -> looksSecret(e.getKey()))
                .map(e -> e.getValue().trim()).toList();
    }
}
