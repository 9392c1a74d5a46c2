package dev.cortana.host.conversation;

import dev.langchain4j.data.message.ChatMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Conversations held in memory only: for tests of the agent and channels that need no files or clock. */
public final class InMemoryConversations implements ConversationStore {

    private final Map<String, List<ChatMessage>> conversations = new ConcurrentHashMap<>();

    @Override
    public List<ChatMessage> history(String userId) {
        List<ChatMessage> history = conversations.get(userId);
        if (history == null) {
            return List.of();
        }
        synchronized (history) {
            return List.copyOf(history);
        }
    }

    @Override
    public void append(String userId, List<ChatMessage> turn) {
        List<ChatMessage> history = conversations.computeIfAbsent(userId, k -> new ArrayList<>());
        synchronized (history) {
            history.addAll(turn);
        }
    }

    @Override
    public void reset(String userId) {
        conversations.remove(userId);
    }
}
