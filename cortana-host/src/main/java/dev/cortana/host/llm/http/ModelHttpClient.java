package dev.cortana.host.llm.http;

import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.jdk.JdkHttpClient;
import java.net.http.HttpClient;

/**
 * The LangChain4j HTTP client builder the host hands to providers
 * ({@link dev.cortana.api.llm.ModelSetup#http()}): the JDK client,
 * wrapped so the headers of a failed response reach {@link FailedResponseHeaders}, sending compact JSON
 * ({@link CompactJsonBodies}: LangChain4j indents its requests).
 */
public final class ModelHttpClient {

    private ModelHttpClient() {
    }

    /**
     * A builder for calls to the server at {@code baseUrl} (as the host resolved it: a provider's default too). Cleartext URLs (a local vLLM, Ollama, llama.cpp) get
     * HTTP/1.1: the JDK client otherwise tries an h2c upgrade, which several such servers answer by dropping the body.
     */
    public static HttpClientBuilder builder(String baseUrl) {
        HttpClient.Builder jdk = HttpClient.newBuilder();
        if (baseUrl.regionMatches(true, 0, "http://", 0, 7)) {
            jdk.version(HttpClient.Version.HTTP_1_1);
        }
        return CompactJsonBodies.wrap(JdkHttpClient.builder().httpClientBuilder(new HeaderReadingJdkClient.Builder(jdk)));
    }

    /**
     * A JDK client built from {@code jdk} whose every response body is bounded as model answers are ({@link BoundedBody}:
     * 8 MiB, and the request's timeout); plugins' HTTP goes through one ({@link dev.cortana.host.services.HostHttpClient}).
     */
    public static HttpClient bounded(HttpClient.Builder jdk) {
        return new HeaderReadingJdkClient(jdk.build());
    }

    /** The size cap of {@link #bounded} clients, in bytes. */
    public static long maxBodyBytes() {
        return BoundedBody.MAX_BYTES;
    }
}
