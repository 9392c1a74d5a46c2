package dev.cortana.host.config;

import java.util.Locale;

/** Which configuration keys hold secrets, so their values are never echoed. */
public final class Secrets {

    private Secrets() {
    }

    public static boolean looksSecret(String key) {
        String k = key.toUpperCase(Locale.ROOT);
        return k.contains("KEY") || k.contains("TOKEN") || k.contains("SECRET") || k.contains("PASSWORD")
                || k.equals("DATABASE_URL") || k.contains("CREDENTIALS");
    }
}
