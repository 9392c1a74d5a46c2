package dev.cortana.host.llm.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.api.llm.LlmCredential;
import dev.cortana.api.llm.LlmFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which key a pool hands out, and how failures rest keys. */
class KeyPoolTest {

    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private final LlmCredential a = new LlmCredential("openai", "sk-pool-key-aaaaaaaaaaaa", Optional.empty());
    private final LlmCredential b = new LlmCredential("openai", "sk-pool-key-bbbbbbbbbbbb", Optional.empty());
    private final LlmCredential c = new LlmCredential("openai", "sk-pool-key-cccccccccccc", Optional.empty());

    private KeyPool pool(double tolerance) {
        return new KeyPool("openai", List.of(a, b, c), tolerance, new CooldownPolicy(), Map.of(), () -> { });
    }

    private static LlmFailure failure(LlmFailure.Kind kind) {
        return new LlmFailure(kind, Optional.empty(), kind.name());
    }

    @Test
    void toleranceZeroPicksTheLeastUsedKey() {
        KeyPool pool = pool(0);
        pool.recordSuccess(a, "gpt-4o", 1, 1, NOW);
        pool.recordSuccess(b, "gpt-4o", 1, 1, NOW);

        assertThat(pool.select("gpt-4o", Set.of(), NOW)).contains(c);
    }

    @Test
    void todaysInputCachedWrittenAndOutputTokensAddUpOverModelsAndStartAgainTheNextDay() {
        KeyPool pool = pool(0);
        pool.recordSuccess(a, "claude-sonnet-4-0", 1_000, 800, 150, 40, NOW);
        pool.recordSuccess(a, "claude-haiku-4-5", 500, 0, 500, 10, NOW);
        pool.recordSuccess(a, "claude-sonnet-4-0", 1_200, 1_000, 150, 60, NOW);

        assertThat(pool.status("claude-sonnet-4-0", NOW).get(0).today())
                .isEqualTo(new KeyStatus.TokensToday(2_700, 1_800, 800, 110));
        assertThat(pool.status("claude-sonnet-4-0", NOW.plus(java.time.Duration.ofDays(1))).get(0).today())
                .isEqualTo(KeyStatus.TokensToday.NONE);
        pool.recordSuccess(a, "claude-sonnet-4-0", 300, 200, 0, 5, NOW.plus(java.time.Duration.ofDays(1)));
        assertThat(pool.status("claude-sonnet-4-0", NOW.plus(java.time.Duration.ofDays(1))).get(0).today())
                .isEqualTo(new KeyStatus.TokensToday(300, 200, 0, 5));
    }

    @Test
    void usageIsCountedPerModel() {
        KeyPool pool = pool(0);
        pool.recordSuccess(a, "gpt-4o", 1, 1, NOW);

        assertThat(pool.select("gpt-4o-mini", Set.of(), NOW)).contains(a);
    }

    @Test
    void weightedSelectionFollowsTheRotatorsFormula() {
        // usages 0 / 5 / 10 with tolerance 2 -> weights 13 / 8 / 3
        KeyPool pool = pool(2);
        for (int i = 0; i < 5; i++) {
            pool.recordSuccess(b, "m", 0, 0, NOW);
        }
        for (int i = 0; i < 10; i++) {
            pool.recordSuccess(c, "m", 0, 0, NOW);
        }
        Map<LlmCredential, Integer> picks = new HashMap<>();
        int rounds = 48_000;
        for (int i = 0; i < rounds; i++) {
            picks.merge(pool.select("m", Set.of(), NOW).orElseThrow(), 1, Integer::sum);
        }

        assertThat(picks.get(a) / (double) rounds).isCloseTo(13 / 24.0, org.assertj.core.data.Offset.offset(0.02));
        assertThat(picks.get(b) / (double) rounds).isCloseTo(8 / 24.0, org.assertj.core.data.Offset.offset(0.02));
        assertThat(picks.get(c) / (double) rounds).isCloseTo(3 / 24.0, org.assertj.core.data.Offset.offset(0.02));
    }

    @Test
    void aRateLimitedKeyRestsForThatModelOnly() {
        KeyPool pool = pool(0);
        pool.recordFailure(a, "gpt-4o", failure(LlmFailure.Kind.RATE_LIMIT), NOW);

        assertThat(pool.select("gpt-4o", Set.of(), NOW)).contains(b);
        assertThat(pool.select("gpt-4o-mini", Set.of(), NOW)).contains(a);
        assertThat(pool.select("gpt-4o", Set.of(), NOW.plusSeconds(61))).contains(b); // b, c unused; a used once
    }

    @Test
    void consecutiveTransientFailuresEscalateAndASuccessResets() {
        KeyPool pool = pool(0);
        List<Duration> rests = new java.util.ArrayList<>();
        Instant t = NOW;
        for (int i = 0; i < 6; i++) {
            Instant until = pool.recordFailure(a, "m", failure(LlmFailure.Kind.TRANSIENT), t).orElseThrow();
            rests.add(Duration.between(t, until));
            t = until;
        }
        assertThat(rests).extracting(Duration::toSeconds).containsExactly(10L, 30L, 60L, 120L, 300L, 300L);

        pool.recordSuccess(a, "m", 1, 1, t);
        Instant until = pool.recordFailure(a, "m", failure(LlmFailure.Kind.TRANSIENT), t).orElseThrow();
        assertThat(Duration.between(t, until)).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void aProvidersRetryAfterIsHonoured() {
        KeyPool pool = pool(0);
        Instant until = pool.recordFailure(a, "m", new LlmFailure(LlmFailure.Kind.RATE_LIMIT,
                Optional.of(Duration.ofSeconds(17)), "429"), NOW).orElseThrow();

        assertThat(until).isEqualTo(NOW.plusSeconds(17));
    }

    @Test
    void aRestoredCooldownIsKeptForABrandNewUseOfTheKey() {
        KeyRecord saved = new KeyRecord("openai", null, Map.of("m", new UsageRecord(3, 2, 1, 10, 10, null, 0, 0, NOW,
                NOW.plusSeconds(100), 1, "RATE_LIMIT")));
        KeyPool pool = new KeyPool("openai", List.of(a, b), 0, new CooldownPolicy(), Map.of(a.fingerprint(), saved),
                () -> { });

        assertThat(pool.select("m", Set.of(), NOW)).contains(b);
        assertThat(pool.nextFree("m", Set.of(b.fingerprint()), NOW)).contains(NOW.plusSeconds(100));
    }

    @Test
    void triedKeysAreNotHandedOutAgain() {
        KeyPool pool = pool(0);

        assertThat(pool.select("m", Set.of(a.fingerprint(), b.fingerprint(), c.fingerprint()), NOW)).isEmpty();
    }
}
