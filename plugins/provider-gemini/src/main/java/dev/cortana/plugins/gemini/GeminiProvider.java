package dev.cortana.plugins.gemini;

import dev.cortana.api.llm.LlmFailure;
import dev.cortana.api.llm.LlmProvider;
import dev.cortana.api.llm.ModelClient;
import dev.cortana.api.llm.ModelSetup;
import dev.cortana.api.llm.ModelInfo;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.catalog.ModelDescription;
import dev.langchain4j.model.catalog.ModelType;
import dev.langchain4j.model.googleai.GoogleAiGeminiChatModel;
import dev.langchain4j.model.googleai.GoogleAiGeminiTokenUsage;
import dev.langchain4j.model.output.TokenUsage;
import dev.cortana.api.llm.PromptTokens;
import dev.langchain4j.model.googleai.GoogleAiGeminiModelCatalog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pf4j.Extension;

/**
 * Google's Gemini models over the Gemini API ({@code GEMINI_API_KEY}, optionally {@code GEMINI_API_BASE}).
 *
 * <p>Known models and their limits come from the host's bundled catalog ({@code model-catalog.yml}), the one copy;
 * the live listing reports Gemini's own limits.
 *
 * <p>Gemini answers every exhausted quota with 429 {@code RESOURCE_EXHAUSTED}; the {@code quotaId} in the body tells
 * a per-minute limit (rest for the {@code retryDelay} it gives) from a daily quota (rest much longer), so this
 * provider refines the host's classification instead of letting each become a long quota cooldown.
 */
@Extension
public final class GeminiProvider implements LlmProvider {

    public static final String ID = "gemini";
    public static final String DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com/v1beta";
    private static final Pattern RETRY_DELAY = Pattern.compile("\"retryDelay\"\\s*:\\s*\"(\\d+(?:\\.\\d+)?)s\"");

    /** For PF4J: base URL and timeout come in each {@link ModelSetup}. */
    public GeminiProvider() {
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public boolean ownsModel(String bareModelName) {
        return bareModelName != null && bareModelName.startsWith("gemini-");
    }

    @Override
    public Optional<String> defaultBaseUrl(String providerName) {
        return Optional.of(DEFAULT_BASE_URL);
    }

    /**
     * Gemini's conversation alternates between {@code user} and {@code model} turns, and LangChain4j sends each
     * message as a turn of its own. The host sends the time (and what memory recalled) as its own user message right
     * before the user's words, so each run of user messages goes as ONE user turn holding their parts in order. The
     * result is the same for the same history, so the prefix the implicit cache serves stays the same.
     */
    @Override
    public ChatRequest prepare(ChatRequest request, String modelName) {
        List<ChatMessage> messages = request.messages();
        boolean run = false;
        for (int i = 1; i < messages.size() && !run; i++) {
            run = messages.get(i) instanceof UserMessage && messages.get(i - 1) instanceof UserMessage;
        }
        if (!run) {
            return request;
        }
        List<ChatMessage> turns = new ArrayList<>(messages.size());
        for (ChatMessage message : messages) {
            int last = turns.size() - 1;
            if (message instanceof UserMessage user && last >= 0 && turns.get(last) instanceof UserMessage previous) {
                List<Content> parts = new ArrayList<>(previous.contents());
                parts.addAll(user.contents());
                turns.set(last, previous.toBuilder().contents(parts).build());
            } else {
                turns.add(message);
            }
        }
        return request.toBuilder().messages(turns).build();
    }

    /** Whole answers only (no streaming client here); through the host's HTTP builder, which reads {@code Retry-After}. */
    /** Gemini's {@code promptTokenCount} includes the implicitly cached tokens, {@code cachedContentTokenCount}. */
    @Override
    public PromptTokens promptTokens(TokenUsage usage) {
        long input = usage == null || usage.inputTokenCount() == null ? 0 : usage.inputTokenCount();
        if (usage instanceof GoogleAiGeminiTokenUsage gemini && gemini.cachedContentTokenCount() != null) {
            return new PromptTokens(input, Math.min(input, gemini.cachedContentTokenCount()), 0);
        }
        return PromptTokens.uncached(input);
    }

    @Override
    public ModelClient model(ModelSetup setup) {
        if (setup.streaming()) {
            return ModelClient.noStreaming();
        }
        return ModelClient.of(GoogleAiGeminiChatModel.builder().httpClientBuilder(setup.http())
                .baseUrl(setup.baseUrl()).apiKey(setup.apiKey()).modelName(setup.modelName())
                .timeout(setup.requestTimeout()).maxRetries(0).build());
    }

    /**
     * {@code GET {base}/models} through LangChain4j's {@link GoogleAiGeminiModelCatalog} and the host's HTTP builder:
     * Gemini reports each model's input and output token limits itself (the input limit is the context window the
     * conversation may fill). Models that cannot chat are left out.
     */
    @Override
    public List<ModelInfo> listModels(ModelSetup setup) {
        List<ModelInfo> models = new ArrayList<>();
        for (ModelDescription model : GoogleAiGeminiModelCatalog.builder().httpClientBuilder(setup.http())
                .baseUrl(setup.baseUrl()).apiKey(setup.apiKey()).timeout(setup.requestTimeout()).build().listModels()) {
            String name = model.name() == null ? "" : model.name().replaceFirst("^models/", "");
            if (!name.isBlank() && (model.type() == null || model.type() == ModelType.CHAT)) {
                models.add(new ModelInfo(ID, name, model.maxInputTokens() == null ? 0 : model.maxInputTokens(),
                        model.maxOutputTokens() == null ? 0 : model.maxOutputTokens()));
            }
        }
        models.sort(Comparator.comparing(ModelInfo::name));
        return models;
    }

    @Override
    public Optional<LlmFailure> classify(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof HttpException http && http.statusCode() == 429) {
                String body = String.valueOf(http.getMessage());
                Optional<Duration> delay = retryDelay(body);
                if (body.contains("PerDay")) {
                    return Optional.of(new LlmFailure(LlmFailure.Kind.QUOTA, delay, "HTTP 429 daily quota exhausted"));
                }
                return Optional.of(new LlmFailure(LlmFailure.Kind.RATE_LIMIT, delay, "HTTP 429 rate limited"));
            }
        }
        return Optional.empty();
    }

    static Optional<Duration> retryDelay(String body) {
        Matcher matcher = RETRY_DELAY.matcher(body);
        return matcher.find()
                ? Optional.of(Duration.ofMillis((long) Math.ceil(Double.parseDouble(matcher.group(1)) * 1000)))
                : Optional.empty();
    }
}
