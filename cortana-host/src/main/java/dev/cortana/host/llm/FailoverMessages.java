package dev.cortana.host.llm;

import dev.cortana.api.llm.LlmFailure;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The words a user reads when no key could answer: which keys, what happened to each, and when one frees. */
final class FailoverMessages {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss z");

    private FailoverMessages() {
    }

    static String time(Instant instant, ZoneId zone) {
        return TIME.format(instant.atZone(zone));
    }

    static String allCooling(String provider, String model, int keys, Instant nextFree, ZoneId zone) {
        String subject = keys == 1 ? "the only " + provider + " key is" : "all " + keys + " " + provider + " keys are";
        return "No answer from " + provider + "/" + model + ": " + subject + " cooling down; the next frees at "
                + time(nextFree, zone) + ". Try again then, add a key (" + envPrefix(provider)
                + "_API_KEY_2, ...), or set LLM_FALLBACK_MODELS.";
    }

    /** Every key was tried in this request and failed; {@code failures} by fingerprint, in the order tried. */
    static String allFailed(String provider, String model, Map<String, LlmFailure> failures) {
        boolean allAuth = failures.values().stream().allMatch(f -> f.kind() == LlmFailure.Kind.AUTH);
        String keys = String.join(", ", failures.keySet());
        if (allAuth) {
            return "Every " + provider + " key was rejected by the provider (401/403): " + keys + ". Check "
                    + envPrefix(provider) + "_API_KEY" + (failures.size() > 1 ? "_<N>" : "")
                    + " in .env (the key may be revoked or lack access to " + model + "), then restart Cortana.";
        }
        String detail = failures.entrySet().stream().map(e -> e.getKey() + " " + e.getValue().detail())
                .collect(Collectors.joining("; "));
        return "No " + provider + " key could answer with " + model + " (" + detail + "). The keys rest and are "
                + "tried again later; add a key or set LLM_FALLBACK_MODELS to keep going meanwhile.";
    }

    static String deadline(String provider, String model, long seconds, List<String> tried) {
        return "No answer from " + provider + "/" + model + " within " + seconds + " s (ROTATOR_GLOBAL_TIMEOUT)"
                + (tried.isEmpty() ? "" : "; keys tried: " + String.join(", ", tried)) + ". Try again in a moment.";
    }

    static String fallbackNotice(String primary, String used) {
        return "_(" + primary + " is unavailable right now; this answer comes from " + used + ".)_";
    }

    private static String envPrefix(String provider) {
        return provider.toUpperCase(java.util.Locale.ROOT);
    }
}
