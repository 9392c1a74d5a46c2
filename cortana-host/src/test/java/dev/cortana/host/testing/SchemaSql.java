package dev.cortana.host.testing;

import dev.cortana.host.storage.StorageException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * Applies the repository's {@code schema.sql} (on the class path as {@value #RESOURCE}) the way a Supabase user does
 * in the SQL editor: for tests that need Cortana's complete schema, and for the tests that check it matches the
 * migrations. Cortana itself applies migrations ({@code dev.cortana.host.storage.Migrations}), not this file.
 *
 * <p>The whole file runs in one transaction under a transaction-scoped advisory lock, as one multi-statement execute
 * (pgjdbc splits it with its own SQL parser, so comments and quoted text need no particular layout).
 */
public final class SchemaSql {

    /** The class path resource holding the schema. */
    public static final String RESOURCE = "/cortana/schema.sql";

    /** The advisory lock key: the ASCII bytes of "Cortana" read as a number. Any fixed value would do. */
    static final long LOCK_KEY = 0x436f7274616e61L;

    private static volatile String schema;

    private SchemaSql() {
    }

    /**
     * Applies the schema over a connection of {@code dataSource}.
     *
     * @throws StorageException if the database rejects it (for instance, the user may not create tables)
     */
    public static void apply(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            apply(connection);
        } catch (SQLException e) {
            throw new StorageException("Cannot apply schema.sql: " + e.getMessage(), e);
        }
    }

    /**
     * Applies the schema over {@code connection} in one transaction, leaving the connection's auto-commit mode as
     * it found it.
     */
    public static void apply(Connection connection) throws SQLException {
        String sql = schemaSql();
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")");
            statement.execute(sql);
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            try {
                connection.rollback();
            } catch (SQLException rollbackFailure) {
                e.addSuppressed(rollbackFailure);
            }
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    /** The schema's SQL text. */
    public static String schemaSql() {
        String sql = schema;
        if (sql == null) {
            try (InputStream in = SchemaSql.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(RESOURCE + " is missing from the class path (the build copies "
                            + "schema.sql there)");
                }
                sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + RESOURCE, e);
            }
            schema = sql;
        }
        return sql;
    }
}
