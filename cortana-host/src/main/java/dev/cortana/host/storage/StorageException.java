package dev.cortana.host.storage;

/**
 * A database operation failed after start-up (the server went away, a statement was rejected).
 *
 * <p>Unchecked because callers such as commands and the agent loop cannot do anything specific about a
 * {@link java.sql.SQLException} but report it; the cause keeps the driver's exception and SQL state.
 */
public final class StorageException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
