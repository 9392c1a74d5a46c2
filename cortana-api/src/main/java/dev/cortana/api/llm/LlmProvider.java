package dev.cortana.api.llm;

import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import java.util.List;
import java.util.Optional;
import org.pf4j.ExtensionPoint;

/**
 * A family of language models reached with API keys: OpenAI, Anthropic, Gemini, or any server speaking one of
 * their protocols. The provider only builds clients; choosing a key, rotating on failure, cooling keys down and
 * counting usage is the host's job, shared by every provider. Build clients with their own retries off
 * ({@code maxRetries(0)}) so the host decides.
 *
 * <p>The host discovers credentials from the environment ({@code <PROVIDER>_API_KEY}, {@code <PROVIDER>_API_KEY_<N>},
 * {@code <PROVIDER>_API_BASE}) and hands them to the provider that {@link #serves(String) serves} the prefix.
 *
 * <pre>{@code
 * @Extension
 * public final class OpenAiProvider implements LlmProvider {
 *     public String id() { return "openai"; }
 *     public boolean ownsModel(String model) { return model.startsWith("gpt-") || model.startsWith("o"); }
 *     public ChatModel chatModel(LlmCredential key, String model) {
 *         return OpenAiChatModel.builder().apiKey(key.apiKey()).baseUrl(key.baseUrl().orElse(null))
 *             .modelName(model).maxRetries(0).build();
 *     }
 * }
 * }</pre>
 */
public interface LlmProvider extends ExtensionPoint {

    /** The provider's name as users write it: the prefix of {@code openai/gpt-4o} and of {@code OPENAI_API_KEY}. */
    String id();

    /** Whether this extension serves credentials and models of {@code providerName} (lower case). */
    default boolean serves(String providerName) {
        return id().equals(providerName);
    }

    /** Whether a bare model name with no provider prefix ({@code gpt-4o}) belongs to this provider. */
    default boolean ownsModel(String bareModelName) {
        return false;
    }

    /** A client for one credential and one model. Called once per (key, model); the host caches the result. */
    ChatModel chatModel(LlmCredential credential, String modelName);

    /** A streaming client, where the provider has one. */
    default Optional<StreamingChatModel> streamingChatModel(LlmCredential credential, String modelName) {
        return Optional.empty();
    }

    /**
     * A client that sends its HTTP through {@code http}, the builder the host hands over: it reads the response
     * headers of a failed call (a 429's {@code Retry-After}), which LangChain4j's own exceptions drop. The host calls
     * this method; override it to let the host honour {@code Retry-After}. The default ignores {@code http} and calls
     * {@link #chatModel(LlmCredential, String)}, so older providers keep working.
     *
     * <pre>{@code
     * public ChatModel chatModel(LlmCredential key, String model, HttpClientBuilder http) {
     *     return OpenAiChatModel.builder().httpClientBuilder(http).apiKey(key.apiKey()).modelName(model)
     *         .maxRetries(0).build();
     * }
     * }</pre>
     */
    default ChatModel chatModel(LlmCredential credential, String modelName, HttpClientBuilder http) {
        return chatModel(credential, modelName);
    }

    /**
     * A streaming client sending its HTTP through the host's {@code http} builder; see
     * {@link #chatModel(LlmCredential, String, HttpClientBuilder)}. The default calls
     * {@link #streamingChatModel(LlmCredential, String)}.
     */
    default Optional<StreamingChatModel> streamingChatModel(LlmCredential credential, String modelName,
                                                            HttpClientBuilder http) {
        return streamingChatModel(credential, modelName);
    }

    /**
     * The models this provider knows without asking the network: the common models with their context windows.
     * The host merges this with its own catalog and the provider's live listing.
     */
    default List<ModelInfo> catalog() {
        return List.of();
    }

    /** The provider's live model listing, where it has one; the host caches it. */
    default List<ModelInfo> listModels(LlmCredential credential) throws Exception {
        return catalog();
    }

    /**
     * Refines the host's reading of a failed call, for errors whose meaning hides in a provider-specific body.
     * Return empty to let the host classify by status code, {@code Retry-After} and message.
     */
    default Optional<LlmFailure> classify(Throwable error) {
        return Optional.empty();
    }
}
