package dev.cortana.host.storage;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the embedded PostgreSQL running: looks at its postmaster every {@value #CHECK_MILLIS} ms (one process lookup)
 * and, when it died ({@code kill -9}, the OOM killer, a crash), starts it again on the same port and data directory,
 * with backoff between failed attempts. Logs {@code Embedded PostgreSQL stopped unexpectedly; restarting (attempt N)}
 * and {@code Embedded PostgreSQL is back ...}.
 *
 * <p>Connection requests that arrive while an attempt runs wait for it a little ({@link #awaitRestart}), so a message
 * sent just after the crash is answered from the restarted server instead of failing.
 */
final class EmbeddedPostgresSupervisor implements AutoCloseable {

    static final long CHECK_MILLIS = 200;
    /** The longest a connection request waits for a restart attempt in progress. */
    static final Duration RESTART_WAIT = Duration.ofSeconds(3);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);

    private final EmbeddedPostgresServer server;
    private final DatabaseAvailability availability;
    private final ScheduledExecutorService thread;
    private final Object restarted = new Object();

    // Written by the supervisor thread only.
    private volatile boolean dead;
    private long diedNanos;
    private int attempt;
    private long nextAttemptNanos;
    /** When the restart attempt in progress began; 0 when none is. */
    private volatile long attemptStartedNanos;
    private volatile boolean closed;

    EmbeddedPostgresSupervisor(EmbeddedPostgresServer server, DatabaseAvailability availability) {
        this.server = server;
        this.availability = availability;
        this.thread = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread t = new Thread(task, "cortana-postgres-supervisor");
            t.setDaemon(true);
            return t;
        });
        thread.scheduleWithFixedDelay(this::checkSafely, CHECK_MILLIS, CHECK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * Waits while a restart attempt is in progress, at most until {@link #RESTART_WAIT} after it began; returns at
     * once when none is.
     */
    void awaitRestart() {
        long started = attemptStartedNanos;
        if (started == 0) {
            return;
        }
        long deadline = started + RESTART_WAIT.toNanos();
        synchronized (restarted) {
            while (attemptStartedNanos != 0 && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(restarted, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Whether the server died and has not been started again yet. */
    boolean serverDown() {
        return dead;
    }

    @Override
    public void close() {
        closed = true;
        thread.shutdown(); // not shutdownNow: a restart in progress finishes, then the server is stopped cleanly
        synchronized (restarted) {
            restarted.notifyAll();
        }
    }

    private void checkSafely() {
        try {
            check();
        } catch (RuntimeException e) {
            log.warn("Checking the embedded PostgreSQL failed: {}", e.toString());
        }
    }

    private void check() {
        if (closed) {
            return;
        }
        long now = System.nanoTime();
        if (!dead) {
            if (server.running()) {
                return;
            }
            dead = true;
            diedNanos = now;
            attempt = 0;
            nextAttemptNanos = now;
            availability.failed("the embedded PostgreSQL stopped");
        }
        if (now < nextAttemptNanos) {
            return;
        }
        attempt++;
        log.warn("Embedded PostgreSQL stopped unexpectedly; restarting (attempt {})", attempt);
        attemptStartedNanos = now;
        try {
            server.restart();
            dead = false;
            availability.reached();
            log.info("Embedded PostgreSQL is back after {} ms (attempt {}, same port {}, data in {})",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - diedNanos), attempt, server.port(),
                    server.dataDirectory());
        } catch (IllegalStateException closing) {
            return; // closed while restarting: Cortana is stopping
        } catch (RuntimeException e) {
            Duration backoff = backoff(attempt);
            availability.failed("the embedded PostgreSQL does not start");
            log.warn("Embedded PostgreSQL did not start again (attempt {}): {}; next attempt in {} ms", attempt,
                    e.getMessage(), backoff.toMillis());
            nextAttemptNanos = System.nanoTime() + backoff.toNanos();
        } finally {
            attemptStartedNanos = 0;
            synchronized (restarted) {
                restarted.notifyAll();
            }
        }
    }

    /** 0.5 s after the first failed attempt, doubling, at most 30 s. */
    static Duration backoff(int failedAttempts) {
        long millis = FIRST_BACKOFF.toMillis() << Math.min(failedAttempts - 1, 10);
        return Duration.ofMillis(Math.min(millis, MAX_BACKOFF.toMillis()));
    }
}
