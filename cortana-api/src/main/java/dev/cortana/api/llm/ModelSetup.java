package dev.cortana.api.llm;

import dev.langchain4j.http.client.HttpClientBuilder;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything the host resolved for one model client, so a provider only maps it onto its LangChain4j builder.
 *
 * @param credential     the key to send
 * @param modelName      the model, without the provider prefix ({@code gpt-4o})
 * @param baseUrl        where to send: {@code <PROVIDER>_API_BASE} when set, else the provider's
 *                       {@link LlmProvider#defaultBaseUrl(String) default}; the host refuses the model with a clear
 *                       message when neither exists
 * @param requestTimeout how long one call may take ({@code LLM_REQUEST_TIMEOUT}, 120 s by default; checked at start-up)
 * @param http           the host's HTTP client builder; pass it to {@code httpClientBuilder(...)}: it bounds answers
 *                       and reads a failed call's {@code Retry-After}, and talks HTTP/1.1 to cleartext servers
 * @param streaming      whether the host asks for a {@link ModelClient.Streaming} client
 * @param limits         what the host knows of the model (context window, most output tokens; 0 when unknown), from
 *                       {@code MODEL_LIMITS}, the live listing and its bundled catalog: a provider keeps no copy
 * @since 0.1.0
 */
public record ModelSetup(LlmCredential credential, String modelName, String baseUrl, Duration requestTimeout,
                         HttpClientBuilder http, boolean streaming, ModelInfo limits) {

    public ModelSetup {
        Objects.requireNonNull(credential, "credential");
        Objects.requireNonNull(modelName, "modelName");
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(limits, "limits");
    }

    /** The key itself, for the builder's {@code apiKey(...)}. */
    public String apiKey() {
        return credential.apiKey();
    }
}
