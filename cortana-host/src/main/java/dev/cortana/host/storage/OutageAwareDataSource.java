package dev.cortana.host.storage;

import com.zaxxer.hikari.HikariDataSource;
import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * The pool as everything in Cortana gets it ({@link Database#dataSource()}): hands out the pool's connections and
 * keeps {@link DatabaseAvailability} up to date. While the database is known to be down, a request made within
 * {@link #FAIL_FAST} of the last failed attempt fails at once, so one message's several reads (its model setting, its
 * time zone, a tool) wait for the pool's short timeout once, not each; later requests try again. A connection request
 * that finds the embedded server restarting waits for it a little (at most 3 s after the attempt began), then fails.
 *
 * <p>A failure to connect, or a connection lost while in use, becomes a {@link SQLTransientConnectionException} whose
 * message a model and a user can read: {@code The database is unavailable right now (connection refused)}.
 */
final class OutageAwareDataSource implements DataSource {

    static final Duration FAIL_FAST = Duration.ofSeconds(2);

    private final HikariDataSource pool;
    private final DatabaseAvailability availability;
    private final EmbeddedPostgresSupervisor supervisor;

    /** @param supervisor the embedded server's, or null for {@code DATABASE_URL} */
    OutageAwareDataSource(HikariDataSource pool, DatabaseAvailability availability,
                          EmbeddedPostgresSupervisor supervisor) {
        this.pool = pool;
        this.availability = availability;
        this.supervisor = supervisor;
    }

    @Override
    public Connection getConnection() throws SQLException {
        if (supervisor != null) {
            supervisor.awaitRestart();
            if (supervisor.serverDown()) {
                throw unavailable("the embedded PostgreSQL is restarting", null); // no use waiting for the pool
            }
        }
        if (!availability.available()
                && System.nanoTime() - availability.lastFailureNanos() < FAIL_FAST.toNanos()) {
            throw unavailable(availability.lastCause(), null);
        }
        try {
            Connection connection = pool.getConnection();
            availability.reached();
            return watched(Connection.class, connection);
        } catch (SQLException e) {
            if (!isConnectionProblem(e)) {
                throw e;
            }
            String cause = cause(e);
            availability.failed(cause);
            throw unavailable(cause, e);
        }
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("Cortana's pool logs in with its own credentials");
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return pool.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        pool.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        pool.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return pool.getLoginTimeout();
    }

    @Override
    public java.util.logging.Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return pool.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        return type.isInstance(this) ? type.cast(this) : pool.unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return type.isInstance(this) || pool.isWrapperFor(type);
    }

    /**
     * {@code target} behind a proxy that notices a connection lost in use (the server went away while the pool's
     * connection sat idle): that failure marks the database unavailable and reads like a failure to connect. The
     * statements a connection creates are watched the same way.
     */
    private <T> T watched(Class<T> type, T target) {
        InvocationHandler handler = (proxy, method, args) -> {
            Object result;
            try {
                result = method.invoke(target, args);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                if (cause instanceof SQLException sql && isConnectionProblem(sql)) {
                    availability.failed("connection lost");
                    throw unavailable("connection lost", sql);
                }
                throw cause;
            }
            Class<?> returned = method.getReturnType();
            if (result != null && returned.isInterface() && Statement.class.isAssignableFrom(returned)) {
                return watchedStatement(returned, result);
            }
            return result;
        };
        return type.cast(Proxy.newProxyInstance(OutageAwareDataSource.class.getClassLoader(), new Class<?>[] {type},
                handler));
    }

    @SuppressWarnings("unchecked")
    private <T> Object watchedStatement(Class<T> type, Object statement) {
        return watched(type, (T) statement);
    }

    private static SQLTransientConnectionException unavailable(String cause, SQLException e) {
        return new SQLTransientConnectionException("The database is unavailable right now (" + cause + "); try again "
                + "in a moment", "08001", e);
    }

    /** The pool's timeout (SQLTransientConnectionException) or a connection-class SQL state: the server is away. */
    static boolean isConnectionProblem(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTransientConnectionException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
                return true;
            }
        }
        return false;
    }

    /** The failure as a user would name it; never the URL's password (drivers do not put it in messages). */
    private String cause(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException) {
                return "connection refused";
            }
            if (t instanceof UnknownHostException) {
                return "unknown host";
            }
            if (t instanceof SocketTimeoutException) {
                return "no answer";
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("57P")) {
                return "the server is starting or stopping";
            }
        }
        return "no connection within " + TimeUnit.MILLISECONDS.toSeconds(pool.getConnectionTimeout()) + " s";
    }
}
