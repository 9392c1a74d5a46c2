package dev.cortana.host.llm.rotation;

import dev.cortana.api.llm.LlmFailure;
import java.time.Duration;
import java.util.List;

/**
 * How long a key rests after a failure. Repeated failures of one (key, model) escalate along a ladder so a key that
 * keeps failing is asked less often; a success resets the ladder. A provider's own {@code Retry-After} is honoured
 * when it asks for longer than the ladder.
 */
public final class CooldownPolicy {

    static final List<Duration> LADDER = List.of(Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofSeconds(60), Duration.ofSeconds(120), Duration.ofSeconds(300));
    static final Duration RATE_LIMIT_DEFAULT = Duration.ofSeconds(60);
    /** Quota resets are hours away (daily or billing): asking again within minutes only burns the request. */
    static final Duration QUOTA_MINIMUM = Duration.ofMinutes(10);
    static final Duration AUTH = Duration.ofMinutes(5);

    private final boolean rests;

    /** The rotator's policy: rests escalate along the ladder. */
    public CooldownPolicy() {
        this(true);
    }

    private CooldownPolicy(boolean rests) {
        this.rests = rests;
    }

    /** Legacy single-key mode: a failure never rests the only key (the next message simply tries again). */
    public static CooldownPolicy none() {
        return new CooldownPolicy(false);
    }

    /** The rest after the {@code consecutiveFailures}-th failure in a row (1 for the first); zero when none. */
    public Duration cooldown(LlmFailure failure, int consecutiveFailures) {
        if (!rests) {
            return Duration.ZERO;
        }
        Duration ladder = LADDER.get(Math.min(Math.max(consecutiveFailures, 1), LADDER.size()) - 1);
        Duration asked = failure.retryAfter().orElse(Duration.ZERO);
        return switch (failure.kind()) {
            case RATE_LIMIT -> max(failure.retryAfter().orElse(RATE_LIMIT_DEFAULT), consecutiveFailures > 1 ? ladder : Duration.ZERO);
            case QUOTA -> max(max(asked, QUOTA_MINIMUM), ladder);
            case AUTH -> AUTH;
            case TRANSIENT -> max(asked, ladder);
            case CONTEXT_LENGTH, INVALID_REQUEST -> Duration.ZERO;
        };
    }

    /** Whether the failure rests the whole key (every model), not just this model. */
    public boolean keyWide(LlmFailure failure) {
        return failure.kind() == LlmFailure.Kind.AUTH;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
