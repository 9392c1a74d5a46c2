package dev.cortana.host.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Per-user settings that must outlive a restart (the active model, the time zone, ...), as text keyed by user and
 * setting name in table {@code user_settings}.
 *
 * <p>Why strings and no typed accessors: the settings belong to different parts of Cortana (commands, plugins), each
 * of which knows its own keys and formats; the store only keeps them. Each call is one statement in auto-commit
 * mode, so it is thread-safe and needs no transaction handling by callers. Failures are reported as unchecked
 * {@link StorageException}s.
 */
public final class UserSettingsStore {

    private final DataSource dataSource;

    public UserSettingsStore(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** The value of {@code key} for {@code userId}, or empty if it was never set (or was removed). */
    public Optional<String> get(String userId, String key) {
        requireIds(userId, key);
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT value FROM user_settings WHERE user_id = ? AND key = ?")) {
            statement.setString(1, userId);
            statement.setString(2, key);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw failure("read setting " + key, e);
        }
    }

    /** Sets {@code key} to {@code value} for {@code userId}, replacing any earlier value. */
    public void put(String userId, String key, String value) {
        requireIds(userId, key);
        Objects.requireNonNull(value, "value");
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("""
                     INSERT INTO user_settings (user_id, key, value) VALUES (?, ?, ?)
                     ON CONFLICT (user_id, key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()""")) {
            statement.setString(1, userId);
            statement.setString(2, key);
            statement.setString(3, value);
            statement.executeUpdate();
        } catch (SQLException e) {
            throw failure("save setting " + key, e);
        }
    }

    /** Forgets {@code key} for {@code userId}; nothing happens if it was not set. */
    public void remove(String userId, String key) {
        requireIds(userId, key);
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "DELETE FROM user_settings WHERE user_id = ? AND key = ?")) {
            statement.setString(1, userId);
            statement.setString(2, key);
            statement.executeUpdate();
        } catch (SQLException e) {
            throw failure("remove setting " + key, e);
        }
    }

    /** All of {@code userId}'s settings, ordered by key; an unmodifiable snapshot. */
    public Map<String, String> all(String userId) {
        Objects.requireNonNull(userId, "userId");
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT key, value FROM user_settings WHERE user_id = ? ORDER BY key")) {
            statement.setString(1, userId);
            Map<String, String> settings = new LinkedHashMap<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    settings.put(rows.getString(1), rows.getString(2));
                }
            }
            return Collections.unmodifiableMap(settings);
        } catch (SQLException e) {
            throw failure("read the settings", e);
        }
    }

    private static void requireIds(String userId, String key) {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(key, "key");
    }

    private static StorageException failure(String action, SQLException e) {
        return new StorageException("Cannot " + action + ": " + e.getMessage(), e);
    }
}
