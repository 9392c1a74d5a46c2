package dev.cortana.host;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGTERM (or Ctrl-C, or {@code docker stop}) for the console: ends the console's input as if it had ended, gives the
 * turn in progress {@link #TURN_GRACE} to finish and then abandons it, and lets {@link Main} stop everything the way it
 * does at the end of input (plugins stopped and unloaded, the conversation and usage ledger saved, PostgreSQL shut
 * down) before the process exits with 128 + the signal's number, at most {@link #SHUTDOWN_BOUND} in all.
 *
 * <p>The signals are handled ({@code sun.misc.Signal}) rather than left to start the JVM's shutdown, because libraries
 * register shutdown hooks of their own that run alongside ours: ONNX Runtime's releases its native environment, and a
 * plugin still loading or running a model at that moment crashed the JVM (SIGBUS) before anything was stopped. Where
 * signals cannot be handled, a shutdown hook does the same work while holding the JVM.
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
    /** The number of the signal handled (15 for TERM, 2 for INT); 0 while none came. */
    private volatile int handled;

    private StopSignal() {
    }

    /**
     * Handles SIGTERM and SIGINT, and installs the hook for other ways the JVM shuts down. Call {@link #release()} once
     * everything is stopped, before returning from {@link Main}.
     */
    static StopSignal install() {
        StopSignal signal = new StopSignal();
        Runtime.getRuntime().addShutdownHook(signal.hook);
        for (String name : java.util.List.of("TERM", "INT")) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), received -> signal.onHandled(received.getNumber()));
            } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError notHere) {
                log.debug("SIG{} is left to the shutdown hook: {}", name, notHere.toString());
            }
        }
        return signal;
    }

    /** A handled signal: the stop runs on its own thread (a signal handler returns at once); the JVM exits after. */
    private void onHandled(int number) {
        if (handled != 0) {
            return; // a second Ctrl-C: the stop is under way
        }
        handled = number;
        Thread stop = new Thread(() -> {
            onSignal();
            if (released.getCount() != 0) {
                System.exit(128 + number); // the bound passed with Main still stopping
            }
        }, "cortana-stop");
        stop.setDaemon(true);
        stop.start();
    }

    /** {@code normal}, or 128 + the signal's number when a handled signal stopped Cortana (143 for SIGTERM). */
    int exitCode(int normal) {
        return handled != 0 ? 128 + handled : normal;
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
        if (handled != 0 && Thread.currentThread() == hook) {
            return; // the JVM is exiting after a handled signal's bound: nothing more to wait for
        }
        log.info("Stop requested ({}): finishing the turn in progress, then stopping",
                handled == 2 ? "SIGINT" : "SIGTERM");
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
