package dev.cortana.host.llm;

import dev.cortana.api.llm.LlmFailure;
import dev.cortana.api.llm.LlmProvider;
import dev.langchain4j.exception.HttpException;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a failed model call the way every provider reports it: the HTTP status, the error body's words, and a
 * "retry after" hint where the body gives one. A provider plugin may refine this ({@link LlmProvider#classify}).
 */
public final class LlmErrorClassifier {

    private static final Pattern RETRY_IN = Pattern.compile(
            "(?:try again in|retry after|retry in|retryDelay\"?:\\s*\"?)\\s*(\\d+(?:\\.\\d+)?)\\s*(ms|s|sec|seconds?)?",
            Pattern.CASE_INSENSITIVE);

    private LlmErrorClassifier() {
    }

    public static LlmFailure classify(LlmProvider provider, Throwable error) {
        if (provider != null) {
            try {
                Optional<LlmFailure> refined = provider.classify(error);
                if (refined.isPresent()) {
                    return refined.get();
                }
            } catch (RuntimeException ignored) {
                // A provider's classifier must not turn one failure into another.
            }
        }
        return classify(error);
    }

    public static LlmFailure classify(Throwable error) {
        HttpException http = find(error, HttpException.class);
        if (http != null) {
            return fromStatus(http.statusCode(), String.valueOf(http.getMessage()));
        }
        if (find(error, HttpTimeoutException.class) != null || find(error, TimeoutException.class) != null
                || find(error, dev.langchain4j.exception.TimeoutException.class) != null) {
            return new LlmFailure(LlmFailure.Kind.TRANSIENT, Optional.empty(), "timeout");
        }
        if (find(error, com.fasterxml.jackson.core.JsonProcessingException.class) != null) {
            return new LlmFailure(LlmFailure.Kind.TRANSIENT, Optional.empty(), "unreadable answer (not the provider's JSON)");
        }
        if (find(error, IOException.class) != null) {
            return new LlmFailure(LlmFailure.Kind.TRANSIENT, Optional.empty(), "connection failed: " + simpleName(error));
        }
        String message = String.valueOf(error.getMessage()).toLowerCase(Locale.ROOT);
        if (isContextLength(message)) {
            return new LlmFailure(LlmFailure.Kind.CONTEXT_LENGTH, Optional.empty(), "context length exceeded");
        }
        return new LlmFailure(LlmFailure.Kind.TRANSIENT, Optional.empty(), simpleName(error));
    }

    static LlmFailure fromStatus(int status, String body) {
        String lower = body.toLowerCase(Locale.ROOT);
        if (status == 429) {
            boolean quota = lower.contains("quota") || lower.contains("resource_exhausted") || lower.contains("insufficient_quota")
                    || lower.contains("billing");
            return new LlmFailure(quota ? LlmFailure.Kind.QUOTA : LlmFailure.Kind.RATE_LIMIT, retryAfter(body),
                    "HTTP 429 " + (quota ? "quota exceeded" : "rate limited"));
        }
        if (status == 401 || status == 403) {
            return new LlmFailure(LlmFailure.Kind.AUTH, Optional.empty(), "HTTP " + status + " key rejected");
        }
        if (status == 408 || status == 409 || status >= 500) {
            return new LlmFailure(LlmFailure.Kind.TRANSIENT, retryAfter(body), "HTTP " + status);
        }
        if (isContextLength(lower)) {
            return new LlmFailure(LlmFailure.Kind.CONTEXT_LENGTH, Optional.empty(), "HTTP " + status + " context length exceeded");
        }
        return new LlmFailure(LlmFailure.Kind.INVALID_REQUEST, Optional.empty(), "HTTP " + status + " request rejected");
    }

    private static boolean isContextLength(String lower) {
        return lower.contains("context_length_exceeded") || lower.contains("maximum context length")
                || lower.contains("context window") || lower.contains("prompt is too long")
                || lower.contains("too many tokens") || lower.contains("input token count");
    }

    /** "Please try again in 20s", "retryDelay": "17s", "retry after 1.5 seconds". */
    static Optional<Duration> retryAfter(String body) {
        Matcher matcher = RETRY_IN.matcher(body);
        if (!matcher.find()) {
            return Optional.empty();
        }
        double amount = Double.parseDouble(matcher.group(1));
        boolean millis = "ms".equalsIgnoreCase(matcher.group(2));
        return Optional.of(Duration.ofMillis((long) Math.ceil(millis ? amount : amount * 1000)));
    }

    private static <T extends Throwable> T find(Throwable error, Class<T> type) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static String simpleName(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName();
    }
}
