package dev.cortana.host;

import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens when an exception escapes a thread. An {@link Error} (out of memory, stack overflow) may have killed a
 * thread the bot needs (the HTTP client's selector, the plugin watcher, the console), after which it would limp on
 * half-dead; so the process exits with {@value #EXIT_STATUS} after one clear log line, and a supervisor (Docker's
 * restart policy, systemd) starts a clean one. Anything else (a {@link RuntimeException} in a plugin's own thread, a
 * {@link LinkageError} from the classes of a plugin that was replaced) is logged as one warning and the bot goes on.
 */
final class FatalErrors implements Thread.UncaughtExceptionHandler {

    /** EX_SOFTWARE of sysexits.h: an internal error. */
    static final int EXIT_STATUS = 70;

    private static final Logger log = LoggerFactory.getLogger(FatalErrors.class);

    private final IntConsumer exit;

    FatalErrors(IntConsumer exit) {
        this.exit = exit;
    }

    /** Makes this the handler of every thread that has none of its own; exiting halts if shutdown hangs. */
    static void install() {
        Thread.setDefaultUncaughtExceptionHandler(new FatalErrors(FatalErrors::exitOrHalt));
    }

    @Override
    public void uncaughtException(Thread thread, Throwable error) {
        if (error instanceof Error && !(error instanceof LinkageError)) {
            String line = "Fatal " + error.getClass().getSimpleName() + " in thread " + thread.getName() + " ("
                    + error.getMessage() + "); exiting with status " + EXIT_STATUS + " so that a clean process can "
                    + "be started";
            try {
                log.error(line);
            } catch (Throwable loggingFailed) {
                System.err.println(line); // the logger itself may be what ran out of memory
            }
            exit.accept(EXIT_STATUS);
            return;
        }
        try {
            log.warn("Thread {} stopped by {}: {}", thread.getName(), error.getClass().getSimpleName(),
                    error.getMessage());
        } catch (Throwable ignored) {
            // nothing more to do for a thread that is already gone
        }
    }

    /** {@link System#exit} runs the shutdown hooks (closing the database); if they hang, halt after 10 s. */
    private static void exitOrHalt(int status) {
        try {
            Thread halt = new Thread(() -> {
                try {
                    Thread.sleep(10_000);
                } catch (InterruptedException ignored) {
                    // halt at once
                }
                Runtime.getRuntime().halt(status);
            }, "fatal-error-halt");
            halt.setDaemon(true);
            halt.start();
        } catch (Throwable cannotStartThread) {
            Runtime.getRuntime().halt(status);
        }
        System.exit(status);
    }
}
