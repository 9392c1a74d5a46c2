package dev.cortana.host.llm.rotation;

import dev.cortana.api.llm.LlmCredential;
import dev.cortana.api.llm.LlmFailure;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The keys of one provider, with their usage and cooldowns. Only keys resting neither for the model nor key-wide are
 * eligible; among them, tolerance 0 picks the least-used (today, for that model) and tolerance &gt; 0 picks at random
 * with weight {@code (maxUsage - usage) + tolerance + 1}, so load spreads without hammering one key.
 *
 * <p>Thread-safe: every method holds the pool's lock for a few map look-ups only, never during a model call.
 */
public final class KeyPool {

    private final String provider;
    private final double tolerance;
    private final CooldownPolicy policy;
    private final Runnable onChange;
    private final List<Slot> slots;

    public KeyPool(String provider, List<LlmCredential> credentials, double tolerance, CooldownPolicy policy,
                   Map<String, KeyRecord> restored, Runnable onChange) {
        this.provider = provider;
        this.tolerance = tolerance;
        this.policy = policy;
        this.onChange = onChange;
        List<Slot> list = new ArrayList<>();
        for (LlmCredential credential : credentials) {
            Slot slot = new Slot(credential, credential.fingerprint());
            KeyRecord saved = restored.get(slot.fingerprint);
            if (saved != null) {
                slot.keyCooldownUntil = saved.keyCooldownUntil();
                slot.models.putAll(saved.models());
            }
            list.add(slot);
        }
        this.slots = List.copyOf(list);
    }

    public String provider() {
        return provider;
    }

    public int size() {
        return slots.size();
    }

    /** A key that may serve {@code model} now and is not in {@code tried}; empty when none is. */
    public synchronized Optional<LlmCredential> select(String model, Set<String> tried, Instant now) {
        long today = Math.floorDiv(now.getEpochSecond(), 86_400L); // UTC epoch day: cheaper than a LocalDate per call
        Slot[] eligible = new Slot[slots.size()];
        long[] usage = new long[slots.size()];
        int count = 0;
        long max = 0;
        for (Slot slot : slots) {
            if (tried.contains(slot.fingerprint) || slot.restingUntil(model, now) != null) {
                continue;
            }
            long used = slot.models.getOrDefault(model, UsageRecord.EMPTY).requestsOnEpochDay(today);
            eligible[count] = slot;
            usage[count++] = used;
            max = Math.max(max, used);
        }
        if (count == 0) {
            return Optional.empty();
        }
        if (tolerance == 0) {
            int best = 0;
            for (int i = 1; i < count; i++) {
                if (usage[i] < usage[best]) {
                    best = i;
                }
            }
            return Optional.of(eligible[best].credential);
        }
        double total = 0;
        double[] weights = new double[count];
        for (int i = 0; i < count; i++) {
            weights[i] = (max - usage[i]) + tolerance + 1;
            total += weights[i];
        }
        double pick = ThreadLocalRandom.current().nextDouble(total);
        for (int i = 0; i < count; i++) {
            pick -= weights[i];
            if (pick < 0) {
                return Optional.of(eligible[i].credential);
            }
        }
        return Optional.of(eligible[count - 1].credential);
    }

    /** The earliest moment a key outside {@code tried} frees up for {@code model}; empty when none will. */
    public synchronized Optional<Instant> nextFree(String model, Set<String> tried, Instant now) {
        Instant earliest = null;
        for (Slot slot : slots) {
            if (tried.contains(slot.fingerprint)) {
                continue;
            }
            Instant until = slot.restingUntil(model, now);
            if (until == null) {
                return Optional.of(now);
            }
            earliest = earliest == null || until.isBefore(earliest) ? until : earliest;
        }
        return Optional.ofNullable(earliest);
    }

    public void recordSuccess(LlmCredential credential, String model, long promptTokens, long completionTokens,
                              Instant now) {
        recordSuccess(credential, model, promptTokens, 0, 0, completionTokens, now);
    }

    /**
     * Like {@link #recordSuccess(LlmCredential, String, long, long, Instant)}, with how many of the
     * {@code promptTokens} the provider read from its prompt cache ({@code cachedTokens}) and wrote to it.
     */
    public void recordSuccess(LlmCredential credential, String model, long promptTokens, long cachedTokens,
                              long cacheWriteTokens, long completionTokens, Instant now) {
        synchronized (this) {
            Slot slot = slot(credential);
            slot.models.put(model, slot.models.getOrDefault(model, UsageRecord.EMPTY)
                    .succeeded(now, LocalDate.ofInstant(now, ZoneOffset.UTC), promptTokens, cachedTokens,
                            cacheWriteTokens, completionTokens));
        }
        onChange.run();
    }

    /**
     * Counts a failed attempt and rests the key as the policy says. Returns the rest's end, or empty when the failure
     * rests nothing (a rejected request, a too-long conversation: the key is fine).
     */
    public Optional<Instant> recordFailure(LlmCredential credential, String model, LlmFailure failure, Instant now) {
        Instant until;
        synchronized (this) {
            Slot slot = slot(credential);
            UsageRecord record = slot.models.getOrDefault(model, UsageRecord.EMPTY);
            Duration rest = policy.cooldown(failure, record.consecutiveFailures() + 1);
            until = rest.isZero() ? null : now.plus(rest);
            boolean keyWide = policy.keyWide(failure);
            if (keyWide && until != null) {
                slot.keyCooldownUntil = later(slot.keyCooldownUntil, until);
            }
            Instant modelUntil = keyWide || until == null ? record.cooldownUntil() : later(record.cooldownUntil(), until);
            slot.models.put(model, record.failed(now, LocalDate.ofInstant(now, ZoneOffset.UTC), modelUntil,
                    failure.kind().name(), until != null));
        }
        onChange.run();
        return Optional.ofNullable(until);
    }

    /** Each key's state for {@code model} (cooldowns) and for today (counts over every model). */
    public synchronized List<KeyStatus> status(String model, Instant now) {
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        List<KeyStatus> result = new ArrayList<>();
        for (Slot slot : slots) {
            long requests = 0;
            long tokens = 0;
            KeyStatus.TokensToday split = KeyStatus.TokensToday.NONE;
            Instant lastAt = null;
            String lastError = null;
            for (UsageRecord record : slot.models.values()) {
                requests += record.requestsOn(today);
                tokens += record.tokensOn(today);
                if (today.equals(record.day())) {
                    split = split.plus(new KeyStatus.TokensToday(record.todayInputTokens(), record.todayCachedTokens(),
                            record.todayCacheWriteTokens(), record.todayOutputTokens()));
                }
                if (record.lastError() != null && record.lastUsed() != null
                        && (lastAt == null || record.lastUsed().isAfter(lastAt))) {
                    lastAt = record.lastUsed();
                    lastError = record.lastError();
                }
            }
            result.add(new KeyStatus(slot.fingerprint, Optional.ofNullable(slot.restingUntil(model, now)), requests,
                    tokens, Optional.ofNullable(lastError), split));
        }
        return result;
    }

    /** What the ledger stores for this pool. */
    public synchronized Map<String, KeyRecord> snapshot() {
        Map<String, KeyRecord> records = new HashMap<>();
        for (Slot slot : slots) {
            records.put(slot.fingerprint, new KeyRecord(provider, slot.keyCooldownUntil, slot.models));
        }
        return records;
    }

    private Slot slot(LlmCredential credential) {
        for (Slot slot : slots) {
            if (slot.credential.equals(credential)) {
                return slot;
            }
        }
        throw new IllegalArgumentException("not a key of the " + provider + " pool: " + credential);
    }

    private static Instant later(Instant a, Instant b) {
        return a == null || b.isAfter(a) ? b : a;
    }

    private static final class Slot {
        final LlmCredential credential;
        final String fingerprint;
        final Map<String, UsageRecord> models = new HashMap<>();
        Instant keyCooldownUntil;

        Slot(LlmCredential credential, String fingerprint) {
            this.credential = credential;
            this.fingerprint = fingerprint;
        }

        /** The end of the rest in force for {@code model}, or null when the key may serve it now. */
        Instant restingUntil(String model, Instant now) {
            Instant until = null;
            if (keyCooldownUntil != null && keyCooldownUntil.isAfter(now)) {
                until = keyCooldownUntil;
            }
            UsageRecord record = models.get(model);
            if (record != null && record.cooldownUntil() != null && record.cooldownUntil().isAfter(now)) {
                until = until == null || record.cooldownUntil().isAfter(until) ? record.cooldownUntil() : until;
            }
            return until;
        }
    }
}
