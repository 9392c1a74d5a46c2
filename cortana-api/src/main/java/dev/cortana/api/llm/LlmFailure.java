package dev.cortana.api.llm;

import java.time.Duration;
import java.util.Optional;

/**
 * How the host should treat a failed model call.
 *
 * @param kind       what went wrong
 * @param retryAfter how long the provider asked us to wait, when it said
 * @param detail     a short, secret-free description for logs and {@code /settings status}
 * @since 0.1.0
 */
public record LlmFailure(Kind kind, Optional<Duration> retryAfter, String detail) {

    public enum Kind {
        /** 429: too many requests for now. Cool this key down for this model; try the next key at once. */
        RATE_LIMIT,
        /** 429 mentioning quota or resource exhaustion: a longer cooldown for this key and model. */
        QUOTA,
        /** 401 / 403: the key is bad or lacks access. Key-wide cooldown. */
        AUTH,
        /** 5xx, timeouts, dropped connections: retry the same key, then move on. */
        TRANSIENT,
        /** The conversation is longer than the model accepts: compact and retry, never rotate. */
        CONTEXT_LENGTH,
        /** Any other rejected request: fail at once, no rotation, no cooldown. */
        INVALID_REQUEST
    }
}
