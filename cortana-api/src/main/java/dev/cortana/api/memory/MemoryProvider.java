package dev.cortana.api.memory;

import dev.langchain4j.data.message.ChatMessage;
import java.util.List;
import org.pf4j.ExtensionPoint;

/**
 * Long-term memory: what Cortana knows about the user beyond the current conversation. The host uses the first
 * started memory provider (or the one named by {@code MEMORY_PROVIDER}).
 *
 * <pre>{@code
 * @Extension
 * public final class NotesMemory implements MemoryProvider {
 *     public String id() { return "notes"; }
 *     public String context(String userId, String message) { return store.factsAbout(userId); }
 *     public void learn(String userId, List<ChatMessage> turn) { store.append(userId, turn); }
 * }
 * }</pre>
 * @since 0.1.0
 */
public interface MemoryProvider extends ExtensionPoint {

    /** A short name for logs and settings ({@code zep}). */
    String id();

    /**
     * Facts relevant to the user's new message, for the system prompt. Treated as data about the user, never as
     * instructions. Return an empty string when there is nothing.
     */
    String context(String userId, String message) throws Exception;

    /** Called after every finished turn with the turn's messages (user, assistant, tool calls and results). */
    void learn(String userId, List<ChatMessage> turn) throws Exception;

    /**
     * Called with messages about to be summarised away by compaction, so nothing learned is lost. Defaults to
     * {@link #learn}.
     */
    default void beforeForget(String userId, List<ChatMessage> messages) throws Exception {
        learn(userId, messages);
    }
}
