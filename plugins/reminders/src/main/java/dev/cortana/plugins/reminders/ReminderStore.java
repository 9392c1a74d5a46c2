package dev.cortana.plugins.reminders;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** The plugin's tables: {@code reminders} and {@code reminder_sends}. */
final class ReminderStore {

    /** A run to deliver, with its reminder. */
    record Send(String runKey, Reminder reminder, Instant dueAt, int missed) {
    }

    private static final String COLUMNS = "id, text, zone, rrule, start_local, due_at, job_id, extra_job_id, skip_at,"
            + " state, failure, failed_due, attempts";

    private final DataSource db;

    ReminderStore(DataSource db) {
        this.db = db;
    }

    long count() {
        return queryLong("SELECT count(*) FROM reminders");
    }

    long insert(String text, ZoneId zone, String rrule, LocalDateTime startLocal, Instant dueAt, Instant now) {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
                "INSERT INTO reminders (text, zone, rrule, start_local, due_at, created_at) VALUES (?, ?, ?, ?, ?, ?)"
                        + " RETURNING id")) {
            s.setString(1, text);
            s.setString(2, zone.getId());
            s.setString(3, rrule);
            s.setTimestamp(4, startLocal == null ? null : Timestamp.valueOf(startLocal));
            s.setTimestamp(5, ts(dueAt));
            s.setTimestamp(6, ts(now));
            try (ResultSet rows = s.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw failure("save a reminder", e);
        }
    }

    Optional<Reminder> find(long id) {
        List<Reminder> found = select("WHERE id = ?", id);
        return found.stream().findFirst();
    }

    /** Pending and failed reminders, oldest first. */
    List<Reminder> open() {
        return select("WHERE state IN ('pending', 'failed') ORDER BY id", null);
    }

    void setJob(long id, String jobId, Instant dueAt) {
        update("UPDATE reminders SET job_id = ?, due_at = ?, state = 'pending', failure = NULL, failed_due = NULL,"
                + " attempts = 0 WHERE id = ?", jobId, ts(dueAt), id);
    }

    void setRecurring(long id, String jobId, LocalDateTime startLocal) {
        update("UPDATE reminders SET job_id = ?, start_local = ?, skip_at = NULL, state = 'pending' WHERE id = ?",
                jobId, Timestamp.valueOf(startLocal), id);
    }

    void setExtraJob(long id, String jobId) {
        update("UPDATE reminders SET extra_job_id = ? WHERE id = ?", jobId, id);
    }

    void clearExtraJob(long id, String jobId) {
        update("UPDATE reminders SET extra_job_id = NULL WHERE id = ? AND extra_job_id = ?", id, jobId);
    }

    void setText(long id, String text) {
        update("UPDATE reminders SET text = ? WHERE id = ?", text, id);
    }

    void setSkip(long id, Instant skipAt) {
        update("UPDATE reminders SET skip_at = ? WHERE id = ?", ts(skipAt), id);
    }

    void cancel(long id) {
        update("UPDATE reminders SET state = 'cancelled', extra_job_id = NULL WHERE id = ?", id);
    }

    void done(long id) {
        update("UPDATE reminders SET state = 'done' WHERE id = ? AND state IN ('pending', 'failed')", id);
    }

    /** Records a run to deliver; false if this run was recorded before (a repeated delivery of the job). */
    boolean queue(String runKey, long reminderId, Instant dueAt, int missed, Instant now) {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
                "INSERT INTO reminder_sends (run_key, reminder_id, due_at, missed, queued_at) VALUES (?, ?, ?, ?, ?)"
                        + " ON CONFLICT (run_key) DO NOTHING")) {
            s.setString(1, runKey);
            s.setLong(2, reminderId);
            s.setTimestamp(3, ts(dueAt));
            s.setInt(4, missed);
            s.setTimestamp(5, ts(now));
            return s.executeUpdate() == 1;
        } catch (SQLException e) {
            throw failure("record a reminder's run", e);
        }
    }

    /** Takes every queued run into one new batch (state sending), returning the batch id and its runs. */
    Optional<Batch> claimQueued() {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                long batch;
                try (PreparedStatement s = c.prepareStatement("SELECT nextval('reminder_batches')");
                     ResultSet rows = s.executeQuery()) {
                    rows.next();
                    batch = rows.getLong(1);
                }
                List<String[]> claimed = new ArrayList<>();
                try (PreparedStatement s = c.prepareStatement("UPDATE reminder_sends SET state = 'sending', batch = ?"
                        + " WHERE state = 'queued' RETURNING run_key, reminder_id, due_at, missed")) {
                    s.setLong(1, batch);
                    try (ResultSet rows = s.executeQuery()) {
                        while (rows.next()) {
                            claimed.add(new String[] {rows.getString(1), Long.toString(rows.getLong(2)),
                                    Long.toString(rows.getTimestamp(3).getTime()), Integer.toString(rows.getInt(4))});
                        }
                    }
                }
                c.commit();
                if (claimed.isEmpty()) {
                    return Optional.empty();
                }
                List<Send> sends = new ArrayList<>();
                for (String[] row : claimed) {
                    find(Long.parseLong(row[1])).ifPresent(reminder -> sends.add(new Send(row[0], reminder,
                            Instant.ofEpochMilli(Long.parseLong(row[2])), Integer.parseInt(row[3]))));
                }
                sends.sort(java.util.Comparator.comparing(Send::dueAt).thenComparing(s -> s.reminder().id()));
                return Optional.of(new Batch(batch, sends));
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw failure("take the reminders to deliver", e);
        }
    }

    record Batch(long id, List<Send> sends) {
    }

    /**
     * The batch arrived: its runs are delivered, one-time reminders done, failures of its reminders announced — in one
     * statement, so nobody (a crash, {@code /reminders}) sees the runs delivered and their reminders still pending.
     */
    void delivered(long batch, Instant now) {
        update("WITH sent AS (UPDATE reminder_sends SET state = 'delivered', settled_at = ? WHERE batch = ?"
                + " RETURNING reminder_id)"
                + " UPDATE reminders r SET state = CASE WHEN r.rrule IS NULL AND r.extra_job_id IS NULL THEN 'done'"
                + " ELSE 'pending' END, failure = NULL, failed_due = NULL, attempts = 0, unannounced = FALSE"
                + " WHERE r.state IN ('pending', 'failed') AND r.id IN (SELECT reminder_id FROM sent)", ts(now), batch);
    }

    /** Reminders whose failure a delivered message told the user about. */
    void announced(List<Long> ids) {
        for (long id : ids) {
            update("UPDATE reminders SET unannounced = FALSE WHERE id = ?", id);
        }
    }

    /** The batch was not delivered: its runs failed with {@code reason}; returns its reminders, now failed. */
    List<Reminder> failed(long batch, String reason, Instant now) {
        update("WITH settled AS (UPDATE reminder_sends SET state = 'failed', reason = ?, settled_at = ? WHERE batch = ?"
                + " RETURNING reminder_id, due_at)"
                + " UPDATE reminders r SET state = 'failed', failure = ?, attempts = r.attempts + 1, unannounced = TRUE,"
                + " failed_due = COALESCE(r.failed_due, (SELECT min(s.due_at) FROM settled s WHERE s.reminder_id = r.id))"
                + " WHERE r.state IN ('pending', 'failed') AND r.id IN (SELECT reminder_id FROM settled)",
                reason, ts(now), batch, reason);
        return select("WHERE state = 'failed' AND id IN (SELECT reminder_id FROM reminder_sends WHERE batch = ?)"
                + " ORDER BY id", batch);
    }

    /** Failed reminders the user was not told about yet, besides {@code except}. */
    List<Reminder> unannounced() {
        return select("WHERE unannounced AND state <> 'cancelled' ORDER BY id", null);
    }

    /**
     * Runs a stopped Cortana left in the send window. The host's message journal settles each of them (recorded,
     * re-posted with its nonce, or given up on), so sending them again could only make a duplicate: they count as
     * delivered. Returns how many.
     */
    int settleInterrupted(Instant now) {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT DISTINCT batch FROM reminder_sends WHERE state = 'sending'");
             ResultSet rows = s.executeQuery()) {
            int count = 0;
            List<Long> batches = new ArrayList<>();
            while (rows.next()) {
                batches.add(rows.getLong(1));
            }
            for (long batch : batches) {
                delivered(batch, now);
                count++;
            }
            return count;
        } catch (SQLException e) {
            throw failure("settle interrupted deliveries", e);
        }
    }

    boolean hasQueued() {
        return queryLong("SELECT count(*) FROM reminder_sends WHERE state = 'queued'") > 0;
    }

    private List<Reminder> select(String where, Object parameter) {
        try (Connection c = db.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM reminders " + where)) {
            if (parameter != null) {
                s.setObject(1, parameter);
            }
            List<Reminder> result = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    Timestamp start = r.getTimestamp(5);
                    result.add(new Reminder(r.getLong(1), r.getString(2), Times.zone(r.getString(3)), r.getString(4),
                            start == null ? null : start.toLocalDateTime(), instant(r.getTimestamp(6)),
                            r.getString(7), r.getString(8), instant(r.getTimestamp(9)), r.getString(10),
                            r.getString(11), instant(r.getTimestamp(12)), r.getInt(13)));
                }
            }
            return result;
        } catch (SQLException e) {
            throw failure("read reminders", e);
        }
    }

    private void update(String sql, Object... parameters) {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                s.setObject(i + 1, parameters[i]);
            }
            s.executeUpdate();
        } catch (SQLException e) {
            throw failure("update reminders", e);
        }
    }

    private long queryLong(String sql) {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(sql);
             ResultSet r = s.executeQuery()) {
            r.next();
            return r.getLong(1);
        } catch (SQLException e) {
            throw failure("read reminders", e);
        }
    }

    private static Timestamp ts(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    private static IllegalStateException failure(String what, SQLException e) {
        return new IllegalStateException("Could not " + what + ": " + e.getMessage(), e);
    }
}
