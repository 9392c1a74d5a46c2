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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * Per-user settings that must outlive a restart (the active model, the time zone, ...), as text keyed by user and
 * setting name in table {@code user_settings}.
 *
 * <p>Why strings and no typed accessors: the settings belong to different parts of Cortana (commands, plugins), each
 * of which knows its own keys and formats; the store only keeps them. Each call is one statement in auto-commit
 * mode, so it is thread-safe and needs no transaction handling by callers. Failures are reported as unchecked
 * {@link StorageException}s.
 *
 * <p>Settings read on every message (the model, the time zone) are read with {@link #remembered}: from memory for up
 * to {@link #REMEMBER_NANOS} after a read, so a turn costs no query for them. A write through this store
 * ({@link #put}, {@link #remove}) takes effect at once; whoever writes the table another way (the move of the console's
 * data to the master, {@code users.LocalUserMigration}) calls {@link #forgetRemembered}; a write by another process on
 * the same database is seen within that time.
 */
public final class UserSettingsStore {

    /** How long {@link #remembered} trusts a value it read: 10 s. */
    static final long REMEMBER_NANOS = 10_000_000_000L;

    private final DataSource dataSource;
    private final Map<String, Remembered> remembered = new ConcurrentHashMap<>();
    /** Counts the writes: a read that began before a write does not remember what it read. */
    private final AtomicLong writes = new AtomicLong();

    public UserSettingsStore(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * Like {@link #get}, but answered from memory when read less than {@link #REMEMBER_NANOS} ago, for settings read
     * on every message. Writes through this store are seen at once. Throws like {@link #get} when it has to read and
     * cannot (nothing failed is remembered).
     */
    public Optional<String> remembered(String userId, String key) {
        requireIds(userId, key);
        String id = userId + '\u0000' + key;
        Remembered known = remembered.get(id);
        long now = System.nanoTime();
        if (known != null && now - known.readAt < REMEMBER_NANOS) {
            return known.value;
        }
        long writesBefore = writes.get();
        Optional<String> value = get(userId, key);
        if (writes.get() == writesBefore) {
            remembered.put(id, new Remembered(value, now));
        }
        return value;
    }

    /** Forgets every remembered value: the next {@link #remembered} reads the table (call after writing it directly). */
    public void forgetRemembered() {
        writes.incrementAndGet();
        remembered.clear();
    }

    private void forget(String userId, String key) {
        writes.incrementAndGet();
        remembered.remove(userId + '\u0000' + key);
    }

    private record Remembered(Optional<String> value, long readAt) {
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
        } finally {
            forget(userId, key);
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
        } finally {
            forget(userId, key);
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
