package dev.cortana.testkit.wire;

import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.jdk.JdkHttpClient;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stands in for the HTTP client builder the host hands a provider in {@code ModelSetup#http()}: LangChain4j's JDK
 * client speaking HTTP/1.1 to the loopback fake, noting every request it sends. A test reads {@link #sent()} to see
 * that the provider sent through the builder it was given, which is the provider's half of the {@code Retry-After}
 * contract: the host's builder reads a failed call's headers (cortana-host's {@code RetryAfterHeaderTest}).
 *
 * <pre>{@code
 * RecordingHttpClientBuilder http = new RecordingHttpClientBuilder();
 * ModelClient client = provider.model(new ModelSetup(..., http, ...));
 * ...
 * assertThat(http.sent()).containsExactly("POST " + fake.baseUrl() + "/chat/completions");
 * }</pre>
 *
 * @since 0.1.0
 */
public final class RecordingHttpClientBuilder implements HttpClientBuilder {

    private final HttpClientBuilder jdk = JdkHttpClient.builder()
            .httpClientBuilder(java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1));
    private final List<String> sent = new CopyOnWriteArrayList<>();

    /** {@code "POST http://127.0.0.1:…/v1/chat/completions"}, one per request sent through this builder's clients. */
    public List<String> sent() {
        return List.copyOf(sent);
    }

    @Override
    public Duration connectTimeout() {
        return jdk.connectTimeout();
    }

    @Override
    public HttpClientBuilder connectTimeout(Duration timeout) {
        jdk.connectTimeout(timeout);
        return this;
    }

    @Override
    public Duration readTimeout() {
        return jdk.readTimeout();
    }

    @Override
    public HttpClientBuilder readTimeout(Duration timeout) {
        jdk.readTimeout(timeout);
        return this;
    }

    @Override
    public HttpClient build() {
        HttpClient client = jdk.build();
        return new HttpClient() {
            @Override
            public SuccessfulHttpResponse execute(HttpRequest request) {
                sent.add(request.method() + " " + request.url());
                return client.execute(request);
            }

            @Override
            public void execute(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
                sent.add(request.method() + " " + request.url());
                client.execute(request, parser, listener);
            }
        };
    }
}
