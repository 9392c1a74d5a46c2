package dev.cortana.host.storage;

import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether Cortana's database answers right now, as the last attempts to reach it found: connections handed out or
 * refused by {@link Database#dataSource()}, and the embedded server's supervisor seeing its postmaster die or come back.
 *
 * <p>Why it exists: a database outage must not look like a plugin bug. While it lasts, every reply carries one
 * sentence that says so ({@link #notice}), and connection attempts fail fast instead of each waiting out a pool
 * timeout. Thread-safe and cheap: a few volatile reads per call.
 *
 * <pre>{@code
 * ... a turn reads and writes the database, or tries to ...
 * availability.notice()   // "The database is unavailable right now, ..." while it still is
 * }</pre>
 */
public final class DatabaseAvailability {

    /** The sentence a reply carries while the database cannot be reached. */
    public static final String OUTAGE_NOTICE = "The database is unavailable right now, so todos and settings can't be "
            + "read or saved; I'll keep trying.";

    private static final Logger log = LoggerFactory.getLogger(Database.class);

    private volatile boolean down;
    private volatile long lastFailureNanos;
    private volatile String lastCause = "";

    /** Whether the last attempt reached the database (true until one fails). */
    public boolean available() {
        return !down;
    }

    /**
     * {@link #OUTAGE_NOTICE} while the database is known to be down (the last attempt to reach it failed), empty
     * otherwise. Asked as a turn ends: a turn during which it came back does not claim an outage.
     */
    public Optional<String> notice() {
        return down ? Optional.of(OUTAGE_NOTICE) : Optional.empty();
    }

    /** An attempt to reach the database failed with {@code cause} (one line, no password). */
    void failed(String cause) {
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
