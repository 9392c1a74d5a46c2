package dev.cortana.host.agent;

/**
 * Where a channel receives a reply while the model is still writing it ({@code STREAM_REPLIES}, on by default).
 * The pieces, joined in order, are exactly the reply {@link Agent#reply(String, dev.langchain4j.data.message.UserMessage,
 * java.util.function.BooleanSupplier, java.util.function.Consumer, ReplyStream)} then returns; when no piece came (a
 * provider error before any text, streaming switched off, a command) the returned reply is shown as a whole, as
 * without a stream.
 *
 * <pre>{@code
 * StringBuilder shown = new StringBuilder();
 * String reply = agent.reply(user, UserMessage.from("Hi"), () -> false, file -> { }, piece -> {
 *     System.out.print(piece);          // called on the model's thread, as text arrives
 *     shown.append(piece);
 * });
 * if (shown.isEmpty()) System.out.print(reply);
 * }</pre>
 */
@FunctionalInterface
public interface ReplyStream {

    /** The next piece of the reply, never empty. Called on the thread that reads the model's answer: return quickly. */
    void text(String piece);
}
