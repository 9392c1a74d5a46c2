package dev.cortana.host.storage;

/**
 * Cortana cannot get a database to start with: {@code DATABASE_URL} is malformed or its server cannot be reached
 * or refuses the login, or the embedded PostgreSQL cannot be started.
 *
 * <p>It exists so that start-up can stop with <em>one</em> line a user can act on instead of a pool's stack trace:
 * the message always names what was tried (for {@code DATABASE_URL}, the target <em>without its password</em>),
 * why it failed, and what to do. It never contains a password, so it is safe to print and to log as it is; the
 * cause, kept for debugging, comes from the JDBC driver, which does not put passwords in its messages either.
 */
public final class DatabaseUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public DatabaseUnavailableException(String message) {
        super(oneLine(message));
    }

    public DatabaseUnavailableException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    /** Messages quote driver and server texts, which may span lines; the contract is one line. */
    static String oneLine(String message) {
        return message == null ? null : message.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }
}
