package dev.cortana.api.llm;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;

/**
 * Lets a plugin ask a language model something of its own (extracting facts for memory, summarising a page), through
 * the host's model router: the same provider plugins, key rotation, cooldowns, fallback models and usage ledger as a
 * user's message, so every call is counted against the key that answered and shows in {@code /settings status}.
 *
 * <p><b>What it costs:</b> each call is one (or, when keys rotate, a few) paid model request on the master's keys,
 * billed by the provider for the prompt and answer tokens. Prefer {@link Choice#BACKGROUND} for work the user does
 * not read directly: it uses {@code LLM_BACKGROUND_MODEL} (a cheaper model the user configures), or the active model
 * when that is not set. Keep prompts short, and do not call per message when once per conversation will do.
 *
 * <pre>{@code
 * ModelAccess model = context.model();
 * String facts = model.complete(ModelAccess.Choice.BACKGROUND,
 *         "List the lasting facts about the user in this exchange, one per line:\n" + exchange);
 * }</pre>
 *
 * <p>Blocks until the answer (up to the host's request timeouts). Calls are not streamed and offer no tools unless
 * the request carries them. Failures throw {@link ModelUnavailableException} with a message for the user.
 *
 * @since 0.1.0
 */
public interface ModelAccess {

    /** Which model answers. */
    enum Choice {
        /** The model the master chats with ({@code /settings model}, else {@code LLM_MODEL_NAME}). */
        ACTIVE,
        /** {@code LLM_BACKGROUND_MODEL} when set, else the active model. */
        BACKGROUND
    }

    /** Sends {@code request} to the chosen model and returns its answer. */
    ChatResponse chat(Choice choice, ChatRequest request);

    /** The model's text answer to one user message. */
    default String complete(Choice choice, String prompt) {
        ChatResponse response = chat(choice, ChatRequest.builder().messages(UserMessage.from(prompt)).build());
        return response.aiMessage() == null || response.aiMessage().text() == null ? "" : response.aiMessage().text();
    }

    /** The model name {@code choice} resolves to now ({@code openai/gpt-4o-mini}), for logs and status lines. */
    String modelName(Choice choice);

    /**
     * Sends {@code request} to the model named {@code model} ({@code openai/gpt-4o-mini}, the form
     * {@code /settings model} takes), through the same router, keys and ledger, for a plugin setting of its own such
     * as {@code MEMORY_MODEL}. A blank name means {@link Choice#BACKGROUND}. Hosts before 0.2.0 (and test contexts
     * that do not override it) answer with the background model.
     *
     * @since 0.2.0
     */
    default ChatResponse chatWith(String model, ChatRequest request) {
        return chat(Choice.BACKGROUND, request);
    }
}
