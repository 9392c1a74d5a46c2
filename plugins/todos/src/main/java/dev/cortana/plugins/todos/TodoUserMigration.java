package dev.cortana.plugins.todos;

import dev.cortana.api.users.UserDataMigration;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Set;
import org.pf4j.Extension;

/**
 * Merges one user's todos into another's (the console's into the master's, when {@code MASTER_USER_ID} is first
 * set). Numbers are unique per user and never reused, so the moved todos are renumbered after the highest number the
 * receiving user ever had; a user with no todos of their own keeps the numbers as they were. The counter becomes the
 * sum, so no number either side handed out is given again.
 */
@Extension
public final class TodoUserMigration implements UserDataMigration {

    @Override
    public Set<String> tables() {
        return Set.of("todos", "todo_counters");
    }

    @Override
    public void moveUser(Connection connection, String fromUserId, String toUserId) throws SQLException {
        int base = highWaterMark(connection, toUserId);
        int moving = highWaterMark(connection, fromUserId);
        try (PreparedStatement statement = connection.prepareStatement(
                "UPDATE todos SET user_id = ?, number = number + ? WHERE user_id = ?")) {
            statement.setString(1, toUserId);
            statement.setInt(2, base);
            statement.setString(3, fromUserId);
            statement.executeUpdate();
        }
        if (moving > 0) {
            try (PreparedStatement statement = connection.prepareStatement("""
                    INSERT INTO todo_counters (user_id, last_number) VALUES (?, ?)
                    ON CONFLICT (user_id) DO UPDATE SET last_number = GREATEST(todo_counters.last_number, EXCLUDED.last_number)""")) {
                statement.setString(1, toUserId);
                statement.setInt(2, base + moving);
                statement.executeUpdate();
            }
        }
        try (PreparedStatement statement = connection.prepareStatement("DELETE FROM todo_counters WHERE user_id = ?")) {
            statement.setString(1, fromUserId);
            statement.executeUpdate();
        }
    }

    /** The highest number {@code userId} ever had: the counter, or the highest todo if the counter is behind. */
    private static int highWaterMark(Connection connection, String userId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("""
                SELECT GREATEST(COALESCE((SELECT last_number FROM todo_counters WHERE user_id = ?), 0),
                                COALESCE((SELECT MAX(number) FROM todos WHERE user_id = ?), 0))""")) {
            statement.setString(1, userId);
            statement.setString(2, userId);
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getInt(1);
            }
        }
    }
}
