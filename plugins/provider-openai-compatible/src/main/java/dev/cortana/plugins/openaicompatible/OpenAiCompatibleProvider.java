package dev.cortana.plugins.openaicompatible;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cortana.api.CortanaContext;
import dev.cortana.api.PluginSettings;
import dev.cortana.api.llm.LlmCredential;
import dev.cortana.api.llm.LlmProvider;
import dev.cortana.api.llm.ModelClient;
import dev.cortana.api.llm.ModelSetup;
import dev.cortana.api.llm.ModelInfo;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.http.client.HttpMethod;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiTokenUsage;
import dev.langchain4j.model.output.TokenUsage;
import dev.cortana.api.llm.PromptTokens;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.pf4j.Extension;

/**
 * Every provider that speaks OpenAI's chat-completions protocol but is not OpenAI itself: DeepSeek, Qwen (DashScope),
 * OpenRouter, Groq, Mistral, Together and Ollama work with just {@code <PROVIDER>_API_KEY}; any other name works once
 * {@code <PROVIDER>_API_BASE} points at its server (vLLM, llama.cpp, LM Studio, a proxy).
 */
@Extension
public final class OpenAiCompatibleProvider implements LlmProvider {

    public static final String ID = "openai-compatible";

    /** Documented base URLs of the providers' OpenAI-compatible endpoints. */
    static final Map<String, String> DEFAULT_BASES = Map.of(
            "deepseek", "https://api.deepseek.com/v1",
            "qwen", "https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
            "dashscope", "https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
            "openrouter", "https://openrouter.ai/api/v1",
            "groq", "https://api.groq.com/openai/v1",
            "mistral", "https://api.mistral.ai/v1",
            "together", "https://api.together.xyz/v1",
            "ollama", "http://localhost:11434/v1");

    /** Names served by their own plugins (or not LLMs at all): never claimed here. */
    private static final Set<String> NOT_OURS = Set.of("openai", "anthropic", "gemini", "google", "llm");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PluginSettings settings;

    /**
     * What the host calls: reads which {@code <PROVIDER>_API_BASE} are set, to know the names it serves; the base URL
     * and timeout of each client come in its {@link ModelSetup}.
     */
    public OpenAiCompatibleProvider(CortanaContext context) {
        this(context.settings());
    }

    OpenAiCompatibleProvider(PluginSettings settings) {
        CompactRequests.apply();
        this.settings = settings;
    }

    @Override
    public String id() {
        return ID;
    }

    /** The known providers, and any other name whose {@code <NAME>_API_BASE} is set. */
    @Override
    public boolean serves(String providerName) {
        if (providerName == null || NOT_OURS.contains(providerName)) {
            return false;
        }
        return DEFAULT_BASES.containsKey(providerName)
                || settings.get(providerName.toUpperCase(Locale.ROOT) + "_API_BASE").isPresent();
    }

    /** The documented base URL of a known provider (Ollama's is a local cleartext one: the host talks HTTP/1.1 to it). */
    @Override
    public Optional<String> defaultBaseUrl(String providerName) {
        return Optional.ofNullable(DEFAULT_BASES.get(providerName));
    }

    /** Sends through the host's HTTP builder, which reads a failed call's {@code Retry-After} header. */
    /** Servers speaking OpenAI's protocol report cached tokens as OpenAI does, when they cache. */
    @Override
    public PromptTokens promptTokens(TokenUsage usage) {
        long input = usage == null || usage.inputTokenCount() == null ? 0 : usage.inputTokenCount();
        if (usage instanceof OpenAiTokenUsage openAi && openAi.inputTokensDetails() != null
                && openAi.inputTokensDetails().cachedTokens() != null) {
            return new PromptTokens(input, Math.min(input, openAi.inputTokensDetails().cachedTokens()), 0);
        }
        return PromptTokens.uncached(input);
    }

    @Override
    public ModelClient model(ModelSetup setup) {
        if (setup.streaming()) {
            return ModelClient.of(OpenAiStreamingChatModel.builder().httpClientBuilder(setup.http())
                    .baseUrl(setup.baseUrl()).apiKey(setup.apiKey()).modelName(setup.modelName())
                    .timeout(setup.requestTimeout()).build());
        }
        return ModelClient.of(OpenAiChatModel.builder().httpClientBuilder(setup.http())
                .baseUrl(setup.baseUrl()).apiKey(setup.apiKey()).modelName(setup.modelName())
                .timeout(setup.requestTimeout()).maxRetries(0).build());
    }

    /** {@code GET {base}/models}, which each of these servers offers; the host adds the bundled catalog's limits. */
    @Override
    public List<ModelInfo> listModels(ModelSetup setup) throws Exception {
        SuccessfulHttpResponse response;
        try {
            // Through the host's HTTP builder (bounded body, HTTP/1.1 to cleartext servers); it throws on a refusal.
            response = setup.http().connectTimeout(setup.requestTimeout()).readTimeout(setup.requestTimeout()).build()
                    .execute(dev.langchain4j.http.client.HttpRequest.builder().method(HttpMethod.GET)
                            .url(setup.baseUrl().replaceAll("/+$", "") + "/models")
                            .addHeader("Authorization", "Bearer " + setup.apiKey())
                            .addHeader("Accept", "application/json").build());
        } catch (HttpException e) {
            String body = String.valueOf(e.getMessage()).replace(setup.apiKey(), "[redacted]");
            throw new HttpException(e.statusCode(), "listing models at " + setup.baseUrl() + " failed with HTTP "
                    + e.statusCode() + ": " + (body.length() > 400 ? body.substring(0, 400) + "…" : body));
        }
        List<ModelInfo> models = new ArrayList<>();
        for (JsonNode entry : JSON.readTree(response.body()).path("data")) {
            String id = entry.path("id").asText("");
            if (!id.isBlank()) {
                // OpenRouter and Groq report the context; other limits come from the host's bundled catalog.
                models.add(new ModelInfo(setup.credential().provider(), id, entry.path("context_length").asInt(0), 0));
            }
        }
        models.sort(Comparator.comparing(ModelInfo::name));
        return models;
    }

    String baseUrl(LlmCredential credential) {
        return credential.baseUrl().or(() -> Optional.ofNullable(DEFAULT_BASES.get(credential.provider())))
                .orElseThrow(() -> new IllegalStateException("No server is known for provider \"" + credential.provider()
                        + "\": set " + credential.provider().toUpperCase(Locale.ROOT) + "_API_BASE to its "
                        + "OpenAI-compatible URL (for example http://localhost:8000/v1)."));
    }
}
