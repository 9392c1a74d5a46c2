package dev.cortana.host.channel;

import dev.cortana.api.Approvals;
import dev.cortana.api.Notifier;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/** A channel's way to reach the master user unprompted: messages, and questions that need a yes or no. */
public interface MasterChannel extends Notifier {

    /** Asks a yes/no question and waits; a channel that cannot ask answers DENIED. */
    default Approvals.Decision askApproval(String question, Duration timeout) {
        return Approvals.Decision.DENIED;
    }

    /** The id of the user this channel serves (whose conversation a sent message joins). */
    String masterUserId();

    /**
     * Posts {@code text} (retried where the channel can), tagged with {@code nonce} where the channel deduplicates by
     * one; {@code done} gets empty once it is accepted, or the reason it was given up on.
     */
    default void deliver(String text, String nonce, Consumer<Optional<String>> done) {
        notify(text);
        done.accept(Optional.empty());
    }
}
