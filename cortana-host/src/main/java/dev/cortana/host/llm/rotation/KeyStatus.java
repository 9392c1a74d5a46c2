package dev.cortana.host.llm.rotation;

import java.time.Instant;
import java.util.Optional;

/**
 * One key of a pool as {@code /settings status} shows it: never the key, only its fingerprint.
 *
 * @param coolingUntil  when the key is free again for the model asked about (or key-wide), empty when available
 * @param todayRequests requests today with every model
 * @param todayTokens   prompt + completion tokens today with every model
 * @param lastError     the class of the key's most recent failure ({@code RATE_LIMIT}), empty when none
 */
public record KeyStatus(String fingerprint, Optional<Instant> coolingUntil, long todayRequests, long todayTokens,
                        Optional<String> lastError) {

    public boolean available() {
        return coolingUntil.isEmpty();
    }
}
