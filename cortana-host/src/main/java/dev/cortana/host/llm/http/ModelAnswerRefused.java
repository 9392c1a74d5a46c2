package dev.cortana.host.llm.http;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * A model's HTTP answer that was cut off while it arrived because it passed the host's bounds
 * ({@link BoundedBody#MAX_BYTES}, or the call's time limit): nothing of it is parsed or kept. The message is written
 * for the user. An {@link IOException} so it travels through the JDK client and LangChain4j as a failed read; the
 * failover loop finds it in the cause chain.
 */
public final class ModelAnswerRefused extends IOException {

    private final boolean tooLarge;

    private ModelAnswerRefused(String message, boolean tooLarge) {
        super(message);
        this.tooLarge = tooLarge;
    }

    /** Whether the body passed the size cap (else it passed the time limit). */
    public boolean tooLarge() {
        return tooLarge;
    }

    static ModelAnswerRefused tooLarge(long maxBytes) {
        return new ModelAnswerRefused("The model's answer was larger than " + maxBytes / (1024 * 1024)
                + " MB, so it was dropped; nothing was kept. Ask again, perhaps for a shorter answer.", true);
    }

    static ModelAnswerRefused tooSlow(Duration limit) {
        return new ModelAnswerRefused("The model's answer took longer than " + limit.toSeconds()
                + " s (LLM_REQUEST_TIMEOUT) to arrive, so it was dropped; nothing was kept. Ask again.", false);
    }

    /** The refusal somewhere in {@code error}'s causes, if the failure was one. */
    public static Optional<ModelAnswerRefused> in(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ModelAnswerRefused refused) {
                return Optional.of(refused);
            }
        }
        return Optional.empty();
    }
}
