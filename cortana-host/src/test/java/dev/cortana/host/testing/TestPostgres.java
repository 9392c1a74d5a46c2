package dev.cortana.host.testing;

import dev.cortana.host.storage.EmbeddedPostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL for tests: one embedded server per test JVM, and a fresh database in it for whoever asks.
 *
 * <p>Why one server: starting PostgreSQL ({@code initdb} included) takes a second or two, creating a database
 * a few tens of milliseconds. So the server starts lazily, on the first {@link #newDatabase()}, in a temporary
 * directory with durability off (fast), and is stopped and deleted by a shutdown hook when the JVM exits. Tests get
 * isolation from separate databases, not separate servers, and may run in parallel.
 *
 * <p>The server is set up like Cortana's own embedded one (password authentication on 127.0.0.1 only). Test
 * databases belong to the non-superuser role {@value #USER}, as on Supabase, whose password {@link #PASSWORD}
 * deliberately contains characters that must be percent-encoded in a URL, so code taking
 * {@link TestDatabase#postgresUrl()} exercises the decoding.
 *
 * <p>Usually used through {@link PostgresExtension}; directly:
 * <pre>{@code
 * try (TestDatabase db = TestPostgres.newDatabase()) {
 *     new TodoStore(db.dataSource()) ...
 * }
 * }</pre>
 */
public final class TestPostgres {

    /** The role test databases belong to: may log in, is not a superuser. */
    public static final String USER = "cortana";

    /** {@link #USER}'s password; it holds {@code @ : / ? # % + &} and a space on purpose. */
    public static final String PASSWORD = "T3st p@ss:w/rd?#%+&";

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedPostgresServer server;

    private TestPostgres() {
    }

    /**
     * Creates a new, empty database with Cortana's schema.sql applied (as a Supabase user would) ({@code user_settings}, {@code todos}, ...), owned
     * by {@link #USER}. Close the result (or let {@link PostgresExtension} do it) to drop it.
     */
    public static TestDatabase newDatabase() {
        TestDatabase database = newEmptyDatabase();
        try {
            SchemaSql.apply(database.dataSource());
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
        return database;
    }

    /**
     * Creates a new database <em>without</em> Cortana's schema, owned by {@link #USER}: for testing schema
     * application itself. Close the result to drop it.
     */
    public static TestDatabase newEmptyDatabase() {
        EmbeddedPostgresServer server = server();
        String name = "cortana_test_" + DATABASES.incrementAndGet();
        try (Connection admin = superuserConnection(); Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + name + " OWNER " + USER);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create test database " + name, e);
        }
        return new TestDatabase(name, server.host(), server.port(), USER, PASSWORD);
    }

    /** The shared server, started on first use. */
    public static synchronized EmbeddedPostgresServer server() {
        if (server == null) {
            EmbeddedPostgresServer started = EmbeddedPostgresServer.startThrowaway();
            try (Connection admin = connect(started, "postgres"); Statement statement = admin.createStatement()) {
                statement.execute("CREATE ROLE " + USER + " LOGIN PASSWORD '" + PASSWORD.replace("'", "''") + "'");
            } catch (SQLException e) {
                started.close();
                throw new IllegalStateException("Cannot set up the test PostgreSQL", e);
            }
            server = started; // it stops itself (and deletes its data) at JVM exit
        }
        return server;
    }

    /** A new connection to the server's {@code postgres} database as the superuser; close it. */
    public static Connection superuserConnection() throws SQLException {
        return connect(server(), "postgres");
    }

    static void dropDatabase(String name) {
        try (Connection admin = superuserConnection(); Statement statement = admin.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot drop test database " + name, e);
        }
    }

    private static Connection connect(EmbeddedPostgresServer server, String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", EmbeddedPostgresServer.SUPERUSER);
        properties.setProperty("password", server.password());
        return DriverManager.getConnection(server.jdbcUrl(database), properties);
    }
}
