package dev.cortana.host.llm.rotation;

import dev.cortana.host.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How the host rotates keys, read from the rotator's environment variables so an existing {@code .env} keeps working.
 *
 * @param enabled        {@code ENABLE_ROTATOR} (default true); false is the legacy single-key mode: one key, no
 *                       rotation, no ledger
 * @param tolerance      {@code ROTATOR_ROTATION_TOLERANCE}: 0 picks the least-used key; more spreads load randomly
 * @param maxRetries     {@code ROTATOR_MAX_RETRIES}: attempts per key for transient errors (at least 1)
 * @param globalTimeout  {@code ROTATOR_GLOBAL_TIMEOUT} (seconds): the whole request, every key and wait included
 * @param usageFile      {@code ROTATOR_USAGE_FILE_PATH}, default {@code key_usage.json} in the workspace; empty
 *                       when rotation is off
 * @param fallbackModels {@code LLM_FALLBACK_MODELS}: comma-separated models to try when a provider is exhausted
 */
public record RotationSettings(boolean enabled, double tolerance, int maxRetries, Duration globalTimeout,
                               Optional<Path> usageFile, List<String> fallbackModels) {

    public static final double DEFAULT_TOLERANCE = 2.0;
    public static final int DEFAULT_MAX_RETRIES = 2;
    public static final Duration DEFAULT_GLOBAL_TIMEOUT = Duration.ofSeconds(120);

    public RotationSettings {
        if (tolerance < 0 || Double.isNaN(tolerance)) {
            throw new IllegalArgumentException("ROTATOR_ROTATION_TOLERANCE must be 0 or more, got " + tolerance);
        }
        if (maxRetries < 1) {
            throw new IllegalArgumentException("ROTATOR_MAX_RETRIES must be 1 or more, got " + maxRetries);
        }
        if (globalTimeout.isNegative() || globalTimeout.isZero()) {
            throw new IllegalArgumentException("ROTATOR_GLOBAL_TIMEOUT must be a positive number of seconds, got "
                    + globalTimeout.toSeconds());
        }
        fallbackModels = List.copyOf(fallbackModels);
    }

    /** Defaults, no ledger file: for tests and tools. */
    public static RotationSettings defaults() {
        return new RotationSettings(true, DEFAULT_TOLERANCE, DEFAULT_MAX_RETRIES, DEFAULT_GLOBAL_TIMEOUT,
                Optional.empty(), List.of());
    }

    /** Reads the settings; a malformed number fails with a message naming the variable. */
    public static RotationSettings from(Config config, Path workspaceDir) {
        boolean enabled = config.get("ENABLE_ROTATOR").map(v -> !v.trim().equalsIgnoreCase("false")
                && !v.trim().equals("0") && !v.trim().equalsIgnoreCase("no")).orElse(true);
        double tolerance = number(config, "ROTATOR_ROTATION_TOLERANCE", DEFAULT_TOLERANCE);
        int retries = (int) number(config, "ROTATOR_MAX_RETRIES", DEFAULT_MAX_RETRIES);
        double seconds = number(config, "ROTATOR_GLOBAL_TIMEOUT", DEFAULT_GLOBAL_TIMEOUT.toSeconds());
        Optional<Path> file = enabled
                ? Optional.of(config.get("ROTATOR_USAGE_FILE_PATH").map(Path::of)
                        .orElse(workspaceDir.resolve("key_usage.json")))
                : Optional.empty();
        List<String> fallbacks = config.get("LLM_FALLBACK_MODELS").map(v -> Arrays.stream(v.split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).toList()).orElse(List.of());
        return new RotationSettings(enabled, tolerance, retries, Duration.ofMillis((long) (seconds * 1000)), file,
                fallbacks);
    }

    private static double number(Config config, String key, double fallback) {
        Optional<String> raw = config.get(key);
        if (raw.isEmpty()) {
            return fallback;
        }
        try {
            return Double.parseDouble(raw.get().trim().toLowerCase(Locale.ROOT));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number, got \"" + raw.get().trim() + "\"");
        }
    }
}
