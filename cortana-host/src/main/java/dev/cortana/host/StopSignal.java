package dev.cortana.host;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGTERM (or Ctrl-C, or {@code docker stop}) for the console: a shutdown hook that ends the console's input as if it
 * had ended, gives the turn in progress {@link #TURN_GRACE} to finish and then abandons it, and holds the JVM until
 * {@link Main} has stopped everything the way it does at the end of input (plugins stopped and unloaded, the
 * conversation and usage ledger saved, PostgreSQL shut down), at most {@link #SHUTDOWN_BOUND} in all.
 */
final class StopSignal {

    private static final Logger log = LoggerFactory.getLogger(StopSignal.class);
    /** How long the turn in progress may go on after the signal before it is abandoned. */
    static final Duration TURN_GRACE = Duration.ofSeconds(10);
    /** The longest the hook holds the JVM for (compose's stop_grace_period is 30 s). */
    static final Duration SHUTDOWN_BOUND = Duration.ofSeconds(25);

    private final CountDownLatch requested = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile Runnable endInput = () -> { };
    private volatile Runnable abandonTurn = () -> { };
    private final Thread hook = new Thread(this::onSignal, "cortana-stop");

    private StopSignal() {
    }

    /** Installs the hook. Call {@link #release()} once everything is stopped, before returning from {@link Main}. */
    static StopSignal install() {
        StopSignal signal = new StopSignal();
        Runtime.getRuntime().addShutdownHook(signal.hook);
        return signal;
    }

    /** What the signal does to the console: end its input, and (after {@link #TURN_GRACE}) abandon its turn. */
    void console(Runnable endInput, Runnable abandonTurn) {
        this.endInput = endInput;
        this.abandonTurn = abandonTurn;
        if (requested()) {
            endInput.run();
        }
    }

    boolean requested() {
        return requested.getCount() == 0;
    }

    /** Waits for the signal. */
    void await() throws InterruptedException {
        requested.await();
    }

    /** Everything is stopped: the hook lets the JVM halt (or, without a signal, will return at once). */
    void release() {
        released.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to: it returns at once now
        }
    }

    private void onSignal() {
        if (released.getCount() == 0) {
            return; // a normal exit: everything was stopped before System.exit
        }
        log.info("Stop requested (SIGTERM): finishing the turn in progress, then stopping");
        requested.countDown();
        endInput.run();
        try {
            if (!released.await(TURN_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("The turn in progress did not finish within {} s of the stop request; abandoning it",
                        TURN_GRACE.toSeconds());
                abandonTurn.run();
                if (!released.await(SHUTDOWN_BOUND.minus(TURN_GRACE).toMillis(), TimeUnit.MILLISECONDS)) {
                    log.warn("Stopping took longer than {} s; exiting anyway", SHUTDOWN_BOUND.toSeconds());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
