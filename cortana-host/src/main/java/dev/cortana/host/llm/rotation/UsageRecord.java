package dev.cortana.host.llm.rotation;

import java.time.Instant;
import java.time.LocalDate;

/**
 * What the ledger knows about one key with one model: totals, today's counts, and the cooldown in force.
 *
 * @param day                 the UTC day the {@code today*} counts belong to
 * @param cooldownUntil       when this key may serve this model again; null when it may now
 * @param consecutiveFailures failures in a row since the last success (drives escalation)
 * @param lastError           the failure class of the last failure ({@code RATE_LIMIT}), null when none
 * @param todayInputTokens    input tokens of {@code day}, cached or not (0 in a ledger from before this count)
 * @param todayCachedTokens   of those, read from the provider's prompt cache
 * @param todayCacheWriteTokens of those, written to the provider's prompt cache
 * @param todayOutputTokens   output tokens of {@code day}
 */
public record UsageRecord(long requests, long successes, long failures, long promptTokens, long completionTokens,
                          LocalDate day, long todayRequests, long todayTokens, Instant lastUsed,
                          Instant cooldownUntil, int consecutiveFailures, String lastError, long todayInputTokens,
                          long todayCachedTokens, long todayCacheWriteTokens, long todayOutputTokens) {

    public static final UsageRecord EMPTY = new UsageRecord(0, 0, 0, 0, 0, null, 0, 0, null, null, 0, null);

    /** A record without today's split of the tokens (as ledgers before the cache figures saved it). */
    public UsageRecord(long requests, long successes, long failures, long promptTokens, long completionTokens,
                       LocalDate day, long todayRequests, long todayTokens, Instant lastUsed, Instant cooldownUntil,
                       int consecutiveFailures, String lastError) {
        this(requests, successes, failures, promptTokens, completionTokens, day, todayRequests, todayTokens, lastUsed,
                cooldownUntil, consecutiveFailures, lastError, 0, 0, 0, 0);
    }

    /** Counts of {@code today} (zero when the record is from an earlier day). */
    long requestsOn(LocalDate today) {
        return today.equals(day) ? todayRequests : 0;
    }

    long requestsOnEpochDay(long epochDay) {
        return day != null && day.toEpochDay() == epochDay ? todayRequests : 0;
    }

    long tokensOn(LocalDate today) {
        return today.equals(day) ? todayTokens : 0;
    }

    UsageRecord succeeded(Instant now, LocalDate today, long prompt, long completion) {
        return succeeded(now, today, prompt, 0, 0, completion);
    }

    UsageRecord succeeded(Instant now, LocalDate today, long prompt, long cached, long cacheWrite, long completion) {
        boolean sameDay = today.equals(day);
        return new UsageRecord(requests + 1, successes + 1, failures, promptTokens + prompt,
                completionTokens + completion, today, requestsOn(today) + 1, tokensOn(today) + prompt + completion,
                now, null, 0, lastError, (sameDay ? todayInputTokens : 0) + prompt,
                (sameDay ? todayCachedTokens : 0) + cached, (sameDay ? todayCacheWriteTokens : 0) + cacheWrite,
                (sameDay ? todayOutputTokens : 0) + completion);
    }

    UsageRecord failed(Instant now, LocalDate today, Instant until, String errorClass, boolean counts) {
        boolean sameDay = today.equals(day);
        return new UsageRecord(requests + 1, successes, failures + 1, promptTokens, completionTokens, today,
                requestsOn(today) + 1, tokensOn(today), now, until, counts ? consecutiveFailures + 1 : consecutiveFailures,
                errorClass, sameDay ? todayInputTokens : 0, sameDay ? todayCachedTokens : 0,
                sameDay ? todayCacheWriteTokens : 0, sameDay ? todayOutputTokens : 0);
    }
}
