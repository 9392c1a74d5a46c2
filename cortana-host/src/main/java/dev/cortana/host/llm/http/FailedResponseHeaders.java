package dev.cortana.host.llm.http;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The headers of the last failed HTTP response of one model call attempt. LangChain4j's {@code HttpException} keeps
 * the status and body but drops the headers, so a 429's {@code Retry-After} would be lost; the host's HTTP client
 * ({@link ModelHttpClient}) records them here instead.
 *
 * <p>One instance belongs to one message's failover loop, never shared between concurrent messages: the loop
 * {@link #bind() binds} it to the thread that starts the HTTP call (the call worker, or the streaming caller), and
 * the client picks it up when the request is sent, so an asynchronous answer lands in the right instance too.
 */
public final class FailedResponseHeaders {

    private static final ThreadLocal<FailedResponseHeaders> CURRENT = new ThreadLocal<>();

    private volatile Map<String, List<String>> headers = Map.of();

    /** The instance bound to this thread, or null when no failover loop is listening. */
    public static FailedResponseHeaders current() {
        return CURRENT.get();
    }

    /** Binds this instance to the current thread until the returned binding is closed. */
    public Binding bind() {
        FailedResponseHeaders previous = CURRENT.get();
        CURRENT.set(this);
        return () -> {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        };
    }

    /** Forgets the headers of an earlier attempt. */
    public void clear() {
        headers = Map.of();
    }

    void record(HttpResponse<?> response) {
        if (response.statusCode() >= 400) {
            headers = response.headers().map();
        }
    }

    /**
     * The wait the last failed response asked for: {@code Retry-After} in seconds ({@code 30}) or as an HTTP-date
     * ({@code Wed, 21 Oct 2015 07:28:00 GMT}, counted from {@code now}); empty when absent or unreadable.
     */
    public Optional<Duration> retryAfter(Instant now) {
        return headers.entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase("Retry-After") && !e.getValue().isEmpty())
                .findFirst()
                .flatMap(e -> parseRetryAfter(e.getValue().get(0), now));
    }

    static Optional<Duration> parseRetryAfter(String value, Instant now) {
        String text = value.strip();
        try {
            if (text.matches("\\d{1,9}")) {
                return Optional.of(Duration.ofSeconds(Long.parseLong(text)));
            }
            Instant at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return Optional.of(at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** Restores the thread's previous binding. */
    @FunctionalInterface
    public interface Binding extends AutoCloseable {
        @Override
        void close();
    }
}
