package dev.cortana.plugins.reminders;

import dev.cortana.api.jobs.Schedule;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;

/** A stored reminder (table {@code reminders}). */
record Reminder(long id, String text, ZoneId zone, String rrule, LocalDateTime startLocal, Instant dueAt,
                String jobId, String extraJobId, Instant skipAt, String state, String failure, Instant failedDue,
                int attempts) {

    boolean recurring() {
        return rrule != null;
    }

    /** The recurring schedule of its job (recurring reminders only). */
    Schedule schedule() {
        return Schedule.rrule(rrule, startLocal, zone);
    }
}
