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
 * @param today         today's input (of it cached, written to the cache) and output tokens with every model
 */
public record KeyStatus(String fingerprint, Optional<Instant> coolingUntil, long todayRequests, long todayTokens,
                        Optional<String> lastError, TokensToday today) {

    public KeyStatus(String fingerprint, Optional<Instant> coolingUntil, long todayRequests, long todayTokens,
                     Optional<String> lastError) {
        this(fingerprint, coolingUntil, todayRequests, todayTokens, lastError, TokensToday.NONE);
    }

    /** One day's tokens: {@code input} counts every input token, {@code cachedInput} those read from the cache. */
    public record TokensToday(long input, long cachedInput, long cacheWrite, long output) {

        public static final TokensToday NONE = new TokensToday(0, 0, 0, 0);

        public TokensToday plus(TokensToday other) {
            return new TokensToday(input + other.input, cachedInput + other.cachedInput,
                    cacheWrite + other.cacheWrite, output + other.output);
        }
    }

    public boolean available() {
        return coolingUntil.isEmpty();
    }
}
