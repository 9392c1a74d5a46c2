package dev.cortana.plugins.memoryzep;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The plugin's tables: what waits to go to Zep ({@code memory_zep_outbox}, in order, kept across restarts), the users
 * whose Zep user and thread exist ({@code memory_zep_users}), and forgotten facts ({@code memory_zep_forgotten}).
 */
final class ZepOutbox {

    /** One queued item: a thread message ({@code kind = message}) or text for the user's graph ({@code fact}). */
    record Item(long id, String userId, String kind, String role, String content, Instant createdAt) {
    }

    private final DataSource db;

    ZepOutbox(DataSource db) {
        this.db = db;
    }

    /** Queues items in one transaction; one whose digest is already queued or sent is skipped. Returns the ids. */
    List<Long> add(String userId, List<ZepTurns.Queued> items) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO memory_zep_outbox "
                    + "(user_id, kind, role, content, created_at, digest) VALUES (?, ?, ?, ?, ?, ?) "
                    + "ON CONFLICT (user_id, digest) DO NOTHING RETURNING id")) {
                for (ZepTurns.Queued item : items) {
                    insert.setString(1, userId);
                    insert.setString(2, item.kind());
                    insert.setString(3, item.role());
                    insert.setString(4, item.content());
                    insert.setTimestamp(5, item.createdAt() == null ? null : Timestamp.from(item.createdAt()));
                    insert.setString(6, item.digest());
                    try (ResultSet rs = insert.executeQuery()) {
                        if (rs.next()) {
                            ids.add(rs.getLong(1));
                        }
                    }
                }
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
        return ids;
    }

    /** The oldest unsent items, at most {@code limit}. */
    List<Item> pending(int limit) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement q = c.prepareStatement("SELECT id, user_id, kind, role,"
                + " content, created_at FROM memory_zep_outbox WHERE sent_at IS NULL ORDER BY id LIMIT ?")) {
            q.setInt(1, limit);
            List<Item> items = new ArrayList<>();
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    Timestamp at = rs.getTimestamp(6);
                    items.add(new Item(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), at == null ? null : at.toInstant()));
                }
            }
            return items;
        }
    }

    int pendingCount() throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement q = c.prepareStatement(
                "SELECT count(*) FROM memory_zep_outbox WHERE sent_at IS NULL"); ResultSet rs = q.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Marks items sent; sent rows stay 30 days so a turn handed over again at compaction is recognised. */
    void markSent(List<Item> items, Instant now) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement u = c.prepareStatement(
                "UPDATE memory_zep_outbox SET sent_at = ? WHERE id = ?")) {
            for (Item item : items) {
                u.setTimestamp(1, Timestamp.from(now));
                u.setLong(2, item.id());
                u.addBatch();
            }
            u.executeBatch();
        }
    }

    void pruneSent(Instant before) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement d = c.prepareStatement(
                "DELETE FROM memory_zep_outbox WHERE sent_at IS NOT NULL AND sent_at < ?")) {
            d.setTimestamp(1, Timestamp.from(before));
            d.executeUpdate();
        }
    }

    /** Removes a queued fact not sent yet; false when there is none with that id for the user. */
    boolean dropQueuedFact(String userId, long id) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement d = c.prepareStatement("DELETE FROM memory_zep_outbox"
                + " WHERE id = ? AND user_id = ? AND kind = 'fact' AND sent_at IS NULL")) {
            d.setLong(1, id);
            d.setString(2, userId);
            return d.executeUpdate() == 1;
        }
    }

    /** The users whose Zep user and thread were created, with their thread ids. */
    Map<String, String> knownUsers() throws SQLException {
        Map<String, String> users = new LinkedHashMap<>();
        try (Connection c = db.getConnection(); PreparedStatement q = c.prepareStatement(
                "SELECT user_id, thread_id FROM memory_zep_users"); ResultSet rs = q.executeQuery()) {
            while (rs.next()) {
                users.put(rs.getString(1), rs.getString(2));
            }
        }
        return users;
    }

    void userCreated(String userId, String threadId) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement i = c.prepareStatement("INSERT INTO memory_zep_users"
                + " (user_id, thread_id) VALUES (?, ?) ON CONFLICT (user_id) DO UPDATE SET thread_id = EXCLUDED.thread_id")) {
            i.setString(1, userId);
            i.setString(2, threadId);
            i.executeUpdate();
        }
    }

    void userGone(String userId) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement d = c.prepareStatement(
                "DELETE FROM memory_zep_users WHERE user_id = ?")) {
            d.setString(1, userId);
            d.executeUpdate();
        }
    }

    void forgotten(String userId, String factId, String fact) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement i = c.prepareStatement("INSERT INTO"
                + " memory_zep_forgotten (user_id, fact_id, fact) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
            i.setString(1, userId);
            i.setString(2, factId);
            i.setString(3, fact);
            i.executeUpdate();
        }
    }

    /** The user's forgotten facts: id to text. */
    Map<String, String> forgottenOf(String userId) throws SQLException {
        Map<String, String> facts = new LinkedHashMap<>();
        try (Connection c = db.getConnection(); PreparedStatement q = c.prepareStatement(
                "SELECT fact_id, fact FROM memory_zep_forgotten WHERE user_id = ?")) {
            q.setString(1, userId);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    facts.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return facts;
    }

    static Set<String> ids(Map<String, String> forgotten) {
        return new HashSet<>(forgotten.keySet());
    }
}
