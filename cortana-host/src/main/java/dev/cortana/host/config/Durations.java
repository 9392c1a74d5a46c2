package dev.cortana.host.config;

import java.time.Duration;

/** Time limits as messages name them. */
public final class Durations {

    private Durations() {
    }

    /** "30 s", or "250 ms" for a limit that is not whole seconds (never "0 s"). */
    public static String describe(Duration limit) {
        return limit.toMillis() % 1000 == 0 ? limit.toSeconds() + " s" : limit.toMillis() + " ms";
    }
}
