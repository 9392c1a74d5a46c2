package dev.cortana.host.jobs;

import dev.cortana.api.jobs.Schedule;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;

/**
 * What db-scheduler stores for one job (as JSON in {@code scheduled_tasks.task_data}): whose it is, its schedule and
 * payload, and the run it is on. {@code due} is kept here, not only as the row's execution time, because a job waiting
 * for its handler or retried after a failure is rescheduled while its run keeps its scheduled time.
 *
 * @param kind    {@code at}, {@code every}, {@code rrule} or {@code cron}
 * @param rule    the RRULE, cron expression or ISO-8601 interval; null for {@code at}
 * @param start   the RRULE's local start, or the first run of an interval / the time of a one-time job (ISO-8601)
 * @param due     the scheduled time of the current run, epoch milliseconds
 * @param attempt failed attempts of the current run so far
 * @param waiting true while the job waits for its handler to be registered
 */
record JobData(String pluginId, String handler, String payload, String kind, String rule, String start, String zone,
               long due, int attempt, boolean waiting) {

    static JobData of(String pluginId, String handler, String payload, Schedule schedule, Instant due) {
        long dueMillis = due.toEpochMilli();
        if (schedule instanceof Schedule.Every every) {
            return new JobData(pluginId, handler, payload, "every", every.interval().toString(),
                    every.first() == null ? null : every.first().toString(), null, dueMillis, 0, false);
        }
        if (schedule instanceof Schedule.Rrule rrule) {
            return new JobData(pluginId, handler, payload, "rrule", rrule.rule(), rrule.start().toString(),
                    rrule.zone().getId(), dueMillis, 0, false);
        }
        if (schedule instanceof Schedule.Cron cron) {
            return new JobData(pluginId, handler, payload, "cron", cron.expression(), null, cron.zone().getId(),
                    dueMillis, 0, false);
        }
        Schedule.At at = (Schedule.At) schedule;
        return new JobData(pluginId, handler, payload, "at", null, at.time().toString(), null, dueMillis, 0, false);
    }

    Schedule schedule() {
        switch (kind) {
            case "at": return Schedule.at(Instant.parse(start));
            case "every": return Schedule.every(Duration.parse(rule), start == null ? null : Instant.parse(start));
            case "rrule": return Schedule.rrule(rule, LocalDateTime.parse(start), ZoneId.of(zone));
            case "cron": return Schedule.cron(rule, ZoneId.of(zone));
            default: throw new IllegalStateException("Unknown job schedule kind " + kind);
        }
    }

    Instant dueTime() {
        return Instant.ofEpochMilli(due);
    }

    JobData nextRun(Instant next) {
        return new JobData(pluginId, handler, payload, kind, rule, start, zone, next.toEpochMilli(), 0, false);
    }

    JobData failedAttempt() {
        return new JobData(pluginId, handler, payload, kind, rule, start, zone, due, attempt + 1, false);
    }

    JobData waitingForHandler() {
        return new JobData(pluginId, handler, payload, kind, rule, start, zone, due, attempt, true);
    }
}
