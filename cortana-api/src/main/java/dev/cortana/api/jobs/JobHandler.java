package dev.cortana.api.jobs;

/**
 * Runs one occurrence of a durable job. Delivery is at least once: see {@link DurableJobs} for how to use
 * {@link JobRun#idempotencyKey()} so that a repeated delivery does no harm. A handler that throws is retried later.
 *
 * <pre>{@code
 * context.jobs().handle("remind", run -> {
 *     if (run.lateness().toHours() >= 12) return;   // too late to be useful
 *     notifier.send("⏰ " + new ObjectMapper().readTree(run.payloadJson()).path("text").asText());
 * });
 * }</pre>
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface JobHandler {

    void run(JobRun run) throws Exception;
}
