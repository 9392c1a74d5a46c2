package dev.cortana.testkit;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cortana.host.storage.Migrations;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;

/**
 * One database of {@link TestDatabases}' server: a pooled {@link DataSource}, the plugin's migrations on request, and
 * two small SQL helpers for assertions. {@link #close()} drops it.
 *
 * <pre>{@code
 * try (TestDatabase db = TestDatabases.fresh().migrated("todos")) {
 *     new TodoRepository(db.dataSource()).add("alice", "buy milk");
 *     assertThat(db.rows("SELECT title FROM todos")).containsExactly("buy milk");
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
public final class TestDatabase implements AutoCloseable {

    private final String name;
    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private final AtomicBoolean closed = new AtomicBoolean();
    private HikariDataSource pool;

    TestDatabase(String name, String host, int port, String user, String password) {
        this.name = name;
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password;
    }

    /**
     * Applies what the host applies at start-up for this plugin: Cortana's own tables ({@code scheduled_tasks},
     * {@code user_settings}, ...), then the plugin's migrations {@code cortana/migrations/<pluginId>/V*.sql} found on
     * the test class path, each owner with its Flyway history table, exactly as the host runs them.
     *
     * <pre>{@code
     * TestDatabase db = TestDatabases.fresh().migrated("todos");
     * }</pre>
     *
     * @return this database
     * @throws RuntimeException with the failing migration and the database's error as its message
     * @since 0.1.0
     */
    public TestDatabase migrated(String pluginId) {
        return migrated(pluginId, Thread.currentThread().getContextClassLoader());
    }

    /**
     * Like {@link #migrated(String)}, with the migrations looked up by {@code loader} (the host uses the plugin's own
     * class loader).
     *
     * @since 0.1.0
     */
    public TestDatabase migrated(String pluginId, ClassLoader loader) {
        withHostTables();
        Migrations.apply(dataSource(), pluginId, loader);
        return this;
    }

    /**
     * Applies Cortana's own migrations only (what durable jobs and messages need).
     *
     * @return this database
     * @since 0.1.0
     */
    public TestDatabase withHostTables() {
        Migrations.applyHost(dataSource());
        return this;
    }

    /**
     * A small pool (at most 5 connections) on this database, the same on every call.
     *
     * @since 0.1.0
     */
    public synchronized DataSource dataSource() {
        if (closed.get()) {
            throw new IllegalStateException("The test database " + name + " is closed");
        }
        if (pool == null) {
            HikariConfig config = new HikariConfig();
            config.setPoolName("kit-" + name);
            config.setJdbcUrl(jdbcUrl());
            config.setUsername(user);
            config.setPassword(password);
            config.setMaximumPoolSize(5);
            config.setMinimumIdle(0);
            config.setInitializationFailTimeout(-1);
            pool = new HikariDataSource(config);
        }
        return pool;
    }

    /**
     * Runs SQL statements (several may be separated by {@code ;}).
     *
     * <pre>{@code
     * db.execute("INSERT INTO todos (user_id, number, title) VALUES ('alice', 41, 'imported')");
     * }</pre>
     *
     * @since 0.1.0
     */
    public void execute(String sql) {
        try (Connection connection = dataSource().getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed: " + e.getMessage(), e);
        }
    }

    /**
     * The first column of every row of {@code query}, as text ({@code null} stays {@code null}).
     *
     * <pre>{@code
     * assertThat(db.rows("SELECT version FROM flyway_history_todos")).containsExactly("1");
     * }</pre>
     *
     * @since 0.1.0
     */
    public List<String> rows(String query) {
        try (Connection connection = dataSource().getConnection(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(query)) {
            List<String> rows = new ArrayList<>();
            while (result.next()) {
                rows.add(result.getString(1));
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException("Query failed: " + e.getMessage(), e);
        }
    }

    /**
     * The database's name, unique in the test JVM.
     *
     * @since 0.1.0
     */
    public String name() {
        return name;
    }

    /**
     * {@code jdbc:postgresql://127.0.0.1:PORT/NAME}, without credentials.
     *
     * @since 0.1.0
     */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + name;
    }

    /**
     * {@code postgresql://USER:PASSWORD@127.0.0.1:PORT/NAME}: the form of Cortana's {@code DATABASE_URL}.
     *
     * @since 0.1.0
     */
    public String postgresUrl() {
        return "postgresql://" + encode(user) + ":" + encode(password) + "@" + host + ":" + port + "/" + name;
    }

    /**
     * Closes the pool and drops the database. Idempotent.
     *
     * @since 0.1.0
     */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        synchronized (this) {
            if (pool != null) {
                pool.close();
            }
        }
        TestDatabases.drop(name);
    }

    @Override
    public String toString() {
        return "test database " + name + " on " + host + ":" + port;
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
