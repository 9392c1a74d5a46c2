package dev.cortana.testkit;

import dev.cortana.host.storage.EmbeddedPostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL for plugin tests: one embedded server per test JVM (the same server Cortana embeds), and a new,
 * empty database in it for every {@link #fresh()} call.
 *
 * <pre>{@code
 * try (TestDatabase db = TestDatabases.fresh().migrated("todos")) {   // runs cortana/migrations/todos/V*.sql
 *     TodoRepository todos = new TodoRepository(db.dataSource());
 *     ...
 * }
 * }</pre>
 *
 * <p>The server starts on first use (a second or two), with durability off, in a temporary folder that is deleted
 * when the JVM exits; a database costs tens of milliseconds. Databases belong to a role that is not a superuser, as on
 * Supabase. Tests may run in parallel: each gets its own database.
 *
 * @since 0.1.0
 */
public final class TestDatabases {

    /** The role test databases belong to: may log in, is not a superuser. */
    static final String USER = "cortana_plugin";

    private static final String PASSWORD = "kit-" + UUID.randomUUID();
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static EmbeddedPostgresServer server;

    private TestDatabases() {
    }

    /**
     * A new empty database (no tables at all); close it to drop it.
     *
     * <pre>{@code
     * TestDatabase db = TestDatabases.fresh();
     * db.execute("CREATE TABLE notes (id serial PRIMARY KEY, text text)");
     * }</pre>
     *
     * @since 0.1.0
     */
    public static TestDatabase fresh() {
        EmbeddedPostgresServer running = server();
        String name = "plugin_test_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
        try (Connection admin = superuser(); Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + name + " OWNER " + USER);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create the test database " + name + ": " + e.getMessage(), e);
        }
        return new TestDatabase(name, running.host(), running.port(), USER, PASSWORD);
    }

    /** The JVM's server, started on first use; it stops and deletes its data when the JVM exits. */
    static synchronized EmbeddedPostgresServer server() {
        if (server == null) {
            EmbeddedPostgresServer started = EmbeddedPostgresServer.startThrowaway();
            try (Connection admin = connect(started); Statement statement = admin.createStatement()) {
                statement.execute("CREATE ROLE " + USER + " LOGIN PASSWORD '" + PASSWORD + "'");
            } catch (SQLException e) {
                started.close();
                throw new IllegalStateException("Cannot set up the test PostgreSQL: " + e.getMessage(), e);
            }
            server = started;
        }
        return server;
    }

    static void drop(String name) {
        try (Connection admin = superuser(); Statement statement = admin.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot drop the test database " + name + ": " + e.getMessage(), e);
        }
    }

    private static Connection superuser() throws SQLException {
        return connect(server());
    }

    private static Connection connect(EmbeddedPostgresServer target) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", EmbeddedPostgresServer.SUPERUSER);
        properties.setProperty("password", target.password());
        return DriverManager.getConnection(target.jdbcUrl("postgres"), properties);
    }
}
