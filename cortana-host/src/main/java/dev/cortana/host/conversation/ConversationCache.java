package dev.cortana.host.conversation;

import dev.langchain4j.data.message.ChatMessage;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Conversations per user in memory with a sliding TTL, written to disk after every change so that a restart (even
 * {@code kill -9}) resumes them: a turn appends its messages to the user's journal ({@link ConversationFiles}); only
 * compaction and merges write it whole. Every interaction restarts the TTL; after the TTL of silence the next message starts
 * a fresh conversation. A message longer than {@link MessageCap#MAX_CHARS} is cut with a note before it is kept.
 */
public final class ConversationCache implements ConversationStore {

    private static final Logger log = LoggerFactory.getLogger(ConversationCache.class);

    private final ConversationFiles files;
    private final Clock clock;
    private final Duration ttl;
    private final Map<String, Conversation> conversations = new ConcurrentHashMap<>();

    private ConversationCache(ConversationFiles files, Clock clock, Duration ttl) {
        this.files = files;
        this.clock = clock;
        this.ttl = ttl;
    }

    /** Opens the cache over {@code files}, restoring unexpired conversations and deleting expired ones. */
    public static ConversationCache open(ConversationFiles files, Clock clock, Duration ttl) {
        ConversationCache cache = new ConversationCache(files, clock, ttl);
        Instant now = clock.instant();
        int restored = 0;
        for (Conversation conversation : files.readAll()) {
            if (conversation.expiredAt(now, ttl)) {
                files.delete(conversation.userId());
            } else {
                cache.conversations.put(conversation.userId(), conversation);
                restored++;
            }
        }
        if (restored > 0) {
            log.info("Restored {} conversation(s) from {}", restored, files.dir());
        }
        return cache;
    }

    /**
     * Counts the tokens of every conversation in the cache for {@code model}, so the first turn after a restart finds
     * its history counted. Meant for a background thread at start-up; messages with saved counts cost nothing.
     */
    public void countTokens(TokenCounter tokens, String model) {
        long start = System.nanoTime();
        int counted = 0;
        for (Conversation conversation : conversations.values()) {
            tokens.count(model, conversation.messages());
            counted++;
        }
        if (counted > 0) {
            log.debug("Counted the tokens of {} restored conversation(s) for {} in {} ms", counted, model,
                    (System.nanoTime() - start) / 1_000_000);
        }
    }

    @Override
    public List<ChatMessage> history(String userId) {
        return current(userId).map(Conversation::history).orElse(List.of());
    }

    /** The unexpired conversation of {@code userId}, if any. */
    public Optional<Conversation> current(String userId) {
        Instant now = clock.instant();
        Conversation conversation = conversations.computeIfPresent(userId, (id, c) -> {
            if (c.expiredAt(now, ttl)) {
                log.info("Conversation of user {} expired after {} s of silence; starting fresh", id, ttl.toSeconds());
                files.delete(id);
                return null;
            }
            return c;
        });
        return Optional.ofNullable(conversation);
    }

    @Override
    public void append(String userId, List<ChatMessage> turn) {
        Instant now = clock.instant();
        conversations.compute(userId, (id, c) -> {
            boolean fresh = c == null || c.expiredAt(now, ttl);
            Conversation base = fresh ? new Conversation(id, Optional.empty(), List.of(), now) : c;
            // The history is shared, not copied (MessageList), and only the new messages go to the journal.
            MessageList messages = ((MessageList) base.messages()).plus(MessageCap.apply(turn));
            Conversation appended = new Conversation(id, base.summary(), messages, now);
            return fresh ? persist(appended) : persistAppended(appended, base.messages().size());
        });
    }

    /**
     * Replaces everything before {@code kept} with {@code summary} (compaction) and restarts the TTL. Messages appended
     * since {@code kept} was taken stay, so a concurrent append is never lost.
     */
    public void replaceWithSummary(String userId, String summary, List<ChatMessage> dropped) {
        Instant now = clock.instant();
        conversations.computeIfPresent(userId, (id, c) -> {
            List<ChatMessage> messages = c.messages();
            int from = Math.min(dropped.size(), messages.size());
            return persist(new Conversation(id, Optional.of(summary), messages.subList(from, messages.size()), now));
        });
    }

    /**
     * Makes the unexpired conversation of {@code fromUserId} the conversation of {@code toUserId} (the console's into
     * the master's). When both have one, they are joined, the one active earlier first, with both summaries; each
     * keeps its messages in order, so tool calls stay with their results. Returns whether anything moved.
     */
    public boolean moveUser(String fromUserId, String toUserId) {
        Optional<Conversation> moving = current(fromUserId);
        if (moving.isEmpty() || fromUserId.equals(toUserId)) {
            return false;
        }
        Optional<Conversation> existing = current(toUserId);
        Conversation first = moving.get();
        Conversation second = existing.orElse(null);
        if (second != null && second.lastActive().isBefore(first.lastActive())) {
            first = second;
            second = moving.get();
        }
        List<ChatMessage> messages = new ArrayList<>(first.messages());
        Optional<String> summary = first.summary();
        Instant lastActive = first.lastActive();
        if (second != null) {
            messages.addAll(second.messages());
            summary = second.summary().isEmpty() ? summary
                    : Optional.of(summary.map(s -> s + "\n\n").orElse("") + second.summary().get());
            lastActive = second.lastActive();
        }
        Conversation merged = new Conversation(toUserId, summary, messages, lastActive);
        conversations.put(toUserId, persist(merged));
        conversations.remove(fromUserId);
        files.delete(fromUserId);
        return true;
    }

    @Override
    public void reset(String userId) {
        conversations.remove(userId);
        files.delete(userId);
    }

    private Conversation persistAppended(Conversation conversation, int from) {
        try {
            files.append(conversation, from);
        } catch (IOException | RuntimeException e) {
            // The conversation still works from memory; only a restart would lose this turn.
            log.warn("Could not save the conversation of user {} to {}: {}", conversation.userId(), files.dir(), e.toString());
        }
        return conversation;
    }

    private Conversation persist(Conversation conversation) {
        try {
            files.write(conversation);
        } catch (IOException | RuntimeException e) {
            // The conversation still works from memory; only a restart would lose this turn.
            log.warn("Could not save the conversation of user {} to {}: {}", conversation.userId(), files.dir(), e.toString());
        }
        return conversation;
    }
}
