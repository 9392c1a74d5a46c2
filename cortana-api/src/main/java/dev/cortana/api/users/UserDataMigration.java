package dev.cortana.api.users;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;
import org.pf4j.ExtensionPoint;

/**
 * Merges a plugin's rows of one user id into another when the host finds that both ids are the same person: today,
 * the console's local id {@code "console"} into {@code MASTER_USER_ID} the first time that is set, so what was saved
 * on the console is the master's on Discord too.
 *
 * <p>Most plugins need nothing: at start-up the host itself moves the rows of every table in Cortana's database
 * schema that has a text {@code user_id} column ({@code UPDATE ... SET user_id = to WHERE user_id = from}). That
 * plain move fails where the other id already has rows that clash with a unique key — a per-user number, one
 * counter row per user — and the host then leaves that table's rows where they are, with a warning. A plugin whose
 * tables have such keys implements this extension to merge instead; the host leaves the tables it names to it.
 *
 * <pre>{@code
 * @Extension
 * public final class NoteUserMigration implements UserDataMigration {
 *     public Set<String> tables() { return Set.of("notes"); }
 *     public void moveUser(Connection tx, String from, String to) throws SQLException {
 *         try (PreparedStatement s = tx.prepareStatement(
 *                 "UPDATE notes SET user_id = ?, slot = slot + (SELECT COALESCE(MAX(slot), 0) FROM notes WHERE user_id = ?)"
 *                         + " WHERE user_id = ?")) {
 *             s.setString(1, to); s.setString(2, to); s.setString(3, from);
 *             s.executeUpdate();
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p>The call runs inside the host's one transaction for the whole move (do not commit, roll back or close the
 * connection); when it throws, the host undoes this extension's part only, logs it, and the rows stay under
 * {@code fromUserId} for the next start to try again. It must be idempotent and lose nothing of either user: after
 * a successful move, {@code fromUserId} has no rows left in {@link #tables()}.
 * @since 0.1.0
 */
public interface UserDataMigration extends ExtensionPoint {

    /** The tables (in Cortana's schema) whose rows {@link #moveUser} moves; the host does not touch them. */
    Set<String> tables();

    /** Moves every row of {@code fromUserId} in {@link #tables()} to {@code toUserId}, merging with what it has. */
    void moveUser(Connection connection, String fromUserId, String toUserId) throws SQLException;
}
