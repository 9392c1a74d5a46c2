package dev.cortana.api.jobs;

import java.time.Instant;

/**
 * A scheduled durable job of this plugin.
 *
 * @param id          its id (unique in the database), for {@link DurableJobs#cancel}
 * @param handlerName the handler it runs
 * @param schedule    when it runs
 * @param nextRun     when it runs next; in the past if it is due and waiting (its handler is not registered, or it runs
 *                    right now)
 * @param payloadJson the JSON every run gets
 * @since 0.1.0
 */
public record Job(String id, String handlerName, Schedule schedule, Instant nextRun, String payloadJson) {
}
