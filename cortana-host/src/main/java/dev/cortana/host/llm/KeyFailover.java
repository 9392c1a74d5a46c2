package dev.cortana.host.llm;

import dev.cortana.api.llm.LlmCredential;
import dev.cortana.api.llm.LlmFailure;
import dev.cortana.api.llm.LlmProvider;
import dev.cortana.host.llm.http.FailedResponseHeaders;
import dev.cortana.host.llm.http.ModelAnswerRefused;
import dev.cortana.host.llm.rotation.KeyPool;
import dev.cortana.host.llm.rotation.RotationSettings;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import dev.cortana.api.llm.PromptTokens;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingHandle;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.data.message.AiMessage;
import java.util.function.BooleanSupplier;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The failover loop behind {@link ModelRouter#chat}: picks a key, calls, reads the failure, rests the key, moves on,
 * and keeps the whole message inside {@code ROTATOR_GLOBAL_TIMEOUT}. Safe for concurrent messages: all shared state
 * lives in the {@link KeyPool}.
 */
final class KeyFailover implements AutoCloseable {

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private static final Logger log = LoggerFactory.getLogger(KeyFailover.class);
    private static final Duration TRANSIENT_BACKOFF = Duration.ofMillis(250);

    private final RotationSettings settings;
    private final Clock clock;
    private final SecretRedactor redactor;
    private final ExecutorService callers = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "model-call");
        thread.setDaemon(true);
        return thread;
    });

    KeyFailover(RotationSettings settings, Clock clock, SecretRedactor redactor) {
        this.settings = settings;
        this.clock = clock;
        this.redactor = redactor;
    }

    /**
     * One message on one provider: keys in the pool's order of choice, each tried once (transient errors up to
     * {@code ROTATOR_MAX_RETRIES} times), until one answers, a failure forbids rotating, or nothing is left.
     */
    ChatResponse chat(LlmProvider provider, String providerName, String model, KeyPool pool,
                      Attempt attempt, Instant deadline) {
        FailedResponseHeaders headers = new FailedResponseHeaders();
        try (FailedResponseHeaders.Binding ignored = headers.bind()) {
            return chat(provider, providerName, model, pool, attempt, deadline, headers);
        }
    }

    private ChatResponse chat(LlmProvider provider, String providerName, String model, KeyPool pool,
                              Attempt attempt, Instant deadline, FailedResponseHeaders headers) {
        Set<String> tried = new LinkedHashSet<>();
        Map<String, LlmFailure> failures = new LinkedHashMap<>();
        while (true) {
            Instant now = clock.instant();
            Optional<LlmCredential> picked = pool.select(model, tried, now);
            if (picked.isEmpty()) {
                if (tried.size() == pool.size()) {
                    LlmFailure last = failures.values().stream().reduce((a, b) -> b).orElse(null);
                    throw new LlmUnavailableException(FailoverMessages.allFailed(providerName, model,
                            failures), last, null);
                }
                Instant free = pool.nextFree(model, tried, now).orElse(deadline.plusSeconds(1));
                if (free.isAfter(deadline)) {
                    throw new LlmUnavailableException(FailoverMessages.allCooling(providerName, model,
                            pool.size(), free, clock.getZone()), new LlmFailure(LlmFailure.Kind.RATE_LIMIT,
                            Optional.of(Duration.between(now, free)), "all keys cooling down"), null);
                }
                sleepUntil(free);
                continue;
            }
            LlmCredential credential = picked.get();
            tried.add(credential.fingerprint());
            for (int round = 1; ; round++) {
                headers.clear();
                try {
                    ChatResponse response = attempt.run(credential, deadline);
                    TokenUsage usage = response.tokenUsage();
                    PromptTokens prompt = promptTokens(provider, usage);
                    pool.recordSuccess(credential, model, prompt.input(), prompt.cachedInput(), prompt.cacheWrite(),
                            tokens(usage == null ? null : usage.outputTokenCount()), clock.instant());
                    return response;
                } catch (DeadlineException e) {
                    LlmFailure timeout = new LlmFailure(LlmFailure.Kind.TRANSIENT, Optional.empty(), "timeout");
                    pool.recordFailure(credential, model, timeout, clock.instant());
                    throw new LlmUnavailableException(FailoverMessages.deadline(providerName, model,
                            settings.globalTimeout().toSeconds(), List.copyOf(tried)), timeout, null);
                } catch (StreamCutOff e) {
                    throwIfRefused(e, providerName, model, credential);
                    LlmFailure failure = LlmErrorClassifier.classify(provider, e.getCause());
                    pool.recordFailure(credential, model, failure, clock.instant());
                    log.warn("Streamed answer from {}/{} with key {} broke off ({}): {}", providerName, model,
                            credential.fingerprint(), failure.kind(), describe(e.getCause()));
                    throw new LlmUnavailableException("The answer from " + providerName + "/" + model + " broke off "
                            + "after it had begun (key " + credential.fingerprint() + ": " + failure.detail() + "). It "
                            + "was not retried on another key, so nothing is repeated; ask again to continue.",
                            failure, null);
                } catch (RuntimeException e) {
                    throwIfRefused(e, providerName, model, credential);
                    LlmFailure failure = withRetryAfterHeader(LlmErrorClassifier.classify(provider, e), headers);
                    String reason = describe(e);
                    log.warn("Model call to {}/{} with key {} failed (attempt {}, {}): {}", providerName,
                            model, credential.fingerprint(), round, failure.kind(), reason);
                    if (failure.kind() == LlmFailure.Kind.CONTEXT_LENGTH
                            || failure.kind() == LlmFailure.Kind.INVALID_REQUEST) {
                        pool.recordFailure(credential, model, failure, clock.instant());
                        throw new LlmUnavailableException("The model " + providerName + "/" + model
                                + " rejected the request (key " + credential.fingerprint() + "): " + reason, failure, null);
                    }
                    if (failure.kind() == LlmFailure.Kind.TRANSIENT && round < settings.maxRetries()
                            && backoff(round, deadline)) {
                        continue;
                    }
                    pool.recordFailure(credential, model, failure, clock.instant())
                            .ifPresent(until -> log.info("Key {} rests for {} until {}", credential.fingerprint(),
                                    model, until));
                    failures.put(credential.fingerprint(), failure);
                    break;
                }
            }
        }
    }

    /**
     * An answer the host's HTTP client cut off (too large, too slow) is not the key's fault and would be as bad from
     * the next key: no rest, no rotation, no fallback; the user is told at once.
     */
    private static void throwIfRefused(RuntimeException e, String providerName, String model, LlmCredential credential) {
        Optional<ModelAnswerRefused> refused = ModelAnswerRefused.in(e);
        if (refused.isPresent()) {
            log.warn("Answer from {}/{} with key {} dropped: {}", providerName, model, credential.fingerprint(),
                    refused.get().getMessage());
            throw new LlmUnavailableException(refused.get().getMessage(),
                    new LlmFailure(LlmFailure.Kind.INVALID_REQUEST, Optional.empty(), "answer dropped"), null);
        }
    }

    /** The server's {@code Retry-After} header, where it sent one, outranks any hint read from the body. */
    private LlmFailure withRetryAfterHeader(LlmFailure failure, FailedResponseHeaders headers) {
        if (failure.kind() != LlmFailure.Kind.RATE_LIMIT && failure.kind() != LlmFailure.Kind.QUOTA
                && failure.kind() != LlmFailure.Kind.TRANSIENT) {
            return failure;
        }
        return headers.retryAfter(clock.instant())
                .map(wait -> new LlmFailure(failure.kind(), Optional.of(wait), failure.detail()))
                .orElse(failure);
    }

    /** One try of one key: answers, or throws the provider's failure. */
    @FunctionalInterface
    interface Attempt {
        ChatResponse run(LlmCredential credential, Instant deadline);
    }

    /**
     * Streams one answer, passing text on as it arrives. A failure before any text is an ordinary failure (the next
     * key may answer); after text reached the user it is a {@link StreamCutOff}, never retried elsewhere, because a
     * second answer would repeat what the user already read. Once {@code stopped} says so (checked as text arrives
     * and every {@link #STOP_CHECK} while waiting), the stream is cancelled and the text so far comes back as the
     * answer, with finish reason {@code OTHER}.
     */
    ChatResponse stream(StreamingChatModel client, ChatRequest request, Consumer<String> onText, Instant deadline,
                        BooleanSupplier stopped) {
        long remaining = Duration.between(clock.instant(), deadline).toMillis();
        if (remaining <= 0) {
            throw new DeadlineException();
        }
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        AtomicBoolean textSent = new AtomicBoolean();
        StringBuilder shown = new StringBuilder();
        AtomicReference<StreamingHandle> handle = new AtomicReference<>();
        client.chat(request, new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
                handle.set(context.streamingHandle());
                String text = partial.text();
                synchronized (shown) {
                    if (done.isDone() || text == null || text.isEmpty()) {
                        return;
                    }
                    if (stopped.getAsBoolean()) {
                        context.streamingHandle().cancel();
                        done.complete(cut(shown));
                        return;
                    }
                    textSent.set(true);
                    shown.append(text);
                    onText.accept(text);
                }
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        try {
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(remaining);
            while (true) {
                try {
                    return done.get(Math.min(STOP_CHECK.toNanos(), Math.max(1, end - System.nanoTime())),
                            TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    if (stopped.getAsBoolean()) {
                        synchronized (shown) {
                            done.complete(cut(shown));
                        }
                        cancel(handle.get());
                        return done.get();
                    }
                    if (System.nanoTime() - end >= 0) {
                        throw e;
                    }
                }
            }
        } catch (TimeoutException e) {
            cancel(handle.get());
            done.cancel(true);
            if (textSent.get()) {
                throw new StreamCutOff(new java.net.http.HttpTimeoutException("stream stalled"));
            }
            throw new DeadlineException();
        } catch (InterruptedException e) {
            cancel(handle.get());
            Thread.currentThread().interrupt();
            throw new LlmUnavailableException("The model call was interrupted.");
        } catch (ExecutionException e) {
            RuntimeException cause = e.getCause() instanceof RuntimeException runtime ? runtime
                    : new IllegalStateException(e.getCause());
            throw textSent.get() ? new StreamCutOff(cause) : cause;
        }
    }

    /** How often a stream that is waiting for the model checks whether the user stopped it. */
    static final Duration STOP_CHECK = Duration.ofMillis(50);

    private static ChatResponse cut(CharSequence shown) {
        return ChatResponse.builder().aiMessage(AiMessage.from(shown.toString())).finishReason(FinishReason.OTHER)
                .build();
    }

    private static void cancel(StreamingHandle handle) {
        if (handle != null) {
            try {
                handle.cancel();
            } catch (RuntimeException e) {
                log.debug("Cancelling a stream failed: {}", e.toString());
            }
        }
    }

    /** Runs the call on a worker so the whole-request deadline holds even when a server never answers. */
    ChatResponse call(ChatModel client, ChatRequest request, Instant deadline) {
        long remaining = Duration.between(clock.instant(), deadline).toMillis();
        if (remaining <= 0) {
            throw new DeadlineException();
        }
        FailedResponseHeaders headers = FailedResponseHeaders.current();
        Future<ChatResponse> future = callers.submit(() -> {
            if (headers == null) {
                return client.chat(request);
            }
            try (FailedResponseHeaders.Binding ignored = headers.bind()) {
                return client.chat(request);
            }
        });
        try {
            return future.get(remaining, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new DeadlineException();
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new LlmUnavailableException("The model call was interrupted.");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** A short pause before retrying the same key after a transient error; false when the deadline forbids it. */
    private boolean backoff(int attempt, Instant deadline) {
        Instant wake = clock.instant().plus(TRANSIENT_BACKOFF.multipliedBy(attempt));
        if (wake.isAfter(deadline)) {
            return false;
        }
        sleepUntil(wake);
        return true;
    }

    private void sleepUntil(Instant wake) {
        long millis = Duration.between(clock.instant(), wake).toMillis();
        if (millis > 0) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LlmUnavailableException("The model call was interrupted.");
            }
        }
    }

    /** The provider's reading of the prompt tokens, cache figures included; the plain input count if it fails. */
    private static PromptTokens promptTokens(LlmProvider provider, TokenUsage usage) {
        try {
            return provider.promptTokens(usage);
        } catch (RuntimeException | LinkageError e) {
            log.debug("Provider {} could not read its token usage: {}", provider.id(), e.toString());
            return PromptTokens.uncached(tokens(usage == null ? null : usage.inputTokenCount()));
        }
    }

    private static long tokens(Integer count) {
        return count == null ? 0 : count;
    }

    /** {@code HTTP 500: The server had an error...}: the status, then the provider's own words (never a key). */
    private String describe(Throwable e) {
        HttpException http = null;
        for (Throwable t = e; t != null && http == null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof HttpException found) {
                http = found;
            }
        }
        String message = providerMessage(http != null ? http : e);
        if (message.length() > 300) {
            message = message.substring(0, 300) + "…";
        }
        String status = http != null ? "HTTP " + http.statusCode() + ": " : "";
        return redactor.redact(status + message);
    }

    /** The {@code error.message} of a JSON error body when there is one, else the exception's message. */
    private static String providerMessage(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
        if (message.startsWith("{")) {
            try {
                com.fasterxml.jackson.databind.JsonNode text = JSON.readTree(message).path("error").path("message");
                if (text.isTextual()) {
                    return text.asText();
                }
            } catch (Exception ignored) {
                // not JSON after all: show it as it is
            }
        }
        return message;
    }

    @Override
    public void close() {
        callers.shutdownNow();
    }

    /** A streamed answer failed after text had reached the user. */
    private static final class StreamCutOff extends RuntimeException {
        StreamCutOff(Throwable cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    /** Thrown inside a call when the whole-request deadline has passed. */
    private static final class DeadlineException extends RuntimeException {
        DeadlineException() {
            super(null, null, false, false);
        }
    }
}
