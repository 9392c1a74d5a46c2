package dev.cortana.host;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A part of Cortana's start-up run on a daemon thread of its own while the main thread makes what does not need it
 * (the embedded PostgreSQL, the conversation restore): begun, awaited where it is needed, and closed by the shutdown
 * sequence even when the start-up failed while it was still under way.
 */
final class BackgroundStart {

    private BackgroundStart() {
    }

    /** Runs {@code start} on a daemon thread named {@code threadName}; completes with its result or its exception. */
    static <T> CompletableFuture<T> begin(String threadName, Supplier<T> start) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                result.complete(start.get());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, threadName);
        thread.setDaemon(true);
        thread.start();
        return result;
    }

    /** The started part, or the exception that stopped its start, as thrown on the thread that started it. */
    static <T> T await(CompletableFuture<T> start) {
        try {
            return start.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    /** Closes the part once its start ends (waiting for a start still under way); nothing if the start failed. */
    static <T> void closeOnceStarted(CompletableFuture<T> start, Consumer<T> close) {
        T started;
        try {
            started = start.join();
        } catch (CompletionException | CancellationException e) {
            return; // it never started: its own failure handling stopped what it had begun
        }
        close.accept(started);
    }
}
