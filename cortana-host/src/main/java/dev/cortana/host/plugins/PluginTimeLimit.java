package dev.cortana.host.plugins;

import dev.cortana.host.config.Durations;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.pf4j.PluginRuntimeException;

/**
 * Runs a plugin's own code that the host must wait for ({@code start()}, {@code stop()}, the constructors of the
 * {@code Plugin-Class} and of its extensions) with a time limit ({@code PLUGIN_START_TIMEOUT}), so one plugin that
 * never returns cannot freeze start-up, the folder watcher or shutdown.
 *
 * <p>Why a thread per call and no kill: Java cannot stop a thread. The call runs on a new daemon thread; past the
 * limit that thread is interrupted once and abandoned (a daemon, so it never holds up the exit), and the caller
 * goes on with a {@link PluginTimeoutException}. The plugin is then kept out of service (see {@link PluginLoader}).
 * A new thread per call costs about 0.1 ms, nothing next to loading a JAR.
 */
final class PluginTimeLimit {

    /** The limit when {@code PLUGIN_START_TIMEOUT} is not set. */
    static final Duration DEFAULT = Duration.ofSeconds(10);

    private final Duration limit;

    PluginTimeLimit(Duration limit) {
        Objects.requireNonNull(limit, "limit");
        if (limit.isNegative() || limit.isZero()) {
            throw new IllegalArgumentException("The plugin time limit must be positive, got " + limit);
        }
        this.limit = limit;
    }

    Duration limit() {
        return limit;
    }

    /**
     * Runs {@code work} on its own daemon thread named {@code threadName} and returns its result, or throws what it
     * threw; throws {@link PluginTimeoutException} ("{@code what} did not return within 10 s") once the limit passes.
     */
    <T> T call(String what, String threadName, Callable<T> work) throws Exception {
        FutureTask<T> task = new FutureTask<>(work);
        Thread thread = new Thread(task, threadName);
        thread.setDaemon(true);
        thread.setContextClassLoader(Thread.currentThread().getContextClassLoader());
        thread.start();
        try {
            return task.get(limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            thread.interrupt(); // a polite request; the thread is abandoned whatever it does with it
            throw new PluginTimeoutException(what + " did not return within " + Durations.describe(limit));
        } catch (InterruptedException e) {
            thread.interrupt();
            Thread.currentThread().interrupt();
            throw new PluginTimeoutException(what + " was interrupted (Cortana is stopping)");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception exception) {
                throw exception;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    /** {@link #call} for work without a result. */
    void run(String what, String threadName, PluginWork work) throws Exception {
        call(what, threadName, () -> {
            work.run();
            return null;
        });
    }

    /** Plugin code to run under the limit. */
    @FunctionalInterface
    interface PluginWork {
        void run() throws Exception;
    }

    /**
     * A plugin's code did not return within the limit. A {@link PluginRuntimeException} so PF4J passes it on like any
     * plugin failure; its message is the reason {@code /plugins} shows.
     */
    static final class PluginTimeoutException extends PluginRuntimeException {
        PluginTimeoutException(String message) {
            super("{}", message); // PF4J formats the message: keep a '%' in it from breaking that
        }
    }
}
