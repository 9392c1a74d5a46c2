package dev.cortana.host.services;

import dev.cortana.api.HostHttp;
import dev.cortana.host.config.Durations;
import dev.cortana.host.llm.SecretRedactor;
import dev.cortana.host.llm.http.ModelAnswerRefused;
import dev.cortana.host.llm.http.ModelHttpClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@link HostHttp} every plugin gets: one JDK client for the whole host (connections are pooled across plugins),
 * bodies bounded as model answers are ({@link ModelHttpClient#bounded}), and failures re-thrown with secret-free
 * messages and no cause (a cause's message could still hold the key).
 */
public final class HostHttpClient implements HostHttp {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** Query parameters whose values are secrets by name ({@code ?key=...}, {@code &api_key=...}, {@code token=}). */
    private static final Pattern SECRET_QUERY = Pattern.compile(
            "(?i)([?&](?:[a-z_\\-]*key|[a-z_\\-]*token|secret|password|sig|signature)=)[^&#\\s]+");

    private final String userAgent;
    private final HttpClient client;
    private final SecretRedactor redactor;

    /** @param hostVersion Cortana's version, for {@code User-Agent: Cortana/<version>} */
    public HostHttpClient(String hostVersion, SecretRedactor redactor) {
        this.userAgent = "Cortana/" + Objects.requireNonNull(hostVersion, "hostVersion");
        this.redactor = Objects.requireNonNull(redactor, "redactor");
        this.client = ModelHttpClient.bounded(HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NORMAL));
    }

    @Override
    public HttpRequest.Builder request(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(DEFAULT_TIMEOUT).header("User-Agent", userAgent);
    }

    @Override
    public HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        HttpRequest prepared = prepared(request);
        try {
            return client.send(prepared, handler);
        } catch (IOException e) {
            throw new IOException(describe(prepared, e));
        } catch (IllegalArgumentException e) {
            throw new IOException(safe(prepared.method() + " " + prepared.uri() + " is not a valid request: "
                    + e.getMessage()));
        }
    }

    /** Adds what the request lacks: the host's timeout and User-Agent; HTTP/1.1 to cleartext servers (no h2c). */
    private HttpRequest prepared(HttpRequest request) {
        boolean needsTimeout = request.timeout().isEmpty();
        boolean needsAgent = request.headers().firstValue("User-Agent").isEmpty();
        boolean cleartext = "http".equalsIgnoreCase(request.uri().getScheme()) && request.version().isEmpty();
        if (!needsTimeout && !needsAgent && !cleartext) {
            return request;
        }
        HttpRequest.Builder copy = HttpRequest.newBuilder(request, (name, value) -> true);
        if (needsTimeout) {
            copy.timeout(DEFAULT_TIMEOUT);
        }
        if (needsAgent) {
            copy.header("User-Agent", userAgent);
        }
        if (cleartext) {
            copy.version(HttpClient.Version.HTTP_1_1);
        }
        return copy.build();
    }

    private String describe(HttpRequest request, IOException e) {
        String target = request.method() + " " + request.uri();
        String what;
        Optional<ModelAnswerRefused> refused = ModelAnswerRefused.in(e); // the JDK client wraps the body's failure
        if (refused.isPresent() && refused.get().tooLarge()) {
            what = "the answer was larger than " + ModelHttpClient.maxBodyBytes() / (1024 * 1024)
                    + " MB, so it was dropped";
        } else if (refused.isPresent() || e instanceof HttpTimeoutException) {
            what = "no complete answer within " + Durations.describe(request.timeout().orElse(DEFAULT_TIMEOUT));
        } else if (e instanceof java.net.ConnectException) {
            what = "could not connect (" + (e.getMessage() == null ? "refused" : e.getMessage()) + ")";
        } else {
            what = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
        return safe(target + " failed: " + what);
    }

    /** The text without any known secret or secret-looking query value. */
    String safe(String text) {
        return redactor.redact(SECRET_QUERY.matcher(text).replaceAll("$1[redacted]"));
    }
}
