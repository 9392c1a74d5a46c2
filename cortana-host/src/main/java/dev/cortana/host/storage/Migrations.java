package dev.cortana.host.storage;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.internal.exception.FlywayMigrateException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the SQL migrations of the host and of each plugin with Flyway, each owner with its own history table.
 *
 * <p>Where migrations live: class path folder {@code cortana/migrations/<owner>/}, files named the Flyway way
 * ({@code V1__create_todos.sql}, {@code V2__add_todo_tags.sql}, ...). The host's owner is {@value #HOST_OWNER} (so
 * no plugin may use that id for migrations); a plugin's owner is its plugin id, and its folder is looked up with the
 * plugin's own class loader, so a plugin ships nothing but {@code .sql} files (Flyway stays the host's). The history
 * table is {@code flyway_history_<owner>}, the owner in lower case with everything but letters, digits and
 * {@code _} turned into {@code _} ({@link #historyTable}).
 *
 * <p>Why it is safe from several processes at once: Flyway takes a PostgreSQL advisory lock (transaction-scoped, so
 * it works through Supabase's transaction pooler too) around reading and writing the history table, so two hosts
 * starting on one database apply each migration once, one after the other.
 *
 * <p>Most start-ups find every migration applied already: {@code MigrationsUpToDate} tells that from one query of the
 * history table, and Flyway then does not run at all. Whatever that check is unsure of goes to Flyway.
 *
 * <p>Databases made before migrations existed (by {@code schema.sql}: an existing install, a Supabase project where
 * someone pasted it) have the tables but no history table. For those the owner is <em>baselined</em>: the leading
 * migrations whose {@code CREATE TABLE}s all name tables that already exist count as applied (Flyway's baseline at
 * the last of them), and only the later ones run. A migration that creates no table ends that prefix, since whether
 * it ran cannot be told from the tables.
 */
public final class Migrations {

    /** The owner name of the host's own migrations, {@code cortana/migrations/cortana/}. */
    public static final String HOST_OWNER = "cortana";

    /** The class path folder holding every owner's migration folder. */
    public static final String ROOT = "cortana/migrations";

    private static final Logger log = LoggerFactory.getLogger(Migrations.class);
    private static final Pattern CREATE_TABLE = Pattern.compile(
            "\\bCREATE\\s+(?:UNLOGGED\\s+)?TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?((?:\"[^\"]+\"|\\w+)(?:\\.(?:\"[^\"]+\"|\\w+))?)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern LINE_COMMENT = Pattern.compile("--[^\\n]*");
    private static final Pattern BLOCK_COMMENT = Pattern.compile("/\\*.*?\\*/", Pattern.DOTALL);

    private Migrations() {
    }

    /** The class path folder of {@code owner}'s migrations, {@code cortana/migrations/<owner>}. */
    public static String location(String owner) {
        return ROOT + "/" + owner;
    }

    /** {@code flyway_history_<owner>}, sanitised: lower case, {@code [a-z0-9_]} only, at most 63 characters. */
    public static String historyTable(String owner) {
        String name = "flyway_history_" + owner.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        return name.length() > 63 ? name.substring(0, 63) : name;
    }

    /**
     * Brings the host's own tables up to date ({@code cortana/migrations/cortana/} of the host's class path).
     *
     * @throws MigrationException when a migration fails; its message is one line
     */
    public static void applyHost(DataSource dataSource) {
        apply(dataSource, HOST_OWNER, Migrations.class.getClassLoader());
    }

    /**
     * Whether the plugin whose own class loader is {@code loader} ships migrations (a folder
     * {@code cortana/migrations/<pluginId>/} of its own, not one the host or another plugin has).
     */
    public static boolean shipsMigrations(ClassLoader loader, String pluginId) {
        String folder = location(pluginId);
        if (loader instanceof URLClassLoader own) {
            return own.findResource(folder) != null || own.findResource(folder + "/") != null;
        }
        return loader.getResource(folder) != null;
    }

    /**
     * Brings {@code owner}'s tables up to date with the migrations in {@link #location(String)} as {@code loader}
     * finds them, baselining a database made by {@code schema.sql} first (see the class comment).
     *
     * @return how many migrations ran
     * @throws MigrationException when one fails (the database's error as one line) or the files are invalid
     */
    public static int apply(DataSource dataSource, String owner, ClassLoader loader) {
        if (MigrationsUpToDate.check(dataSource, owner, loader)) {
            return 0; // every shipped migration is recorded as shipped: nothing for Flyway to do (most start-ups)
        }
        String table = historyTable(owner);
        try {
            FluentConfiguration config = configure(dataSource, owner, loader);
            if (!tableExists(dataSource, table)) {
                // Flyway refuses a non-empty schema without a history table, and schema public always holds other
                // owners' tables: baseline on migrate, at the version the existing tables show (0: none, run all).
                String version = existingVersion(dataSource, owner, loader, config.load());
                config.baselineOnMigrate(true).baselineVersion(version)
                        .baselineDescription(version.equals("0") ? "<< Flyway Baseline >>" : "tables made by schema.sql");
                if (!version.equals("0")) {
                    log.info("Database: {}'s tables exist already (made by schema.sql); baselining at version {}",
                            owner, version);
                }
            }
            int applied;
            try {
                applied = config.load().migrate().migrationsExecuted;
            } catch (FlywayException e) {
                if (!config.isBaselineOnMigrate() || !tableExists(dataSource, table)) {
                    throw e;
                }
                // Another host created the history table meanwhile (its baseline or first migration won the race):
                // that history is the truth now.
                applied = configure(dataSource, owner, loader).load().migrate().migrationsExecuted;
            }
            if (applied > 0) {
                log.info("Database: applied {} migration(s) of {}", applied, owner);
            }
            return applied;
        } catch (FlywayException e) {
            throw new MigrationException(oneLine(e), e);
        } catch (SQLException e) {
            throw new MigrationException(firstLine(e.getMessage()), e);
        }
    }

    private static FluentConfiguration configure(DataSource dataSource, String owner, ClassLoader loader) {
        return Flyway.configure(loader)
                .dataSource(dataSource)
                .table(historyTable(owner))
                .locations("classpath:" + location(owner))
                .validateMigrationNaming(true)
                .loggers("slf4j");
    }

    /** The last leading migration whose tables all exist already, {@code "0"} when there is none. */
    private static String existingVersion(DataSource dataSource, String owner, ClassLoader loader, Flyway flyway)
            throws SQLException {
        MigrationInfo baseline = null;
        for (MigrationInfo migration : flyway.info().pending()) {
            if (!migration.isVersioned()) {
                break;
            }
            Set<String> tables = createdTables(loader, owner, migration.getScript());
            if (tables.isEmpty() || !allExist(dataSource, tables)) {
                break;
            }
            baseline = migration;
        }
        return baseline == null ? "0" : baseline.getVersion().getVersion();
    }

    /** The tables a migration script creates, as written (lower case unless quoted). */
    static Set<String> createdTables(ClassLoader loader, String owner, String script) {
        String path = script.startsWith(ROOT) ? script : location(owner) + "/" + script;
        String sql;
        try (InputStream in = loader.getResourceAsStream(path)) {
            if (in == null) {
                return Set.of();
            }
            sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return Set.of();
        }
        return createdTables(sql);
    }

    static Set<String> createdTables(String sql) {
        String code = LINE_COMMENT.matcher(BLOCK_COMMENT.matcher(sql).replaceAll(" ")).replaceAll(" ");
        Set<String> tables = new LinkedHashSet<>();
        Matcher matcher = CREATE_TABLE.matcher(code);
        while (matcher.find()) {
            tables.add(matcher.group(1));
        }
        return tables;
    }

    private static boolean allExist(DataSource dataSource, Set<String> tables) throws SQLException {
        for (String table : tables) {
            if (!tableExists(dataSource, table)) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code table} (SQL name syntax: unquoted folds to lower case) resolves on the search path. */
    private static boolean tableExists(DataSource dataSource, String table) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            statement.setString(1, table);
            try (ResultSet result = statement.executeQuery()) {
                return result.next() && result.getBoolean(1);
            }
        }
    }

    /**
     * A Flyway failure as one line for {@code /plugins} and logs: which migration and the database's own error
     * ({@code V2__add_tags.sql failed: ERROR: syntax error at or near "CREAT"}), or Flyway's first lines.
     */
    static String oneLine(FlywayException e) {
        SQLException sql = null;
        for (Throwable t = e; t != null && sql == null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException found) {
                sql = found;
            }
        }
        String script = e instanceof FlywayMigrateException migrate && migrate.getMigration() != null
                ? migrate.getMigration().getScript()
                : null;
        if (sql != null) {
            String error = firstLine(sql.getMessage());
            return script == null ? error : "migration " + script + " failed: " + error;
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        StringBuilder line = new StringBuilder();
        for (String part : message.split("\\R")) {
            String text = part.strip();
            if (text.isEmpty() || text.chars().allMatch(c -> c == '-')) {
                continue;
            }
            if (line.length() > 0) {
                line.append(line.charAt(line.length() - 1) == ':' ? " " : "; ");
            }
            line.append(text);
            if (line.length() > 300) {
                break;
            }
        }
        return line.length() > 300 ? line.substring(0, 297) + "..." : line.toString();
    }

    private static String firstLine(String message) {
        if (message == null || message.isBlank()) {
            return "unknown database error";
        }
        return message.strip().split("\\R", 2)[0].strip();
    }

    /** A migration that failed, or migrations that cannot be applied; the message is one line, for users. */
    public static final class MigrationException extends RuntimeException {
        MigrationException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
