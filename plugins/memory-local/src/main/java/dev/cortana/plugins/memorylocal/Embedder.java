package dev.cortana.plugins.memorylocal;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sentence embeddings from all-MiniLM-L6-v2 (quantized, 384 dimensions), run in process by ONNX Runtime
 * ({@link BertEncoder}): no service, no key. The model's files come from {@link ModelFetch} and load in the background
 * once {@link #start()} is called (memory-local calls it when the host makes it the memory in use) or at the first
 * embedding asked for, whichever comes first: about a second when the files are at hand. Until it has loaded, or if it
 * cannot load on this machine, retrieval is lexical only. A memory-local that is not in use loads (and fetches) nothing.
 */
final class Embedder implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Embedder.class);

    private final CompletableFuture<BertEncoder> model;
    /** Where the model's files come from; null once the load started (or for {@link #none()}). */
    private Callable<ModelFiles> files;
    private volatile boolean closed;

    /** The thread loading the model (null: none); {@link #close()} waits for it, so no ONNX Runtime call outlives it. */
    private volatile Thread loader;

    private Embedder(CompletableFuture<BertEncoder> model, Callable<ModelFiles> files) {
        this.model = model;
        this.files = files;
    }

    /**
     * An embedder whose model is got from {@code files} (which may take long: a download) and opened on its own
     * thread once {@link #start()} is called or an embedding is first asked for.
     */
    static Embedder deferred(Callable<ModelFiles> files) {
        return new Embedder(new CompletableFuture<>(), files);
    }

    /** An embedder that starts loading its model now. */
    static Embedder loading(Callable<ModelFiles> files) {
        Embedder embedder = deferred(files);
        embedder.start();
        return embedder;
    }

    /** Starts loading the model in the background, unless it started already or the embedder is closed. */
    synchronized void start() {
        if (files == null || closed) {
            return;
        }
        Callable<ModelFiles> source = files;
        files = null;
        Thread thread = new Thread(() -> {
            try {
                BertEncoder encoder = BertEncoder.open(source.call());
                encoder.embed("Warm-up: the first message should not pay for ONNX Runtime's first run.");
                if (!model.complete(encoder)) {
                    encoder.close(); // closed while loading
                } else {
                    log.info("memory-local: embedding model loaded; semantic recall on");
                }
            } catch (java.util.concurrent.CancellationException | InterruptedException e) {
                model.completeExceptionally(e); // the plugin stopped while the model was being fetched
            } catch (Throwable e) {
                log.warn("The embedding model could not load; memory retrieval is lexical only: {}", e.toString());
                model.completeExceptionally(e);
            }
        }, "memory-local-embeddings");
        thread.setDaemon(true);
        loader = thread;
        thread.start();
    }

    /** No embeddings (lexical retrieval only). */
    static Embedder none() {
        return new Embedder(CompletableFuture.failedFuture(new IllegalStateException("embeddings off")), null);
    }

    /** Whether the model has loaded. */
    boolean ready() {
        return model.isDone() && !model.isCompletedExceptionally();
    }

    /** Whether the model will not load (or embeddings are off). */
    boolean failed() {
        return model.isCompletedExceptionally();
    }

    /** The unit-length embedding of {@code text}, waiting up to {@code wait} for the model to load; empty without it. */
    Optional<float[]> embed(String text, Duration wait) {
        if (closed) {
            return Optional.empty();
        }
        start(); // the first embedding asked for, before the host said this memory is in use
        BertEncoder loaded;
        try {
            loaded = model.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (Exception e) {
            return Optional.empty();
        }
        try {
            return Optional.of(normalized(loaded.embed(text)));
        } catch (IllegalStateException e) {
            if (closed) { // the plugin stopped during this call
                return Optional.empty();
            }
            throw e;
        }
    }

    static float[] normalized(float[] vector) {
        double sum = 0;
        for (float v : vector) {
            sum += v * v;
        }
        float norm = (float) Math.sqrt(sum);
        if (norm == 0) {
            return vector;
        }
        float[] unit = new float[vector.length];
        for (int i = 0; i < vector.length; i++) {
            unit[i] = vector[i] / norm;
        }
        return unit;
    }

    static float dot(float[] a, float[] b) {
        float sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true; // no load starts from now on
        }
        if (!model.cancel(true) && !model.isCompletedExceptionally()) {
            model.join().close();
        }
        // A model still loading finishes (and closes itself: its future is cancelled) before this returns: ONNX
        // Runtime's own shutdown hook releases its native environment at exit, and a session being created then
        // crashes the JVM. Bounded: a download in progress is cancelled by the plugin's scheduler stopping.
        Thread loading = loader;
        if (loading != null && loading != Thread.currentThread()) {
            try {
                loading.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
