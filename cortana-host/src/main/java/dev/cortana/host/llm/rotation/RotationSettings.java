package dev.cortana.host.llm.rotation;

import dev.cortana.host.config.Config;
import dev.cortana.host.config.ConfigException;
import dev.cortana.host.config.CortanaConfig;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
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

    /**
     * Reads the settings; a malformed value fails with a {@link ConfigException} in the one form
     * ({@code NAME='value' is not valid: expected ...}), and so does a usage file path holding a file that is not the
     * ledger's own ({@link UsageLedger#refuseForeign}).
     */
    public static RotationSettings from(Config config, Path workspaceDir) {
        boolean enabled = CortanaConfig.bool(config, "ENABLE_ROTATOR", true);
        double tolerance = number(config, "ROTATOR_ROTATION_TOLERANCE", DEFAULT_TOLERANCE, 0, 1_000_000,
                "a number, 0 or more, such as 2.0");
        int retries = CortanaConfig.wholeNumber(config, "ROTATOR_MAX_RETRIES", DEFAULT_MAX_RETRIES, 1, 100,
                "a whole number of attempts per key, from 1 to 100");
        double seconds = number(config, "ROTATOR_GLOBAL_TIMEOUT", DEFAULT_GLOBAL_TIMEOUT.toSeconds(), 1, 86_400,
                "a number of seconds from 1 to 86400, such as 120");
        Optional<Path> file = enabled ? Optional.of(usageFile(config, workspaceDir)) : Optional.empty();
        file.ifPresent(UsageLedger::refuseForeign);
        List<String> fallbacks = config.get("LLM_FALLBACK_MODELS").map(v -> Arrays.stream(v.split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).toList()).orElse(List.of());
        return new RotationSettings(enabled, tolerance, retries, Duration.ofMillis((long) (seconds * 1000)), file,
                fallbacks);
    }

    private static Path usageFile(Config config, Path workspaceDir) {
        Optional<String> raw = config.get("ROTATOR_USAGE_FILE_PATH");
        if (raw.isEmpty()) {
            return workspaceDir.resolve("key_usage.json");
        }
        try {
            return Path.of(raw.get().trim());
        } catch (InvalidPathException e) {
            throw ConfigException.invalid("ROTATOR_USAGE_FILE_PATH", raw.get(), "a file path");
        }
    }

    private static double number(Config config, String key, double fallback, double min, double max,
                                 String expected) {
        Optional<String> raw = config.get(key);
        if (raw.isEmpty()) {
            return fallback;
        }
        try {
            double value = Double.parseDouble(raw.get().trim());
            if (!(value >= min && value <= max)) {
                throw ConfigException.invalid(key, raw.get(), expected);
            }
            return value;
        } catch (NumberFormatException e) {
            throw ConfigException.invalid(key, raw.get(), expected);
        }
    }
}
