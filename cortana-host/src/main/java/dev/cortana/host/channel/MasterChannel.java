package dev.cortana.host.channel;

import dev.cortana.api.Approvals;
import dev.cortana.api.Notifier;
import java.time.Duration;

/** A channel's way to reach the master user unprompted: messages, and questions that need a yes or no. */
public interface MasterChannel extends Notifier {

    /** Asks a yes/no question and waits; a channel that cannot ask answers DENIED. */
    default Approvals.Decision askApproval(String question, Duration timeout) {
        return Approvals.Decision.DENIED;
    }
}
