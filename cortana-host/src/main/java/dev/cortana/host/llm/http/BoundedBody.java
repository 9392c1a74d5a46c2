package dev.cortana.host.llm.http;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Bounds the body of one model answer while it arrives, before anything parses it: at most {@link #MAX_BYTES}, and
 * complete within the call's time limit (the request's timeout, which providers set from {@code LLM_REQUEST_TIMEOUT}).
 * Past either bound the connection is cancelled and the body fails with {@link ModelAnswerRefused}, for a whole
 * answer ({@code send}) and for a stream alike: a hostile or broken server (15 MB in one token, an endless chunked
 * body) costs at most that much memory and time, and the HTTP client stays healthy for the next call.
 */
final class BoundedBody<T> implements HttpResponse.BodySubscriber<T> {

    /**
     * 8 MiB: far above any real answer (128k output tokens are about 0.5 MB of text, twice that as escaped JSON or
     * a stream of events), far below what hurts the heap.
     */
    static final long MAX_BYTES = 8L * 1024 * 1024;
    /** When a request carries no timeout of its own. */
    static final Duration DEFAULT_TIME_LIMIT = Duration.ofSeconds(120);

    /** Bodies still arriving, checked against their deadline once a second by one shared thread. */
    private static final Set<BoundedBody<?>> ARRIVING = ConcurrentHashMap.newKeySet();
    private static final long SWEEP_MILLIS = 1000;

    static {
        Thread sweeper = new Thread(BoundedBody::sweep, "model-answer-deadline");
        sweeper.setDaemon(true);
        sweeper.start();
    }

    private final HttpResponse.BodySubscriber<T> delegate;
    private final long maxBytes;
    private final Duration timeLimit;
    private final CompletableFuture<T> body = new CompletableFuture<>();
    private final AtomicBoolean refused = new AtomicBoolean();
    private volatile Flow.Subscription subscription;
    private volatile long deadlineNanos;
    private long received;

    BoundedBody(HttpResponse.BodySubscriber<T> delegate, long maxBytes, Duration timeLimit) {
        this.delegate = delegate;
        this.maxBytes = maxBytes;
        this.timeLimit = timeLimit;
        delegate.getBody().whenComplete((value, error) -> {
            if (error != null) {
                body.completeExceptionally(error);
            } else {
                body.complete(value);
            }
        });
    }

    /** Wraps every body {@code handler} makes. */
    static <T> HttpResponse.BodyHandler<T> handler(HttpResponse.BodyHandler<T> handler, long maxBytes,
                                                   Duration timeLimit) {
        return info -> new BoundedBody<>(handler.apply(info), maxBytes, timeLimit);
    }

    @Override
    public CompletionStage<T> getBody() {
        return body;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        // No timer per answer (each would wake a thread twice): one sweeper checks every arriving body.
        deadlineNanos = System.nanoTime() + timeLimit.toNanos();
        ARRIVING.add(this);
        delegate.onSubscribe(subscription);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        if (refused.get()) {
            return;
        }
        for (ByteBuffer item : items) {
            received += item.remaining();
        }
        if (received > maxBytes) {
            refuse(ModelAnswerRefused.tooLarge(maxBytes));
            return;
        }
        delegate.onNext(items);
    }

    @Override
    public void onError(Throwable throwable) {
        stopTimer();
        if (!refused.get()) {
            delegate.onError(throwable);
        }
    }

    @Override
    public void onComplete() {
        stopTimer();
        if (!refused.get()) {
            delegate.onComplete();
        }
    }

    private void refuse(ModelAnswerRefused reason) {
        if (!refused.compareAndSet(false, true)) {
            return;
        }
        stopTimer();
        Flow.Subscription current = subscription;
        if (current != null) {
            current.cancel();
        }
        // The caller of send() sees the failed body; a stream's reader sees its InputStream fail.
        body.completeExceptionally(reason);
        delegate.onError(reason);
    }

    private void stopTimer() {
        ARRIVING.remove(this);
    }

    private static void sweep() {
        while (true) {
            try {
                Thread.sleep(SWEEP_MILLIS);
                long now = System.nanoTime();
                for (BoundedBody<?> body : ARRIVING) {
                    if (now - body.deadlineNanos > 0) {
                        body.refuse(ModelAnswerRefused.tooSlow(body.timeLimit));
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // one body's failure must not stop the checks of the others
            }
        }
    }
}
