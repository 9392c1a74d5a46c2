package dev.cortana.host.jobs;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes db-scheduler when a job falls due, so it need not poll every second to start jobs within a second. Every
 * {@code horizon} one query reads the due times of the next {@code horizon}; jobs scheduled or rescheduled in this
 * process are added as they are. At each due time (rounded up to {@value #SLOT_MILLIS} ms, so jobs due together share
 * one wake-up) db-scheduler is told to fetch its due executions now. Its own polling stays as the safety net.
 */
final class DueWakeups implements AutoCloseable {

    /**
     * Jobs due within one slot share a wake-up at its end: 500 ms keeps the median lateness near 250 ms, well inside
     * the 1 s target, while a minute with a job due every few milliseconds costs at most 120 fetches, not thousands.
     */
    static final long SLOT_MILLIS = 500;
    private static final Logger log = LoggerFactory.getLogger(DueWakeups.class);

    private final DataSource dataSource;
    private final Runnable checkDue;
    private final Duration horizon;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    private final Set<Long> pendingSlots = ConcurrentHashMap.newKeySet();
    private final AtomicLong queries = new AtomicLong();
    private volatile boolean lookAheadFailing;

    DueWakeups(DataSource dataSource, Runnable checkDue, Duration horizon, Clock clock) {
        this.dataSource = dataSource;
        this.checkDue = checkDue;
        this.horizon = horizon;
        this.clock = clock;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "jobs-wakeup");
            thread.setDaemon(true);
            return thread;
        });
    }

    void start() {
        timer.scheduleWithFixedDelay(this::lookAhead, 0, horizon.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A job of this process falls due at {@code due}: wake up then if the next look-ahead would come too late. */
    void due(Instant due) {
        if (due.isBefore(clock.instant().plus(horizon).plus(horizon))) {
            wakeAt(due);
        }
    }

    /** How many look-ahead queries ran. */
    long queries() {
        return queries.get();
    }

    private void lookAhead() {
        queries.incrementAndGet();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT DISTINCT execution_time FROM scheduled_tasks WHERE task_name = ? AND NOT picked"
                             + " AND execution_time < ? ORDER BY execution_time LIMIT 1000")) {
            select.setString(1, JobScheduler.TASK);
            select.setTimestamp(2, Timestamp.from(clock.instant().plus(horizon).plusMillis(SLOT_MILLIS)));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    wakeAt(rows.getTimestamp(1).toInstant());
                }
            }
            lookAheadFailing = false;
        } catch (SQLException | RuntimeException e) {
            if (!lookAheadFailing) { // the database being away is said once, by Database; jobs wait for it
                log.warn("Durable jobs: could not read the next due times: {}", e.getMessage());
            }
            lookAheadFailing = true;
        }
    }

    private void wakeAt(Instant due) {
        long slot = Math.floorDiv(due.toEpochMilli() + SLOT_MILLIS - 1, SLOT_MILLIS); // round up: all of it is due
        if (!pendingSlots.add(slot)) {
            return;
        }
        long delay = Math.max(0, slot * SLOT_MILLIS - clock.millis());
        try {
            timer.schedule(() -> {
                pendingSlots.remove(slot);
                checkDue.run();
            }, delay, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            pendingSlots.remove(slot);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
