package dev.cortana.api.jobs;

import java.time.Duration;
import java.time.Instant;

/**
 * One run of a durable job, as its handler sees it.
 *
 * @param jobId         the job's id, as {@link DurableJobs#schedule} returned it
 * @param handlerName   the name the job was scheduled for
 * @param scheduledTime when this run was due, to the millisecond
 * @param startedAt     when it started: later than {@code scheduledTime} by {@link #lateness()}
 * @param payloadJson   the JSON the job was scheduled with
 * @param attempt       1 for the first attempt of this run, 2 after one failure, ...
 * @since 0.1.0
 */
public record JobRun(String jobId, String handlerName, Instant scheduledTime, Instant startedAt, String payloadJson,
                     int attempt) {

    /** How late this run starts: zero or more (a job due while Cortana was down is as late as the downtime). */
    public Duration lateness() {
        Duration late = Duration.between(scheduledTime, startedAt);
        return late.isNegative() ? Duration.ZERO : late;
    }

    /**
     * {@code <jobId>@<scheduledTime>}: the same for every delivery and retry of this run, different for every other
     * run (the next occurrence of a recurring job has another). Record it with what the run did to do it only once.
     */
    public String idempotencyKey() {
        return jobId + "@" + scheduledTime;
    }

    /** Same as {@link #payloadJson()}. */
    public String payload() {
        return payloadJson;
    }
}
