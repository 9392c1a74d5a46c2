package dev.cortana.host;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What Cortana has started so far, stopped in reverse order: each part is added as soon as it runs, so a start-up
 * that fails half-way stops exactly what was started (plugins, thread pools, the embedded PostgreSQL) and leaves no
 * process or thread behind. One part that fails to stop is logged and the rest still stop.
 */
final class ShutdownSequence implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ShutdownSequence.class);

    private record Part(String name, Runnable stop) {
    }

    private final Deque<Part> parts = new ArrayDeque<>();

    /** Registers {@code stop} for a part that has just started and returns {@code started} for chaining. */
    synchronized <T> T add(String name, T started, Runnable stop) {
        parts.push(new Part(name, stop));
        return started;
    }

    /** Stops every registered part, the last started first; later calls do nothing. */
    @Override
    public void close() {
        while (true) {
            Part part;
            synchronized (this) {
                part = parts.poll();
            }
            if (part == null) {
                return;
            }
            try {
                part.stop().run();
            } catch (RuntimeException | LinkageError e) {
                log.warn("Stopping {} failed: {}", part.name(), e.toString());
            }
        }
    }
}
