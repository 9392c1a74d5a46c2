package dev.cortana.api;

import java.util.Objects;

/**
 * What became of a message sent with {@link Notifier#send(String)}.
 *
 * <pre>{@code
 * context.notifier().send("⏰ Reminder: call the dentist").thenAccept(delivery -> {
 *     if (delivery.status() == Delivery.Status.FAILED) {
 *         log.warn("Reminder not delivered: {}", delivery.reason());
 *     }
 * });
 * }</pre>
 *
 * @param status what happened
 * @param reason why it failed or is still pending, for logs and {@code /plugins}; empty when delivered
 * @since 0.1.0
 */
public record Delivery(Status status, String reason) {

    public enum Status {
        /** The master user's channel accepted the message, and it is in the conversation. */
        DELIVERED,
        /** It was given up on (Discord refused it after retries, or its outcome could not be known). */
        FAILED,
        /** Not settled, and the host cannot say more (a host or channel that does not report deliveries). */
        PENDING
    }

    public Delivery {
        Objects.requireNonNull(status, "status");
        reason = reason == null ? "" : reason;
    }

    public static Delivery delivered() {
        return new Delivery(Status.DELIVERED, "");
    }

    public static Delivery failed(String reason) {
        return new Delivery(Status.FAILED, reason);
    }

    public static Delivery pending(String reason) {
        return new Delivery(Status.PENDING, reason);
    }
}
