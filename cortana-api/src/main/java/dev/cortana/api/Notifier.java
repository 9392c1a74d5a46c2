package dev.cortana.api;

/**
 * Sends a message to the master user on the active channel (a Discord DM, or the console).
 *
 * <pre>{@code
 * context.notifier().notify("⏰ Reminder: call the dentist");
 * }</pre>
 */
@FunctionalInterface
public interface Notifier {

    /** Delivers {@code text} to the master user; failures are logged by the host and retried where possible. */
    void notify(String text);
}
