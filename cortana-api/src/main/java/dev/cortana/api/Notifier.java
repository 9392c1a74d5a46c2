package dev.cortana.api;

import java.util.concurrent.CompletableFuture;

/**
 * Sends a message to the master user on the active channel (a Discord DM, or the console).
 *
 * <pre>{@code
 * // fire and forget, not part of the conversation:
 * context.notifier().notify("Backup finished");
 *
 * // part of the conversation: the model sees it as its own message, so "snooze it" or "done" makes sense next
 * context.notifier().send("⏰ Reminder: call the dentist")
 *         .thenAccept(delivery -> log.info("reminder: {}", delivery.status()));
 * }</pre>
 *
 * <h2>What {@link #send(String)} guarantees</h2>
 * The host writes the message to its database before it goes out, and only then posts it (on Discord with a
 * nonce and {@code enforce_nonce}, retried a few times with growing pauses). Once the channel accepted it, it is
 * appended to the master's conversation as an assistant message. If the host dies in between:
 * <ul>
 *   <li>sent but not recorded: recorded at the next start, not sent again;</li>
 *   <li>outcome unknown (killed while posting): at the next start it is posted again with the <em>same</em> nonce.
 *       Discord returns the first message instead of creating a second one for a few minutes, so within
 *       {@value #NONCE_WINDOW_MINUTES} minutes of the first attempt there is no duplicate. Older unknown outcomes are
 *       not re-sent: the delivery is marked FAILED ("outcome unknown"), so the user gets the message at most once.
 *       On the console a re-print can repeat a line (there is no nonce there).</li>
 * </ul>
 * A crash between recording in the conversation and marking it recorded can record it twice in the history (never
 * a second message to the user).
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface Notifier {

    /** How long after the first attempt a message of unknown outcome is re-sent with its nonce. */
    int NONCE_WINDOW_MINUTES = 2;

    /** Delivers {@code text} to the master user; failures are logged by the host and retried where possible. */
    void notify(String text);

    /**
     * Delivers {@code text} to the master user and records it in their conversation as Cortana's own message. The
     * future completes with DELIVERED or FAILED (with the reason) once that is known, and never exceptionally; sent
     * before a channel is connected (during plugin start-up), it is kept in memory, journalled and posted when the
     * channel connects, and completes then. If the host stops first, the future
     * stays open and the journalled message is settled at the next start. A host without this support notifies and
     * answers PENDING at once.
     */
    default CompletableFuture<Delivery> send(String text) {
        notify(text);
        return CompletableFuture.completedFuture(Delivery.pending("this host does not report deliveries"));
    }
}
