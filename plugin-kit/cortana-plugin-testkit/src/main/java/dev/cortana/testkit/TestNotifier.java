package dev.cortana.testkit;

import dev.cortana.api.Delivery;
import dev.cortana.api.Notifier;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What was sent to the master user, in order: {@link Notifier#notify(String)} and {@link Notifier#send(String)}
 * alike. In a {@link TestContext} it is the context's notifier (every send is DELIVERED at once); in a
 * {@link CortanaTestHost} it is the channel the host's real notifier delivers to.
 *
 * <pre>{@code
 * context.notifier().send("⏰ call the dentist");
 * assertThat(context.messages()).containsExactly("⏰ call the dentist");
 * String reminder = cortana.awaitMessage("dentist");     // waits up to 10 s for a message containing it
 * }</pre>
 *
 * @since 0.1.0
 */
public final class TestNotifier implements Notifier {

    /** How long {@link #awaitMessage(String)} waits. */
    static final Duration DEFAULT_WAIT = Duration.ofSeconds(10);

    private final List<String> messages = new CopyOnWriteArrayList<>();

    /**
     * Records {@code text}.
     *
     * @since 0.1.0
     */
    @Override
    public void notify(String text) {
        record(text);
    }

    /**
     * Records {@code text}; the delivery is DELIVERED.
     *
     * @since 0.1.0
     */
    @Override
    public CompletableFuture<Delivery> send(String text) {
        record(text);
        return CompletableFuture.completedFuture(Delivery.delivered());
    }

    /**
     * Every message so far, oldest first (a copy).
     *
     * @since 0.1.0
     */
    public List<String> messages() {
        return List.copyOf(messages);
    }

    /**
     * Waits up to 10 seconds for a message containing {@code text} and returns it.
     *
     * @throws AssertionError naming the messages that did arrive, when none contains it in time
     * @since 0.1.0
     */
    public String awaitMessage(String text) {
        return awaitMessage(text, DEFAULT_WAIT);
    }

    /**
     * Waits up to {@code timeout} for a message containing {@code text} and returns it.
     *
     * @throws AssertionError naming the messages that did arrive, when none contains it in time
     * @since 0.1.0
     */
    public String awaitMessage(String text, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (messages) {
            while (true) {
                for (String message : messages) {
                    if (message.contains(text)) {
                        return message;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("No message to the user containing \"" + text + "\" within "
                            + timeout.toMillis() + " ms; sent so far: " + messages);
                }
                try {
                    messages.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("Interrupted while waiting for a message", e);
                }
            }
        }
    }

    /**
     * Forgets the messages so far.
     *
     * @since 0.1.0
     */
    public void clear() {
        messages.clear();
    }

    void record(String text) {
        synchronized (messages) {
            messages.add(text);
            messages.notifyAll();
        }
    }
}
