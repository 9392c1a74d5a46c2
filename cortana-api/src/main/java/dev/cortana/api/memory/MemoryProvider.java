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
     * Called when the host makes this provider the one in use: at start-up once every plugin has started, and again
     * should it become the one in use later (a plugin added, replaced or reloaded). Never called for a provider that
     * is loaded but not in use ({@code MEMORY_PROVIDER} names another, or another active provider comes first). The
     * place to begin, in the background, what only the provider in use needs (memory-local starts loading its
     * embedding model here); it must return at once. May be called more than once.
     *
     * @since 0.2.0
     */
    default void selected() {
    }

    /**
     * Called once on a background thread shortly after start-up, for the provider in use only (after
     * {@link #selected()}), so that the first message's {@link #context} costs about what a later one does: run the
     * provider's own retrieval path (its queries, a query embedding) for a user id that has no data. It must not
     * create, change or delete any user's data, and must not call a remote or paid service (memory-zep does nothing
     * here). The host waits for it at most as long as for a message's context; a failure is logged and the first
     * message then pays for the work itself.
     *
     * @since 0.2.0
     */
    default void warmUp() throws Exception {
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
