package dev.cortana.plugins.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cortana.api.llm.LlmCredential;
import dev.cortana.api.llm.LlmProvider;
import dev.cortana.api.llm.ModelClient;
import dev.cortana.api.llm.ModelSetup;
import dev.cortana.api.llm.ModelInfo;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
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
    /** Listing models is a small GET made while a user waits on {@code /settings}: fail fast. */
    static final Duration LIST_MODELS_TIMEOUT = Duration.ofSeconds(10);

    /** Bare names OpenAI serves: gpt-4o, chatgpt-4o-latest, o1, o3-mini, o4-mini, fine-tunes (ft:gpt-4o-mini:…). */
    private static final Pattern OWNED_MODEL = Pattern.compile("(gpt-|chatgpt-|ft:).*|o\\d+(-.*)?");
    /** Families in OpenAI's /models listing that the chat-completions endpoint does not serve. */
    private static final Pattern NOT_CHAT = Pattern.compile(
            "(text-embedding-|whisper-|tts-|dall-e-|omni-moderation-|text-moderation-|gpt-image-|davinci-|babbage-)"
                    + ".*|.*-(transcribe|tts|realtime)(-.*)?");

    private static final ObjectMapper JSON = new ObjectMapper();

    /** For PF4J: the host hands every client what it needs in a {@link ModelSetup}. */
    public OpenAiProvider() {
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
     * {@code GET {base}/models}; OpenAI reports no limits, so the host adds its bundled catalog's. Embedding,
     * speech, image and moderation models are left out: they cannot answer a chat. A refused listing throws
     * {@link HttpException} with the status, so the host can read it as it reads a failed chat call.
     */
    @Override
    public List<ModelInfo> listModels(LlmCredential credential) throws Exception {
        String baseUrl = baseUrl(credential);
        HttpClient client = jdkClient(baseUrl).connectTimeout(LIST_MODELS_TIMEOUT).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(stripTrailingSlashes(baseUrl) + "/models"))
                .timeout(LIST_MODELS_TIMEOUT)
                .header("Authorization", "Bearer " + credential.apiKey())
                .header("Accept", "application/json")
                .GET()
                .build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new HttpException(response.statusCode(), redact("listing models at " + baseUrl
                    + " failed with HTTP " + response.statusCode() + ": " + response.body(), credential.apiKey()));
        }
        List<ModelInfo> models = new ArrayList<>();
        for (JsonNode entry : JSON.readTree(response.body()).path("data")) {
            String id = entry.path("id").asText("");
            if (!id.isBlank() && !NOT_CHAT.matcher(id.toLowerCase(Locale.ROOT)).matches()) {
                models.add(new ModelInfo(ID, id, 0, 0)); // limits: the host's bundled catalog
            }
        }
        models.sort(Comparator.comparing(ModelInfo::name));
        return models;
    }

    private static String baseUrl(LlmCredential credential) {
        return credential.baseUrl().orElse(DEFAULT_BASE_URL);
    }

    /**
     * Cleartext URLs (a local vLLM, Ollama, LM Studio or proxy) get HTTP/1.1: the JDK client otherwise tries an
     * h2c upgrade on them, which several such servers answer by dropping the body or never answering. Over TLS,
     * HTTP/2 is negotiated safely.
     */
    private static HttpClient.Builder jdkClient(String baseUrl) {
        HttpClient.Builder builder = HttpClient.newBuilder();
        if (baseUrl.regionMatches(true, 0, "http://", 0, 7)) {
            builder.version(HttpClient.Version.HTTP_1_1);
        }
        return builder;
    }

    private static String stripTrailingSlashes(String url) {
        String result = url;
        while (result.endsWith("/")) {
            result = result.substring(0, result.length() - 1);
        }
        return result;
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
