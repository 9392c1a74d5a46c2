package dev.cortana.host.config;

import dev.cortana.api.SettingException;

/** Which configuration keys hold secrets, so their values are never echoed. */
public final class Secrets {

    private Secrets() {
    }

    public static boolean looksSecret(String key) {
        return SettingException.isSecret(key); // one rule for the host's settings and plugins' alike
    }
}
