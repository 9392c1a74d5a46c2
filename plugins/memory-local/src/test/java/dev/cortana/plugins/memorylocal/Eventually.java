package dev.cortana.plugins.memorylocal;

import java.time.Duration;
import java.util.function.Supplier;

/** Waits for what memory learns in the background after a reply. */
final class Eventually {

    private Eventually() {
    }

    /** {@code value}'s result once it contains {@code text}, or the last result after 60 seconds. */
    static String containing(Supplier<String> value, String text) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String last = value.get();
        while (!last.contains(text) && System.nanoTime() < deadline) {
            sleep();
            last = value.get();
        }
        return last;
    }

    /** {@code value}'s result once it no longer contains {@code text}, or the last result after 60 seconds. */
    static String without(Supplier<String> value, String text) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String last = value.get();
        while (last.contains(text) && System.nanoTime() < deadline) {
            sleep();
            last = value.get();
        }
        return last;
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
