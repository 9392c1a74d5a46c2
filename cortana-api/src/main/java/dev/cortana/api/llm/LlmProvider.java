package dev.cortana.api.llm;

import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.output.TokenUsage;
import java.util.List;
import java.util.Optional;
import org.pf4j.ExtensionPoint;

/**
 * A family of language models reached with API keys: OpenAI, Anthropic, Gemini, or any server speaking one of
 * their protocols. The provider only builds clients from what the host resolved ({@link ModelSetup}: key, base URL,
 * request timeout, the host's HTTP client builder, streaming or not); choosing a key, rotating on failure, cooling keys
 * down, counting usage, reading {@code LLM_REQUEST_TIMEOUT} and {@code <PROVIDER>_API_BASE} is the host's job, shared
 * by every provider. Build clients with their own retries off ({@code maxRetries(0)}) so the host decides.
 *
 * <p>The host discovers credentials from the environment ({@code <PROVIDER>_API_KEY}, {@code <PROVIDER>_API_KEY_<N>},
 * {@code <PROVIDER>_API_BASE}) and hands them to the provider that {@link #serves(String) serves} the prefix.
 *
 * <pre>{@code
 * @Extension
 * public final class OpenAiProvider implements LlmProvider {
 *     public String id() { return "openai"; }
 *     public boolean ownsModel(String model) { return model.startsWith("gpt-"); }
 *     public Optional<String> defaultBaseUrl(String provider) { return Optional.of("https://api.openai.com/v1"); }
 *     public ModelClient model(ModelSetup setup) {
 *         return setup.streaming()
 *                 ? ModelClient.of(OpenAiStreamingChatModel.builder().httpClientBuilder(setup.http())
 *                         .baseUrl(setup.baseUrl()).apiKey(setup.apiKey()).modelName(setup.modelName())
 *                         .timeout(setup.requestTimeout()).build())
 *                 : ModelClient.of(OpenAiChatModel.builder().httpClientBuilder(setup.http())
 *                         .baseUrl(setup.baseUrl()).apiKey(setup.apiKey()).modelName(setup.modelName())
 *                         .timeout(setup.requestTimeout()).maxRetries(0).build());
 *     }
 * }
 * }</pre>
 * @since 0.1.0
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

    /**
     * Where {@code providerName}'s server is when {@code <PROVIDER>_API_BASE} is not set; empty when there is no
     * default (the host then tells the user to set it).
     */
    default Optional<String> defaultBaseUrl(String providerName) {
        return Optional.empty();
    }

    /**
     * The one factory the host calls: a client for one credential and one model, streaming when
     * {@link ModelSetup#streaming()} (return {@link ModelClient#noStreaming()} when the provider does not stream).
     * Called once per (key, model, streaming); the host caches the result.
     */
    ModelClient model(ModelSetup setup);

    /**
     * Adjusts each request just before it is sent to {@code modelName} (Anthropic cache breakpoints, a provider's
     * own parameters). The default sends it as it is. Called on every call: keep it cheap.
     */
    default ChatRequest prepare(ChatRequest request, String modelName) {
        return request;
    }

    /**
     * The prompt side of an answer's {@code usage} ({@code ChatResponse.tokenUsage()}, may be null), cache figures
     * included, read from the provider's own {@code TokenUsage} subclass: every input token, of them read from the
     * prompt cache, and written to it. The default reads {@code inputTokenCount()} and reports no cache. Called on
     * every answer: keep it cheap.
     */
    default PromptTokens promptTokens(TokenUsage usage) {
        return PromptTokens.uncached(usage == null || usage.inputTokenCount() == null ? 0 : usage.inputTokenCount());
    }

    /**
     * The models this provider knows without asking the network: the common models with their context windows.
     * The host merges this with its own catalog and the provider's live listing.
     */
    default List<ModelInfo> catalog() {
        return List.of();
    }

    /**
     * The provider's live model listing, where it has one; the host calls this and caches the answer. {@code setup}
     * is resolved as for a client (base URL, the host's HTTP builder), with a short listing timeout and no model
     * name. Use LangChain4j's {@code ModelCatalog} for the protocol where it has one
     * ({@code OpenAiModelCatalog.builder().httpClientBuilder(setup.http()).baseUrl(setup.baseUrl())...}). Report
     * names; limits the provider does not report come from the host's bundled catalog. The default calls
     * {@link #listModels(LlmCredential)}.
     */
    default List<ModelInfo> listModels(ModelSetup setup) throws Exception {
        return listModels(setup.credential());
    }

    /** The older listing, given only the key; see {@link #listModels(ModelSetup)}. */
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
