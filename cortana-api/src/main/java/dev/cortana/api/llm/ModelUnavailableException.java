package dev.cortana.api.llm;

/**
 * A model call through {@link ModelAccess} failed: no key or provider, every key resting, the provider refused the
 * request. The message is written for the user (what happened, what to do) and carries no secret.
 *
 * @since 0.1.0
 */
public final class ModelUnavailableException extends RuntimeException {

    public ModelUnavailableException(String message) {
        super(message);
    }
}
