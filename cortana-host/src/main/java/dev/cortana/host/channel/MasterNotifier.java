package dev.cortana.host.channel;

import dev.cortana.api.Notifier;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notifier plugins hold. Plugins start before a channel is connected, so messages sent before then are kept
 * and delivered once the channel attaches.
 */
public final class MasterNotifier implements Notifier {

    private static final Logger log = LoggerFactory.getLogger(MasterNotifier.class);

    private Notifier channel;
    private final List<String> pending = new ArrayList<>();

    @Override
    public void notify(String text) {
        Notifier target;
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

    /** Connects the active channel and delivers what waited for it. */
    public void attach(Notifier channel) {
        List<String> waiting;
        synchronized (this) {
            this.channel = channel;
            waiting = List.copyOf(pending);
            pending.clear();
        }
        waiting.forEach(this::notify);
    }
}
