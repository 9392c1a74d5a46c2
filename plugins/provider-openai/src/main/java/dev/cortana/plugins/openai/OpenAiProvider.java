package dev.cortana.plugins.openai;

import dev.cortana.api.llm.LlmProvider;
import dev.cortana.api.llm.ModelClient;
import dev.cortana.api.llm.ModelSetup;
import dev.cortana.api.llm.ModelInfo;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.model.catalog.ModelDescription;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiTokenUsage;
import dev.langchain4j.model.output.TokenUsage;
import dev.cortana.api.llm.PromptTokens;
import dev.langchain4j.model.openai.OpenAiModelCatalog;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.pf4j.Extension;

/**
 * OpenAI, and any server speaking its chat-completions protocol (set {@code OPENAI_API_BASE}).
 *
 * <p>Clients are built with retries off because the host owns retrying and key rotation, from what the host resolved
 * ({@link ModelSetup}: base URL, {@code LLM_REQUEST_TIMEOUT}, its HTTP client builder). The builder is passed
 * explicitly: LangChain4j otherwise finds its HTTP client through {@link java.util.ServiceLoader}, which inside a
 * PF4J plugin class loader may find none, or the host's copy through the wrong loader.
 */
@Extension
public final class OpenAiProvider implements LlmProvider {

    public static final String ID = "openai";
    public static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";

    /** Bare names OpenAI serves: gpt-4o, chatgpt-4o-latest, o1, o3-mini, o4-mini, fine-tunes (ft:gpt-4o-mini:…). */
    private static final Pattern OWNED_MODEL = Pattern.compile("(gpt-|chatgpt-|ft:).*|o\\d+(-.*)?");
    /** Families in OpenAI's /models listing that the chat-completions endpoint does not serve. */
    private static final Pattern NOT_CHAT = Pattern.compile(
            "(text-embedding-|whisper-|tts-|dall-e-|omni-moderation-|text-moderation-|gpt-image-|davinci-|babbage-)"
                    + ".*|.*-(transcribe|tts|realtime)(-.*)?");


    /** For PF4J: the host hands every client what it needs in a {@link ModelSetup}. */
    public OpenAiProvider() {
        CompactRequests.apply();
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public boolean ownsModel(String bareModelName) {
        return bareModelName != null && OWNED_MODEL.matcher(bareModelName.toLowerCase(Locale.ROOT)).matches();
    }

    @Override
    public Optional<String> defaultBaseUrl(String providerName) {
        return Optional.of(DEFAULT_BASE_URL);
    }

    /**
     * Sends through the host's HTTP builder, which reads a failed call's {@code Retry-After} header. {@code timeout()}
     * sets the read and the connect timeout: OpenAiChatModel overrides any timeout set on the HTTP client builder with
     * its own defaults (60 s read) unless timeout() is given.
     */
    /** OpenAI's {@code prompt_tokens} include the cached ones; {@code prompt_tokens_details.cached_tokens} says how many. */
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

    /**
     * {@code GET {base}/models} through LangChain4j's {@link OpenAiModelCatalog} and the host's HTTP builder; OpenAI
     * reports no limits, so the host adds its bundled catalog's. Embedding, speech, image and moderation models are
     * left out: they cannot answer a chat. A refused listing throws {@link HttpException} with the status, so the host
     * can read it as it reads a failed chat call.
     */
    @Override
    public List<ModelInfo> listModels(ModelSetup setup) {
        List<ModelDescription> listed;
        try {
            listed = OpenAiModelCatalog.builder().httpClientBuilder(setup.http()).baseUrl(setup.baseUrl())
                    .apiKey(setup.apiKey()).connectTimeout(setup.requestTimeout()).readTimeout(setup.requestTimeout())
                    .build().listModels();
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (t instanceof HttpException http) {
                    throw new HttpException(http.statusCode(), redact("listing models at " + setup.baseUrl()
                            + " failed with HTTP " + http.statusCode() + ": " + http.getMessage(), setup.apiKey()));
                }
            }
            throw e;
        }
        List<ModelInfo> models = new ArrayList<>();
        for (ModelDescription model : listed) {
            String id = model.name();
            if (id != null && !id.isBlank() && !NOT_CHAT.matcher(id.toLowerCase(Locale.ROOT)).matches()) {
                models.add(new ModelInfo(ID, id, 0, 0));
            }
        }
        models.sort(Comparator.comparing(ModelInfo::name));
        return models;
    }

    /** An error body may echo the key (OpenAI masks it; a proxy might not): never let it reach a message. */
    static String redact(String message, String apiKey) {
        String text = message;
        if (!apiKey.isEmpty()) {
            text = text.replace(apiKey, "[redacted]");
        }
        return text.length() > 600 ? text.substring(0, 600) + "…" : text;
    }
}
