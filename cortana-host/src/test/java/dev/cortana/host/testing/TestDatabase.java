package dev.cortana.host.testing;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;

/**
 * One fresh database in {@link TestPostgres}'s server, with Cortana's schema, and the ways to reach it: a pooled
 * {@link DataSource} for code under test, and URLs for code that connects by itself (such as
 * {@code Database.open}).
 *
 * <p>{@link #close()} closes the pool and drops the database; {@link PostgresExtension} does that after the test
 * class.
 */
public final class TestDatabase implements AutoCloseable {

    private final String name;
    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private final AtomicBoolean closed = new AtomicBoolean();
    private HikariDataSource dataSource;

    TestDatabase(String name, String host, int port, String user, String password) {
        this.name = name;
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password;
    }

    /** The database's name, unique within the test JVM. */
    public String name() {
        return name;
    }

    /**
     * A small connection pool (HikariCP, at most 5 connections) on this database, logged in as {@link #user()};
     * created on first use and the same on every call.
     */
    public synchronized DataSource dataSource() {
        if (closed.get()) {
            throw new IllegalStateException("Test database " + name + " is closed");
        }
        if (dataSource == null) {
            HikariConfig config = new HikariConfig();
            config.setPoolName("test-" + name);
            config.setJdbcUrl(jdbcUrl());
            config.setUsername(user);
            config.setPassword(password);
            config.setMaximumPoolSize(5);
            config.setMinimumIdle(0);
            config.setInitializationFailTimeout(-1);
            dataSource = new HikariDataSource(config);
        }
        return dataSource;
    }

    /** {@code jdbc:postgresql://127.0.0.1:PORT/NAME}, without credentials: give {@link #user()} and {@link #password()}. */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + name;
    }

    /**
     * {@code postgresql://USER:PASSWORD@127.0.0.1:PORT/NAME} with user and password percent-encoded: the form users
     * put in {@code DATABASE_URL}.
     */
    public String postgresUrl() {
        return "postgresql://" + encode(user) + ":" + encode(password) + "@" + host + ":" + port + "/" + name;
    }

    /** The role to log in as ({@link TestPostgres#USER}, not a superuser). */
    public String user() {
        return user;
    }

    /** The role's password. */
    public String password() {
        return password;
    }

    /** {@code 127.0.0.1}. */
    public String host() {
        return host;
    }

    /** The server's port. */
    public int port() {
        return port;
    }

    /** Closes the pool and drops the database (ending other connections to it). Idempotent. */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        synchronized (this) {
            if (dataSource != null) {
                dataSource.close();
            }
        }
        TestPostgres.dropDatabase(name);
    }

    @Override
    public String toString() {
        return "test database " + name + " on " + host + ":" + port;
    }

    private static String encode(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (Character.isLetterOrDigit(c) && c < 128 || c == '-' || c == '.' || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append(String.format("%%%02X", c));
            }
        }
        return out.toString();
    }
}
