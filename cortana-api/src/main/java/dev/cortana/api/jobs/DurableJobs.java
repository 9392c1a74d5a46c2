package dev.cortana.api.jobs;

import java.util.List;
import java.util.Optional;

/**
 * Work that must happen at a time even if Cortana restarts or is killed meanwhile: reminders, calendar syncs,
 * daily digests. Jobs are stored in Cortana's PostgreSQL database; a job that fell due while Cortana was down runs
 * when it starts again, and its handler learns how late it is ({@link JobRun#lateness()}). For work that may be lost
 * on restart, use {@link dev.cortana.api.PluginScheduler} instead.
 *
 * <pre>{@code
 * DurableJobs jobs = context.jobs();
 * jobs.handle("remind", run -> notifier.send(                                         // in the plugin's start-up
 *         "⏰ " + new ObjectMapper().readTree(run.payloadJson()).path("text").asText()));   // "⏰ gifts", not JSON
 * Job job = jobs.schedule("remind", Schedule.at(Instant.parse("2026-12-24T18:00:00Z")), "{\"text\":\"gifts\"}");
 * jobs.schedule("digest", Schedule.rrule("FREQ=DAILY", LocalDate.now(zone).atTime(8, 0), zone), "{}");
 * jobs.cancel(job.id());
 * }</pre>
 *
 * <p><b>Delivery is at least once.</b> A run that was interrupted (Cortana killed, the machine lost power) before it
 * was recorded as done runs again, so a handler can see the same run twice. Make handlers idempotent with
 * {@link JobRun#idempotencyKey()}, which is the same for both deliveries of one scheduled run and different for every
 * other run:
 * <pre>{@code
 * jobs.handle("remind", run -> {
 *     try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
 *             "INSERT INTO reminder_sent (key) VALUES (?) ON CONFLICT DO NOTHING")) {
 *         s.setString(1, run.idempotencyKey());
 *         if (s.executeUpdate() == 1) {
 *             notifier.send(...);           // only the first delivery of this run sends
 *         }
 *     }
 * });
 * }</pre>
 *
 * <p><b>Handlers and stopped plugins.</b> Jobs belong to the plugin that scheduled them: a plugin lists and cancels
 * only its own, and the names of its handlers are its own (two plugins may both have a handler {@code "sync"}). A job
 * whose handler is not registered (its plugin is stopped, not installed, or has not called {@link #handle} yet) is
 * never dropped or failed for it: it waits, and runs as soon as the handler is registered again, with its original
 * scheduled time. Register handlers when the plugin starts; they are removed when it stops.
 *
 * <p><b>Failures.</b> A handler that throws is retried after 30 s, 1 min, 2 min, ... (at most 1 h apart); after
 * {@value #MAX_ATTEMPTS} failed attempts of one run, a one-time job is dropped and a recurring one moves on to its next
 * occurrence. Each failure is logged with the plugin's id.
 *
 * <p><b>Timing.</b> A run starts within about a second of its time while Cortana is up. A recurring job whose runs were
 * missed during a downtime runs once at start-up (late), then continues at its next occurrence in the future.
 *
 * @since 0.1.0
 */
public interface DurableJobs {

    /** How large a job's payload may be: {@value} bytes of UTF-8 JSON. Keep ids in it, not documents. */
    int MAX_PAYLOAD_BYTES = 8 * 1024;

    /** How many failed attempts of one run a handler gets. */
    int MAX_ATTEMPTS = 8;

    /**
     * Registers the code that runs this plugin's jobs of the given name, replacing an earlier registration of it.
     * Jobs of this name that were waiting for it (scheduled while the plugin was stopped, or due then) run now.
     */
    void handle(String handlerName, JobHandler handler);

    /**
     * Schedules a job for the handler of that name (which need not be registered yet).
     *
     * @param payloadJson a JSON value (object, array, string, number...) handed to every run, at most
     *                    {@link #MAX_PAYLOAD_BYTES} bytes; {@code null} means {@code {}}
     * @return the stored job, with its id and first run time
     * @throws IllegalArgumentException if the payload is not JSON or too large, the RRULE or cron expression does not
     *                                  parse, or the schedule has no run in the future
     */
    Job schedule(String handlerName, Schedule schedule, String payloadJson);

    /**
     * Cancels one of this plugin's jobs; a run already under way finishes. Returns false if this plugin has no job
     * with that id (never had one, it ended, or the id is another plugin's).
     */
    boolean cancel(String jobId);

    /** This plugin's jobs that will still run, soonest first. */
    List<Job> list();

    /** One of this plugin's jobs, if it will still run. */
    Optional<Job> find(String jobId);

    /**
     * The times a schedule runs after {@code after} up to and including {@code until}, at most {@code max} of them,
     * as the platform computes them (RFC 5545 local times, gaps and overlaps): for example, how many runs of a
     * recurring job a downtime missed, from {@link JobRun#scheduledTime()} to now.
     *
     * <pre>{@code
     * int missed = 1 + jobs.runsBetween(schedule, run.scheduledTime(), run.startedAt(), 1000).size();
     * }</pre>
     *
     * @throws UnsupportedOperationException on a host without this support
     * @since 0.2.0
     */
    default List<java.time.Instant> runsBetween(Schedule schedule, java.time.Instant after, java.time.Instant until,
                                                int max) {
        throw new UnsupportedOperationException("This host cannot list a schedule's runs");
    }
}
