package dev.cortana.host.llm;

/**
 * No model can answer: nothing configured, or every key failed. The message is written for the user and says what
 * to do; it never contains a key.
 */
public final class LlmUnavailableException extends RuntimeException {

    public LlmUnavailableException(String message) {
        super(message);
    }

    public LlmUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
