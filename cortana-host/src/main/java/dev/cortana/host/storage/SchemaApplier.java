package dev.cortana.host.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * Brings a database up to Cortana's schema, {@value #RESOURCE} (the repository's {@code schema.sql}), at every
 * start, so that neither a new embedded database nor a fresh Supabase project needs a setup step.
 *
 * <p>Why it is safe to run every time and from several processes at once: every statement in the file is
 * idempotent ({@code IF NOT EXISTS}), the whole file runs in one transaction (all or nothing), and that transaction
 * first takes a transaction-scoped advisory lock, so two Cortanas starting together against the same database run
 * it one after the other instead of racing on the catalog ({@code CREATE TABLE IF NOT EXISTS} is not safe against
 * a concurrent identical statement). A transaction-scoped lock also works through Supabase's transaction pooler.
 *
 * <p>The file is sent as one multi-statement execute: pgjdbc splits it into statements with its own SQL parser,
 * which understands {@code --} line comments, block comments and quoted text, so the file needs no particular
 * layout (no splitting on semicolons here).
 */
public final class SchemaApplier {

    /** The class path resource holding the schema. */
    public static final String RESOURCE = "/cortana/schema.sql";

    /** The advisory lock key: the ASCII bytes of "Cortana" read as a number. Any fixed value would do. */
    static final long LOCK_KEY = 0x436f7274616e61L;

    private static volatile String schema;

    private SchemaApplier() {
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
            throw new StorageException("Cannot apply Cortana's database schema: " + e.getMessage(), e);
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
            try (InputStream in = SchemaApplier.class.getResourceAsStream(RESOURCE)) {
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
