package dev.cortana.host.storage;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether Cortana's database answers right now, as the last attempts to reach it found: connections handed out or
 * refused by {@link Database#dataSource()}, and the embedded server's supervisor seeing its postmaster die or come back.
 *
 * <p>Why it exists: a database outage must not look like a plugin bug. While it lasts, every reply carries one
 * sentence that says so ({@link #noticeSince}), and connection attempts fail fast instead of each waiting out a pool
 * timeout. Thread-safe and cheap: a few volatile reads per call.
 *
 * <pre>{@code
 * long mark = availability.mark();          // as a turn starts
 * ... the turn reads and writes the database, or tries to ...
 * availability.noticeSince(mark)            // "The database is unavailable right now, ..." if it was
 * }</pre>
 */
public final class DatabaseAvailability {

    /** The sentence a reply carries while the database cannot be reached. */
    public static final String OUTAGE_NOTICE = "The database is unavailable right now, so todos and settings can't be "
            + "read or saved; I'll keep trying.";

    private static final Logger log = LoggerFactory.getLogger(Database.class);

    private final AtomicLong failures = new AtomicLong();
    private volatile boolean down;
    private volatile long lastFailureNanos;
    private volatile String lastCause = "";

    /** A mark to pass to {@link #noticeSince} later: the number of failed attempts so far. */
    public long mark() {
        return failures.get();
    }

    /** Whether the last attempt reached the database (true until one fails). */
    public boolean available() {
        return !down;
    }

    /**
     * {@link #OUTAGE_NOTICE} if an attempt to reach the database failed since {@code mark} or it is still known to be
     * down; empty otherwise.
     */
    public Optional<String> noticeSince(long mark) {
        return down || failures.get() > mark ? Optional.of(OUTAGE_NOTICE) : Optional.empty();
    }

    /** An attempt to reach the database failed with {@code cause} (one line, no password). */
    void failed(String cause) {
        failures.incrementAndGet();
        lastFailureNanos = System.nanoTime();
        lastCause = cause;
        if (!down) {
            down = true;
            log.warn("The database is unavailable ({}): replies say so, and each request tries it again", cause);
        }
    }

    /** An attempt reached the database. */
    void reached() {
        if (down) {
            down = false;
            log.info("The database is reachable again");
        }
    }

    /** Nanoseconds ({@link System#nanoTime()}) of the last failed attempt. */
    long lastFailureNanos() {
        return lastFailureNanos;
    }

    /** The last failure, for messages: {@code connection refused}. */
    String lastCause() {
        return lastCause;
    }
}
