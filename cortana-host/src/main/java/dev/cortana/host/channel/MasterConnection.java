package dev.cortana.host.channel;

import dev.cortana.api.Approvals;
import dev.cortana.api.Notifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notifier and approvals plugins hold. Plugins start before a channel is connected, so messages sent before then
 * are kept and delivered once the channel attaches; a question asked with no channel is denied.
 */
public final class MasterConnection implements Notifier, Approvals {

    private static final Logger log = LoggerFactory.getLogger(MasterConnection.class);

    private MasterChannel channel;
    private final List<String> pending = new ArrayList<>();

    @Override
    public void notify(String text) {
        MasterChannel target;
        synchronized (this) {
            target = channel;
            if (target == null) {
                pending.add(text);
                return;
            }
        }
        try {
            target.notify(text);
        } catch (RuntimeException e) {
            log.warn("Could not deliver a message to the master user: {}", e.toString());
        }
    }

    @Override
    public Decision ask(String question, Duration timeout) {
        MasterChannel target;
        synchronized (this) {
            target = channel;
        }
        if (target == null) {
            log.info("Approval asked with no channel connected; denied: {}", question);
            return Decision.DENIED;
        }
        try {
            return target.askApproval(question, timeout);
        } catch (RuntimeException e) {
            log.warn("Could not ask the master user for approval: {}", e.toString());
            return Decision.DENIED;
        }
    }

    /** Connects the active channel and delivers what waited for it. */
    public void attach(MasterChannel channel) {
        List<String> waiting;
        synchronized (this) {
            this.channel = channel;
            waiting = List.copyOf(pending);
            pending.clear();
        }
        waiting.forEach(this::notify);
    }
}
