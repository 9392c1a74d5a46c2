package dev.cortana.host.llm;

import dev.cortana.api.llm.LlmFailure;
import java.util.Optional;

/**
 * No model can answer: nothing configured, or the call failed. The message is written for the user and says what
 * to do; it never contains a key. {@link #failure()} says how the call failed, when it was a call.
 */
public final class LlmUnavailableException extends RuntimeException {

    private final transient LlmFailure failure;

    public LlmUnavailableException(String message) {
        this(message, null, null);
    }

    public LlmUnavailableException(String message, LlmFailure failure, Throwable cause) {
        super(message, cause);
        this.failure = failure;
    }

    public Optional<LlmFailure> failure() {
        return Optional.ofNullable(failure);
    }

    /** Whether the conversation was too long for the model (compact and retry, don't rotate). */
    public boolean isContextLength() {
        return failure != null && failure.kind() == LlmFailure.Kind.CONTEXT_LENGTH;
    }
}
