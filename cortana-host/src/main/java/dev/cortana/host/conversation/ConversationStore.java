package dev.cortana.host.conversation;

import dev.langchain4j.data.message.ChatMessage;
import java.util.List;

/** The running conversation of each user: what the model sees as history on the next message. */
public interface ConversationStore {

    /** The history of {@code userId}, oldest first (no system message). */
    List<ChatMessage> history(String userId);

    /** Appends one finished turn: the user message, tool calls and results, and the final answer. */
    void append(String userId, List<ChatMessage> turn);

    /** Starts a fresh conversation. */
    void reset(String userId);
}
