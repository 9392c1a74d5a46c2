package dev.cortana.plugins.memorylocal;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A BERT sentence encoder (all-MiniLM-L6-v2) run by ONNX Runtime: {@link BertTokenizer} ids in, the model's last
 * hidden state mean-pooled over the attention mask out (not normalised; {@link Embedder} does that).
 *
 * <p>As LangChain4j's {@code OnnxBertBiEncoder}: one text, no padding, {@code token_type_ids} all 0 when the model
 * takes them. Text beyond the tokenizer's maximum (128 tokens for this model, about 90 words) is cut, which is also
 * what LangChain4j does with this model: its tokenizer truncates before its 510-token partitioning could apply.
 *
 * <p>One {@link OrtSession}, which ONNX Runtime lets several threads run at once; {@link #close()} waits for the runs
 * in progress and later calls fail.
 */
final class BertEncoder implements AutoCloseable {

    private final BertTokenizer tokenizer;
    private final OrtEnvironment environment;
    private final OrtSession session;
    private final boolean takesTokenTypes;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    private BertEncoder(BertTokenizer tokenizer, OrtEnvironment environment, OrtSession session) {
        this.tokenizer = tokenizer;
        this.environment = environment;
        this.session = session;
        this.takesTokenTypes = session.getInputNames().contains("token_type_ids");
    }

    /**
     * The encoder as memory-local runs it: one intra-op thread that does not spin. ONNX Runtime's default (a pool as
     * large as the machine's cores, spinning after each run) embeds a message 0.6 ms faster on 2 cores but burns ~17 ms
     * of CPU after it, just when the turn goes on; the first reply 2 s after ready came sooner without it (see
     * docs/benchmarks.md, issue 12, EmbeddingThreadsBenchmark).
     */
    static BertEncoder open(ModelFiles files) throws IOException, OrtException {
        return open(files, Threads.ONE_NO_SPINNING);
    }

    /** How ONNX Runtime runs one embedding: its default intra-op thread pool, or the calling thread alone. */
    enum Threads { DEFAULT, ONE_NO_SPINNING }

    static BertEncoder open(ModelFiles files, Threads threads) throws IOException, OrtException {
        // The tokenizer's vocabulary is read on a thread of its own while ONNX Runtime loads its native library and
        // the model: each takes 0.1-0.3 s at start-up, and the first message may be waiting for both.
        FutureTask<BertTokenizer> tokenizer = new FutureTask<>(() -> BertTokenizer.read(files.tokenizerJson()));
        Thread reading = new Thread(tokenizer, "memory-local-tokenizer");
        reading.setDaemon(true);
        reading.start();
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        OrtSession session;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            if (threads == Threads.ONE_NO_SPINNING) {
                options.setIntraOpNumThreads(1);
                options.addConfigEntry("session.intra_op.allow_spinning", "0");
            }
            session = environment.createSession(files.onnx().toString(), options);
        } catch (OrtException | RuntimeException e) {
            awaitQuietly(tokenizer);
            throw e;
        }
        try {
            return new BertEncoder(awaitTokenizer(tokenizer), environment, session);
        } catch (IOException | RuntimeException e) {
            session.close();
            throw e;
        }
    }

    private static BertTokenizer awaitTokenizer(FutureTask<BertTokenizer> tokenizer) throws IOException {
        try {
            return tokenizer.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading the tokenizer", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IOException("the tokenizer could not be read: " + e.getCause(), e.getCause());
        }
    }

    private static void awaitQuietly(FutureTask<BertTokenizer> tokenizer) {
        try {
            tokenizer.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            // the session's failure is the one reported
        }
    }

    /** The mean of the token vectors of {@code text}. */
    float[] embed(String text) {
        long[] ids = tokenizer.encode(text);
        long[] mask = new long[ids.length];
        Arrays.fill(mask, 1);
        long[] shape = {1, ids.length};
        lock.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("the encoder is closed");
            }
            try (OnnxTensor inputIds = OnnxTensor.createTensor(environment, LongBuffer.wrap(ids), shape);
                 OnnxTensor attentionMask = OnnxTensor.createTensor(environment, LongBuffer.wrap(mask), shape);
                 OnnxTensor tokenTypes = OnnxTensor.createTensor(environment, LongBuffer.wrap(new long[ids.length]), shape)) {
                Map<String, OnnxTensor> inputs = new HashMap<>();
                inputs.put("input_ids", inputIds);
                inputs.put("attention_mask", attentionMask);
                if (takesTokenTypes) {
                    inputs.put("token_type_ids", tokenTypes);
                }
                try (OrtSession.Result result = session.run(inputs)) {
                    OnnxTensor hidden = (OnnxTensor) result.get(0);
                    long[] dims = hidden.getInfo().getShape(); // [1, tokens, dimensions]
                    return meanPool(hidden.getFloatBuffer(), mask, (int) dims[2]);
                }
            } catch (OrtException e) {
                throw new IllegalStateException("the embedding model failed: " + e.getMessage(), e);
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    private static float[] meanPool(FloatBuffer hidden, long[] mask, int dimensions) {
        float[] sum = new float[dimensions];
        int counted = 0;
        for (int token = 0; token < mask.length; token++) {
            if (mask[token] == 0) {
                continue;
            }
            counted++;
            int offset = token * dimensions;
            for (int j = 0; j < dimensions; j++) {
                sum[j] += hidden.get(offset + j);
            }
        }
        for (int j = 0; j < dimensions; j++) {
            sum[j] /= counted;
        }
        return sum;
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                session.close();
            }
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        } finally {
            lock.writeLock().unlock();
        }
    }
}
