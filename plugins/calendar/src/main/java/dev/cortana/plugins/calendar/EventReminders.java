package dev.cortana.plugins.calendar;

import dev.cortana.api.CortanaContext;
import dev.cortana.api.jobs.DurableJobs;
import dev.cortana.api.jobs.Job;
import dev.cortana.api.jobs.JobRun;
import dev.cortana.api.jobs.Schedule;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * "15 minutes before" reminders of events, as durable jobs: one job per (event, minutes before), due before the
 * event's next occurrence. Its run sends the reminder ({@code notifier().send}: a DM that joins the conversation)
 * once, recorded under {@link JobRun#idempotencyKey()} and the occurrence, then schedules the job for the next
 * occurrence of a series. Moving an event reschedules its jobs; deleting it cancels them; a cancelled or moved
 * occurrence of a series is skipped (the run finds no occurrence at that time). Jobs live in the database, so
 * reminders survive restarts; one that fell due while Cortana was down is sent late while the event has not ended.
 */
final class EventReminders {

    static final String HANDLER = "event-reminder";
    private static final Logger LOG = LoggerFactory.getLogger(EventReminders.class);
    private static final Pattern PAYLOAD = Pattern.compile("\\{\"event\":(\\d+),\"minutes\":(\\d+),\"start\":\"([^\"]+)\"}");

    private final CortanaContext context;
    private final CalendarStore store;

    EventReminders(CortanaContext context, CalendarStore store) {
        this.context = context;
        this.store = store;
    }

    DurableJobs jobs() {
        return context.jobs();
    }

    /** Replaces an event's reminder jobs by ones for its next occurrence (none if it has no reminders). */
    void reschedule(Connection c, Event event) throws SQLException {
        cancel(c, event.id());
        for (int minutes : event.reminders()) {
            Optional<Instant> start = nextStart(c, event.id(), minutes, null);
            if (start.isPresent()) {
                Job job = schedule(event.id(), minutes, start.get());
                try (PreparedStatement s = c.prepareStatement("INSERT INTO calendar_reminder_jobs (event_id, minutes, job_id)"
                        + " VALUES (?, ?, ?) ON CONFLICT (event_id, minutes) DO UPDATE SET job_id = EXCLUDED.job_id")) {
                    s.setLong(1, event.id());
                    s.setInt(2, minutes);
                    s.setString(3, job.id());
                    s.executeUpdate();
                }
            }
        }
    }

    /** Cancels an event's reminder jobs. */
    void cancel(Connection c, long eventId) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("DELETE FROM calendar_reminder_jobs WHERE event_id = ? RETURNING job_id")) {
            s.setLong(1, eventId);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        ids.forEach(id -> jobs().cancel(id));
    }

    private Job schedule(long eventId, int minutes, Instant occurrenceStart) {
        String payload = "{\"event\":" + eventId + ",\"minutes\":" + minutes + ",\"start\":\"" + occurrenceStart + "\"}";
        return jobs().schedule(HANDLER, Schedule.at(occurrenceStart.minusSeconds(minutes * 60L)), payload);
    }

    /** The start of the event's first stored occurrence after {@code after} whose reminder time is still ahead. */
    private Optional<Instant> nextStart(Connection c, long eventId, int minutes, Instant after) throws SQLException {
        Instant now = context.clock().instant();
        Instant earliest = now.plusSeconds(minutes * 60L);
        if (after != null && after.isAfter(earliest)) {
            earliest = after;
        }
        try (PreparedStatement s = c.prepareStatement("SELECT lower(during) FROM calendar_occurrences WHERE event_id = ?"
                + " AND lower(during) > ? ORDER BY lower(during) LIMIT 1")) {
            s.setLong(1, eventId);
            s.setObject(2, CalendarStore.offset(earliest));
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(rs.getObject(1, OffsetDateTime.class).toInstant()) : Optional.empty();
            }
        }
    }

    /** One reminder run: send once if the occurrence is still there and not over, then schedule the next one. */
    void run(JobRun run) throws SQLException {
        Matcher m = PAYLOAD.matcher(run.payloadJson().replace(" ", ""));
        if (!m.matches()) {
            LOG.warn("calendar: reminder job {} has a payload it cannot read; dropped", run.jobId());
            return;
        }
        long eventId = Long.parseLong(m.group(1));
        int minutes = Integer.parseInt(m.group(2));
        Instant start = Instant.parse(m.group(3));
        try (Connection c = store.dataSource().getConnection()) {
            Optional<Occurrence> occurrence = occurrenceAt(c, eventId, start);
            if (occurrence.isPresent() && occurrence.get().end().isAfter(context.clock().instant())
                    && recordSent(c, run, eventId, minutes, start)) {
                Occurrence o = occurrence.get();
                context.notifier().send("⏰ " + o.event().title() + " in " + minutes + " min: "
                        + Times.when(o, context.userZone(), context.clock().instant()) + " (" + Ref.of(o) + ")");
            }
            if (occurrence.isPresent() && !occurrence.get().event().recurring()) {
                CalendarStore.update(c, "DELETE FROM calendar_reminder_jobs WHERE event_id = ?", eventId);
                return;
            }
            Optional<Event> event = findAny(c, eventId);
            if (event.isEmpty() || !event.get().recurring()) {
                return;
            }
            store.extend(c, event.get().userId(), start.plus(store.horizon()));
            Optional<Instant> next = nextStart(c, eventId, minutes, start);
            if (next.isPresent()) {
                Job job = schedule(eventId, minutes, next.get());
                try (PreparedStatement s = c.prepareStatement("UPDATE calendar_reminder_jobs SET job_id = ?"
                        + " WHERE event_id = ? AND minutes = ? AND job_id = ?")) {
                    s.setString(1, job.id());
                    s.setLong(2, eventId);
                    s.setInt(3, minutes);
                    s.setString(4, run.jobId());
                    if (s.executeUpdate() == 0) {
                        jobs().cancel(job.id()); // a repeated delivery, or the event was moved meanwhile
                    }
                }
            }
        }
    }

    private boolean recordSent(Connection c, JobRun run, long eventId, int minutes, Instant start) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO calendar_reminders_sent (run_key, event_id, minutes,"
                + " occurrence_start) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            s.setString(1, run.idempotencyKey());
            s.setLong(2, eventId);
            s.setInt(3, minutes);
            s.setObject(4, CalendarStore.offset(start));
            return s.executeUpdate() == 1;
        }
    }

    private Optional<Occurrence> occurrenceAt(Connection c, long eventId, Instant start) throws SQLException {
        Optional<Event> event = findAny(c, eventId);
        if (event.isEmpty()) {
            return Optional.empty();
        }
        try (PreparedStatement s = c.prepareStatement("SELECT original_local, upper(during) FROM calendar_occurrences"
                + " WHERE event_id = ? AND lower(during) = ?")) {
            s.setLong(1, eventId);
            s.setObject(2, CalendarStore.offset(start));
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Occurrence(event.get(), rs.getObject(1, java.time.LocalDateTime.class), start,
                        rs.getObject(2, OffsetDateTime.class).toInstant()));
            }
        }
    }

    private Optional<Event> findAny(Connection c, long eventId) throws SQLException {
        String user;
        try (PreparedStatement s = c.prepareStatement("SELECT user_id FROM calendar_events WHERE id = ?")) {
            s.setLong(1, eventId);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                user = rs.getString(1);
            }
        }
        return store.find(c, user, eventId);
    }
}
