package dev.cortana.api.memory;

import dev.langchain4j.data.message.ChatMessage;
import java.util.List;
import org.pf4j.ExtensionPoint;

/**
 * Long-term memory: what Cortana knows about the user beyond the current conversation. The host uses the first
 * started memory provider (or the one named by {@code MEMORY_PROVIDER}).
 *
 * <p>Since 0.2.0 the host picks {@code MEMORY_PROVIDER} when set, else the first {@link #active()} provider that is not
 * a {@link #fallback()}, else an active fallback; and, when a provider is active, offers the user the tools
 * {@code remember}, {@code recall} and {@code forget} and the {@code /memory} command, delegating to
 * {@link #remember}, {@link #recall}, {@link #facts} and {@link #forget}. All of them are per user: a provider never
 * returns one user's facts for another's id.
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

    /**
     * Whether this provider can work now. {@code false} when it is not configured (Zep without {@code ZEP_API_KEY}):
     * the host then passes over it.
     *
     * @since 0.2.0
     */
    default boolean active() {
        return true;
    }

    /**
     * {@code true} for a provider used only when no other active provider is loaded (the local memory).
     *
     * @since 0.2.0
     */
    default boolean fallback() {
        return false;
    }

    /**
     * Up to {@code limit} facts about the user most relevant to {@code query}, best first (the {@code recall} tool).
     *
     * @since 0.2.0
     */
    default List<MemoryFact> recall(String userId, String query, int limit) throws Exception {
        return List.of();
    }

    /**
     * Up to {@code limit} facts known about the user, newest first (the {@code /memory} command).
     *
     * @since 0.2.0
     */
    default List<MemoryFact> facts(String userId, int limit) throws Exception {
        return List.of();
    }

    /**
     * Stores {@code fact} about the user because the user asked (the {@code remember} tool) and returns it as stored.
     * Throws {@link UnsupportedOperationException} when this provider does not store facts on request.
     *
     * @since 0.2.0
     */
    default MemoryFact remember(String userId, String fact) throws Exception {
        throw new UnsupportedOperationException(id() + " does not store facts on request");
    }

    /**
     * Forgets the user's fact {@code factId} (an id from {@link #recall} or {@link #facts}); {@code false} when the
     * user has no such fact.
     *
     * @since 0.2.0
     */
    default boolean forget(String userId, String factId) throws Exception {
        return false;
    }

    /**
     * What the user should know about forgetting here, shown after a fact is forgotten ({@code "Zep invalidates
     * facts rather than deleting them; it is hidden from recall."}), or {@code ""}.
     *
     * @since 0.2.0
     */
    default String forgetNote() {
        return "";
    }
}
