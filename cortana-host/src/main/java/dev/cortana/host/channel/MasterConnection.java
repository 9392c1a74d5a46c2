package dev.cortana.host.channel;

import dev.cortana.api.Approvals;
import dev.cortana.api.Delivery;
import dev.cortana.api.Notifier;
import dev.cortana.host.conversation.ConversationStore;
import dev.langchain4j.data.message.AiMessage;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notifier and approvals plugins hold. Plugins start before a channel is connected, so messages sent before then
 * are kept and delivered once the channel attaches; a question asked with no channel is denied.
 *
 * <p>{@link #send(String)} is journalled in {@link MasterDeliveries} before it is posted (once {@link #recordIn} has
 * given it a journal and a conversation), and {@link #attach} first settles what a crashed earlier run left: see
 * {@link Notifier} for the guarantee.
 */
public final class MasterConnection implements Notifier, Approvals {

    private static final Logger log = LoggerFactory.getLogger(MasterConnection.class);

    private final Clock clock;
    private MasterChannel channel;
    private final List<String> pending = new ArrayList<>();
    private final List<Outgoing> pendingSends = new ArrayList<>();
    private ConversationStore conversations;
    private MasterDeliveries deliveries;

    private record Outgoing(String text, CompletableFuture<Delivery> result) {
    }

    public MasterConnection() {
        this(Clock.systemUTC());
    }

    public MasterConnection(Clock clock) {
        this.clock = clock;
    }

    /** Where {@link #send} journals messages and records them once delivered. */
    public synchronized void recordIn(ConversationStore conversations, MasterDeliveries deliveries) {
        this.conversations = conversations;
        this.deliveries = deliveries;
    }

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
    public CompletableFuture<Delivery> send(String text) {
        CompletableFuture<Delivery> result = new CompletableFuture<>();
        MasterChannel target;
        synchronized (this) {
            target = channel;
            if (target == null) {
                pendingSends.add(new Outgoing(text, result));
                return result;
            }
        }
        String nonce = MasterDeliveries.newNonce();
        long id = journal(text, nonce);
        post(target, id, text, nonce, result);
        return result;
    }

    private long journal(String text, String nonce) {
        MasterDeliveries journal;
        synchronized (this) {
            journal = deliveries;
        }
        if (journal == null) {
            return -1;
        }
        try {
            return journal.begin(text, nonce);
        } catch (RuntimeException e) {
            // Better delivered without the crash guarantee than not at all.
            log.warn("Sending a message to the master user without journalling it: {}", e.getMessage());
            return -1;
        }
    }

    private void post(MasterChannel target, long id, String text, String nonce, CompletableFuture<Delivery> result) {
        try {
            target.deliver(text, nonce, failure -> settle(target, id, text, failure, result));
        } catch (RuntimeException e) {
            settle(target, id, text, Optional.of(e.toString()), result);
        }
    }

    private void settle(MasterChannel target, long id, String text, Optional<String> failure,
                        CompletableFuture<Delivery> result) {
        try {
            if (failure.isPresent()) {
                log.warn("A message to the master user was not delivered: {}", failure.get());
                journalled(id, journal -> journal.failed(id, failure.get()));
                result.complete(Delivery.failed(failure.get()));
                return;
            }
            journalled(id, journal -> journal.delivered(id));
            record(target.masterUserId(), id, text);
            result.complete(Delivery.delivered());
        } catch (RuntimeException e) {
            log.warn("Settling a message to the master user failed: {}", e.toString());
            result.complete(failure.map(Delivery::failed).orElse(Delivery.delivered()));
        }
    }

    private void record(String userId, long id, String text) {
        ConversationStore store;
        synchronized (this) {
            store = conversations;
        }
        if (store != null) {
            store.append(userId, List.of(AiMessage.from(text)));
            journalled(id, journal -> journal.recorded(id));
        }
    }

    private void journalled(long id, java.util.function.Consumer<MasterDeliveries> step) {
        MasterDeliveries journal;
        synchronized (this) {
            journal = deliveries;
        }
        if (journal != null && id >= 0) {
            try {
                step.accept(journal);
            } catch (RuntimeException e) {
                log.warn("Could not update the journal of messages to the master user: {}", e.getMessage());
            }
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

    /**
     * Connects the active channel: first settles messages a crashed earlier run left unfinished, then delivers what
     * waited for it.
     */
    public void attach(MasterChannel channel) {
        List<String> waiting;
        List<Outgoing> waitingSends;
        synchronized (this) {
            this.channel = channel;
            waiting = List.copyOf(pending);
            pending.clear();
            waitingSends = List.copyOf(pendingSends);
            pendingSends.clear();
        }
        resolveUnfinished(channel);
        waiting.forEach(this::notify);
        waitingSends.forEach(outgoing -> {
            String nonce = MasterDeliveries.newNonce();
            post(channel, journal(outgoing.text(), nonce), outgoing.text(), nonce, outgoing.result());
        });
    }

    private void resolveUnfinished(MasterChannel target) {
        MasterDeliveries journal;
        synchronized (this) {
            journal = deliveries;
        }
        if (journal == null) {
            return;
        }
        List<MasterDeliveries.Unfinished> unfinished;
        try {
            unfinished = journal.unfinished();
        } catch (RuntimeException e) {
            log.warn("Could not look for unfinished messages to the master user: {}", e.getMessage());
            return;
        }
        for (MasterDeliveries.Unfinished row : unfinished) {
            if (row.delivered()) {
                log.info("Recording message {} to the master user, delivered before a restart", row.id());
                record(target.masterUserId(), row.id(), row.text());
            } else if (row.createdAt().isAfter(clock.instant().minus(Duration.ofMinutes(NONCE_WINDOW_MINUTES)))) {
                // Same nonce: if the first post reached Discord, Discord answers with that message, not a new one.
                log.info("Re-sending message {} to the master user with its nonce; its outcome was unknown", row.id());
                post(target, row.id(), row.text(), row.nonce(), new CompletableFuture<>());
            } else {
                log.warn("Message {} to the master user has an unknown outcome older than {} minutes; not re-sent",
                        row.id(), NONCE_WINDOW_MINUTES);
                journalled(row.id(), j -> j.failed(row.id(),
                        "outcome unknown after a restart; not sent again to avoid a duplicate"));
            }
        }
    }
}
