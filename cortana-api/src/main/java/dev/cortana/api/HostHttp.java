package dev.cortana.api;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * The host's HTTP client, configured once for every plugin: HTTP/1.1 to cleartext servers, a 10 s connect timeout, a
 * default request timeout of 30 s, {@code User-Agent: Cortana/<version>}, and response bodies capped at 8 MiB (the
 * same bound as model answers: past it the connection is dropped and the call fails, the heap never fills). Error
 * messages never carry a secret: the plugin's API keys, the host's keys and any {@code key=}/{@code token=} query value
 * are replaced by {@code [redacted]}, so an exception's message may go to a log or a tool result as it is.
 *
 * <pre>{@code
 * HostHttp http = context.http();
 * HttpRequest search = http.request(URI.create("https://api.exa.ai/search"))
 *         .header("x-api-key", key.value()).header("Content-Type", "application/json")
 *         .POST(HttpRequest.BodyPublishers.ofString("{\"query\":\"" + query + "\",\"numResults\":5}")).build();
 * HttpResponse<String> answer = http.send(search);
 * if (answer.statusCode() == 429) { key.rateLimited(HostHttp.retryAfter(answer)); }
 * }</pre>
 *
 * <p>Every status comes back as a response; only a failure to get one (no connection, timeout, a body over the cap)
 * throws. Thread-safe; share it.
 *
 * @since 0.1.0
 */
public interface HostHttp {

    /** A request builder with the host's User-Agent and default timeout set; override either if you need to. */
    HttpRequest.Builder request(URI uri);

    /**
     * Sends {@code request} and reads the body as text (UTF-8 unless the response says otherwise). A request without
     * a timeout or User-Agent gets the host's.
     *
     * @throws IOException when no complete response arrived; its message is secret-free and says what happened
     */
    HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException;

    /** Like {@link #send(HttpRequest)}, with your own body handler (bytes, a file); the size cap applies as well. */
    <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException;

    /**
     * The wait a {@code Retry-After} header asks for (seconds or an HTTP date), for
     * {@link ApiKeyPool.Key#rateLimited(java.time.Duration)}; null when the response has none.
     */
    static java.time.Duration retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").map(value -> {
            try {
                return java.time.Duration.ofSeconds(Math.max(0, Long.parseLong(value.strip())));
            } catch (NumberFormatException notSeconds) {
                try {
                    java.time.Instant at = java.time.ZonedDateTime.parse(value.strip(),
                            java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                    java.time.Duration wait = java.time.Duration.between(java.time.Instant.now(), at);
                    return wait.isNegative() ? java.time.Duration.ZERO : wait;
                } catch (java.time.format.DateTimeParseException notADate) {
                    return null;
                }
            }
        }).orElse(null);
    }
}
