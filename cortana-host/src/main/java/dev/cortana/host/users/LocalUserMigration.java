package dev.cortana.host.users;

import dev.cortana.api.users.UserDataMigration;
import dev.cortana.host.conversation.ConversationCache;
import dev.cortana.host.plugins.Contribution;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves everything saved under one user id to another: the console's local id ({@code "console"}) to
 * {@code MASTER_USER_ID} when that is set, so what was made on the console (todos, settings, the conversation,
 * the user's skills) is the master's, on the console and on Discord alike.
 *
 * <p>What moves, and how a clash with what the master already has is merged (nothing of either side is lost):
 * <ul>
 *   <li>{@code user_settings}: each setting moves; where both have one, the one changed last wins.</li>
 *   <li>Tables claimed by a plugin's {@link UserDataMigration} (the todos plugin renumbers the console's todos after
 *       the master's): the plugin merges them.</li>
 *   <li>Every other table of Cortana's schema with a text {@code user_id} column (a third-party plugin's): its rows
 *       move as they are; if that clashes with a unique key, that table is left as it was, with a warning.</li>
 *   <li>The conversation cache: the two conversations are joined, the older first.</li>
 *   <li>{@code WORKSPACE_DIR/users/<id>/} (the user's skills): entries move unless the master has one of the same
 *       name, which then stays where it is, with a warning.</li>
 * </ul>
 * The database part is one transaction (each table or plugin under its own savepoint, so one failure undoes only
 * itself), serialised by an advisory lock against a second Cortana on the same database. Running it again finds
 * nothing left to move, so it runs at every start-up with {@code MASTER_USER_ID} set.
 */
public final class LocalUserMigration {

    private static final Logger log = LoggerFactory.getLogger(LocalUserMigration.class);
    /** The ASCII bytes of "CortUsr" read as a number: the move's advisory lock, distinct from the schema's. */
    static final long LOCK_KEY = 0x436f7274557372L;

    private final DataSource dataSource;
    private final Supplier<List<Contribution<UserDataMigration>>> pluginMigrations;
    private final ConversationCache conversations;
    private final Path usersDir;

    public LocalUserMigration(DataSource dataSource, Supplier<List<Contribution<UserDataMigration>>> pluginMigrations,
                              ConversationCache conversations, Path usersDir) {
        this.dataSource = dataSource;
        this.pluginMigrations = pluginMigrations;
        this.conversations = conversations;
        this.usersDir = usersDir;
    }

    /**
     * What one move did.
     *
     * @param rows         rows moved per table (only tables that had any)
     * @param left         tables whose rows could not be moved, and why
     * @param conversation whether a conversation moved
     * @param files        entries of the user's folder moved
     */
    public record Result(Map<String, Integer> rows, Map<String, String> left, boolean conversation, int files) {

        public boolean movedAnything() {
            return !rows.isEmpty() || conversation || files > 0;
        }
    }

    /** Moves everything of {@code fromUserId} to {@code toUserId}; never throws (a failure is logged, nothing lost). */
    public Result move(String fromUserId, String toUserId) {
        Map<String, Integer> rows = new LinkedHashMap<>();
        Map<String, String> left = new LinkedHashMap<>();
        try {
            moveRows(fromUserId, toUserId, rows, left);
        } catch (SQLException | RuntimeException e) {
            log.warn("Could not move the database rows of user {} to {} ({}); they stay under {} and the next start "
                    + "tries again", fromUserId, toUserId, e.getMessage(), fromUserId);
            rows.clear();
        }
        boolean conversation = false;
        try {
            conversation = conversations.moveUser(fromUserId, toUserId);
        } catch (RuntimeException e) {
            log.warn("Could not move the conversation of user {} to {}: {}", fromUserId, toUserId, e.toString());
        }
        int files = 0;
        try {
            files = mergeFolder(usersDir.resolve(fromUserId), usersDir.resolve(toUserId));
        } catch (IOException | RuntimeException e) {
            log.warn("Could not move the folder {} to {}: {}", usersDir.resolve(fromUserId), usersDir.resolve(toUserId),
                    e.toString());
        }
        Result result = new Result(Map.copyOf(rows), Map.copyOf(left), conversation, files);
        if (result.movedAnything()) {
            log.info("Moved the data of user {} to user {}: rows {}, conversation {}, {} entries of {}", fromUserId,
                    toUserId, rows, conversation ? "moved" : "none", files, usersDir.resolve(fromUserId));
        }
        return result;
    }

    private void moveRows(String from, String to, Map<String, Integer> rows, Map<String, String> left)
            throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")");
                }
                List<String> userTables = userTables(connection);
                Set<String> handled = new HashSet<>();
                handled.add("user_settings");
                count(connection, "user_settings", from, rows);
                moveSettings(connection, from, to);
                for (Contribution<UserDataMigration> migration : pluginMigrations.get()) {
                    movePluginTables(connection, migration, from, to, userTables, handled, rows, left);
                }
                for (String table : userTables) {
                    if (handled.add(table)) {
                        moveTable(connection, table, from, to, rows, left);
                    }
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        }
    }

    /** Settings of both: the one changed last wins; the rest simply move. */
    private static void moveSettings(Connection connection, String from, String to) throws SQLException {
        update(connection, """
                UPDATE user_settings mine SET value = theirs.value, updated_at = theirs.updated_at
                FROM user_settings theirs
                WHERE mine.user_id = ? AND theirs.user_id = ? AND theirs.key = mine.key
                  AND theirs.updated_at > mine.updated_at""", to, from);
        update(connection, """
                DELETE FROM user_settings theirs USING user_settings mine
                WHERE theirs.user_id = ? AND mine.user_id = ? AND mine.key = theirs.key""", from, to);
        update(connection, "UPDATE user_settings SET user_id = ? WHERE user_id = ?", to, from);
    }

    private static void movePluginTables(Connection connection, Contribution<UserDataMigration> migration, String from,
                                         String to, List<String> userTables, Set<String> handled,
                                         Map<String, Integer> rows, Map<String, String> left) throws SQLException {
        Set<String> tables = new HashSet<>();
        try {
            migration.extension().tables().forEach(table -> tables.add(table.toLowerCase(Locale.ROOT)));
        } catch (RuntimeException | LinkageError e) {
            log.warn("Plugin {} did not say which tables it moves ({}); its tables are moved as plain rows",
                    migration.pluginId(), e.toString());
            return;
        }
        handled.addAll(tables);
        Map<String, Integer> counted = new LinkedHashMap<>();
        for (String table : userTables) {
            if (tables.contains(table)) {
                count(connection, table, from, counted);
            }
        }
        Savepoint savepoint = connection.setSavepoint();
        try {
            migration.extension().moveUser(connection, from, to);
            connection.releaseSavepoint(savepoint);
            rows.putAll(counted);
        } catch (SQLException | RuntimeException | LinkageError e) {
            connection.rollback(savepoint);
            String reason = "plugin " + migration.pluginId() + " failed to move them: " + e;
            tables.forEach(table -> left.put(table, reason));
            log.warn("Rows of user {} in {} stay: {}", from, tables, reason);
        }
    }

    private static void moveTable(Connection connection, String table, String from, String to,
                                  Map<String, Integer> rows, Map<String, String> left) throws SQLException {
        Savepoint savepoint = connection.setSavepoint();
        try {
            int moved = update(connection, "UPDATE " + quote(table) + " SET user_id = ? WHERE user_id = ?", to, from);
            connection.releaseSavepoint(savepoint);
            if (moved > 0) {
                rows.put(table, moved);
            }
        } catch (SQLException e) {
            connection.rollback(savepoint);
            String reason = e.getSQLState() != null && e.getSQLState().startsWith("23")
                    ? "user " + to + " already has rows that clash with them (" + e.getMessage().lines().findFirst()
                    .orElse("") + "); the plugin that owns the table can merge them with a UserDataMigration"
                    : e.getMessage().lines().findFirst().orElse(e.toString());
            left.put(table, reason);
            log.warn("Rows of user {} in table {} stay under {}: {}", from, table, from, reason);
        }
    }

    /** Tables of the current schema with a text {@code user_id} column. */
    private static List<String> userTables(Connection connection) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement("""
                SELECT c.table_name FROM information_schema.columns c
                JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
                WHERE c.table_schema = current_schema() AND c.column_name = 'user_id'
                  AND c.data_type IN ('text', 'character varying') AND t.table_type = 'BASE TABLE'
                ORDER BY c.table_name""");
             ResultSet result = statement.executeQuery()) {
            while (result.next()) {
                tables.add(result.getString(1));
            }
        }
        return tables;
    }

    private static void count(Connection connection, String table, String userId, Map<String, Integer> rows)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT count(*) FROM " + quote(table) + " WHERE user_id = ?")) {
            statement.setString(1, userId);
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                if (result.getInt(1) > 0) {
                    rows.put(table, result.getInt(1));
                }
            }
        }
    }

    private static int update(Connection connection, String sql, String first, String second) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, first);
            statement.setString(2, second);
            return statement.executeUpdate();
        }
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /**
     * Moves {@code from}'s entries into {@code to}: all at once when {@code to} does not exist, else entry by entry,
     * folders merged; an entry {@code to} already has stays in {@code from}. Returns the entries moved.
     */
    static int mergeFolder(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        if (!Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(to.getParent());
            Files.move(from, to);
            return 1;
        }
        int moved = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(from)) {
            for (Path entry : entries) {
                Path target = to.resolve(entry.getFileName().toString());
                if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                    Files.move(entry, target);
                    moved++;
                } else if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)
                        && Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                    moved += mergeFolder(entry, target);
                } else {
                    log.warn("{} stays where it is: {} already exists", entry, target);
                }
            }
        }
        try (DirectoryStream<Path> rest = Files.newDirectoryStream(from)) {
            if (!rest.iterator().hasNext()) {
                Files.delete(from);
            }
        }
        return moved;
    }
}
