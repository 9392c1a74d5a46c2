package dev.cortana.plugins.anthropic;

import dev.cortana.api.CortanaContext;
import dev.cortana.api.PluginSettings;
import dev.cortana.api.llm.LlmProvider;
import dev.cortana.api.llm.ModelClient;
import dev.cortana.api.llm.ModelSetup;
import dev.cortana.api.llm.ModelInfo;
import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.anthropic.AnthropicModelCatalog;
import dev.langchain4j.model.catalog.ModelDescription;
import dev.langchain4j.model.anthropic.AnthropicStreamingChatModel;
import java.util.ArrayList;
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


    private final int maxTokens;

    /** What the host calls: reads {@code ANTHROPIC_MAX_TOKENS}; base URL and timeout come in each {@link ModelSetup}. */
    public AnthropicProvider(CortanaContext context) {
        this(context.settings());
    }

    AnthropicProvider(PluginSettings settings) {
        this.maxTokens = settings.getInt("ANTHROPIC_MAX_TOKENS", DEFAULT_MAX_TOKENS, 1, Integer.MAX_VALUE);
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
                    .maxTokens(answerLimit(setup)).timeout(setup.requestTimeout()).build());
        }
        return ModelClient.of(AnthropicChatModel.builder().httpClientBuilder(setup.http())
                .baseUrl(setup.baseUrl()).apiKey(setup.apiKey()).version(API_VERSION).modelName(setup.modelName())
                .maxTokens(answerLimit(setup)).timeout(setup.requestTimeout()).maxRetries(0).build());
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
