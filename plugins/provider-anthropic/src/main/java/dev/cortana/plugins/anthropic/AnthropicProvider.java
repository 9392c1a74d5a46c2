package dev.cortana.plugins.anthropic;

import dev.cortana.api.CortanaContext;
import dev.cortana.api.PluginSettings;
import dev.cortana.api.llm.LlmProvider;
import dev.cortana.api.llm.ModelClient;
import dev.cortana.api.llm.ModelSetup;
import dev.cortana.api.llm.ModelInfo;
import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.anthropic.AnthropicTokenUsage;
import dev.langchain4j.model.output.TokenUsage;
import dev.cortana.api.llm.PromptTokens;
import dev.langchain4j.model.anthropic.AnthropicModelCatalog;
import dev.langchain4j.model.catalog.ModelDescription;
import dev.langchain4j.model.anthropic.AnthropicStreamingChatModel;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.pf4j.Extension;

/**
 * Anthropic's Claude models over the Messages API ({@code ANTHROPIC_API_KEY}, optionally {@code ANTHROPIC_API_BASE}).
 * Clients are built with retries off (the host rotates keys) from what the host resolved ({@link ModelSetup}), with
 * the host's HTTP client builder passed explicitly, because LangChain4j's ServiceLoader lookup does not see the host's
 * client from inside a plugin class loader.
 */
@Extension
public final class AnthropicProvider implements LlmProvider {

    public static final String ID = "anthropic";
    public static final String DEFAULT_BASE_URL = "https://api.anthropic.com/v1";
    static final String API_VERSION = "2023-06-01";
    /** The Messages API requires an answer limit; LangChain4j's default (1024) cuts ordinary answers short. */
    static final int DEFAULT_MAX_TOKENS = 8192;


    /** Anthropic's mark for a prompt-cache breakpoint, as LangChain4j reads it from a message's attributes. */
    static final Map<String, Object> CACHE_BREAKPOINT = Map.of("cache_control", "ephemeral");

    private final int maxTokens;
    private final boolean promptCache;

    /** What the host calls: reads {@code ANTHROPIC_MAX_TOKENS}; base URL and timeout come in each {@link ModelSetup}. */
    public AnthropicProvider(CortanaContext context) {
        this(context.settings());
    }

    AnthropicProvider(PluginSettings settings) {
        this.maxTokens = settings.getInt("ANTHROPIC_MAX_TOKENS", DEFAULT_MAX_TOKENS, 1, Integer.MAX_VALUE);
        this.promptCache = settings.getBoolean("ANTHROPIC_PROMPT_CACHE", true);
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public boolean ownsModel(String bareModelName) {
        return bareModelName != null && bareModelName.startsWith("claude-");
    }

    @Override
    public Optional<String> defaultBaseUrl(String providerName) {
        return Optional.of(DEFAULT_BASE_URL);
    }

    /** Sends through the host's HTTP builder, which reads a failed call's {@code Retry-After} header. */
    @Override
    public ModelClient model(ModelSetup setup) {
        if (setup.streaming()) {
            return ModelClient.of(AnthropicStreamingChatModel.builder().httpClientBuilder(setup.http())
                    .baseUrl(setup.baseUrl()).apiKey(setup.apiKey()).version(API_VERSION).modelName(setup.modelName())
                    .maxTokens(answerLimit(setup)).timeout(setup.requestTimeout())
                    .cacheSystemMessages(promptCache).cacheTools(promptCache).build());
        }
        return ModelClient.of(AnthropicChatModel.builder().httpClientBuilder(setup.http())
                .baseUrl(setup.baseUrl()).apiKey(setup.apiKey()).version(API_VERSION).modelName(setup.modelName())
                .maxTokens(answerLimit(setup)).timeout(setup.requestTimeout()).maxRetries(0)
                .cacheSystemMessages(promptCache).cacheTools(promptCache).build());
    }

    /**
     * Anthropic's {@code input_tokens} leave out what was read from the cache ({@code cache_read_input_tokens}) and
     * written to it ({@code cache_creation_input_tokens}); every input token is the sum of the three.
     */
    @Override
    public PromptTokens promptTokens(TokenUsage usage) {
        long input = usage == null || usage.inputTokenCount() == null ? 0 : usage.inputTokenCount();
        if (usage instanceof AnthropicTokenUsage anthropic) {
            long read = anthropic.cacheReadInputTokens() == null ? 0 : anthropic.cacheReadInputTokens();
            long written = anthropic.cacheCreationInputTokens() == null ? 0 : anthropic.cacheCreationInputTokens();
            return new PromptTokens(input + read + written, read, written);
        }
        return PromptTokens.uncached(input);
    }

    /**
     * Puts a cache breakpoint on the newest message, so the next request (this one plus the answer and what follows)
     * reads the whole conversation so far from Anthropic's prompt cache; the system prompt and the tools carry their
     * own breakpoints ({@code cacheSystemMessages}, {@code cacheTools}). Three of Anthropic's four breakpoints in all.
     * Only the request sent is marked; the conversation keeps its messages as they were.
     */
    @Override
    public ChatRequest prepare(ChatRequest request, String modelName) {
        List<ChatMessage> messages = request.messages();
        if (!promptCache || messages.isEmpty()) {
            return request;
        }
        int last = messages.size() - 1;
        ChatMessage marked = withBreakpoint(messages.get(last));
        if (marked == messages.get(last)) {
            return request;
        }
        List<ChatMessage> sent = new ArrayList<>(messages);
        sent.set(last, marked);
        return request.toBuilder().messages(sent).build();
    }

    private static ChatMessage withBreakpoint(ChatMessage message) {
        if (message instanceof UserMessage user) {
            return user.toBuilder().attributes(marked(user.attributes())).build();
        }
        if (message instanceof ToolExecutionResultMessage result) {
            return result.toBuilder().attributes(marked(result.attributes())).build();
        }
        if (message instanceof AiMessage ai) {
            return ai.toBuilder().attributes(marked(ai.attributes())).build();
        }
        return message;
    }

    private static Map<String, Object> marked(Map<String, Object> attributes) {
        Map<String, Object> copy = new HashMap<>(attributes == null ? Map.of() : attributes);
        copy.putAll(CACHE_BREAKPOINT);
        return copy;
    }

    /**
     * {@code GET {base}/models} through LangChain4j's {@link AnthropicModelCatalog} and the host's HTTP builder; the
     * host adds limits from its bundled catalog (a dated id shares its alias's).
     */
    @Override
    public List<ModelInfo> listModels(ModelSetup setup) {
        List<ModelInfo> models = new ArrayList<>();
        for (ModelDescription model : AnthropicModelCatalog.builder().httpClientBuilder(setup.http())
                .baseUrl(setup.baseUrl()).apiKey(setup.apiKey()).version(API_VERSION).timeout(setup.requestTimeout())
                .build().listModels()) {
            if (model.name() != null && !model.name().isBlank()) {
                models.add(new ModelInfo(ID, model.name(), 0, 0));
            }
        }
        models.sort(Comparator.comparing(ModelInfo::name));
        return models;
    }

    /** {@code ANTHROPIC_MAX_TOKENS}, capped at the model's own output limit where the host knows it. */
    private int answerLimit(ModelSetup setup) {
        int known = setup.limits().maxOutputTokens();
        return known > 0 ? Math.min(known, maxTokens) : maxTokens;
    }
}
