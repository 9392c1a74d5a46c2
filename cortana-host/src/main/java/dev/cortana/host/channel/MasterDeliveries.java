package dev.cortana.host.channel;

import dev.cortana.host.storage.StorageException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * The journal of messages to the master that belong to the conversation (table {@code master_deliveries}): a row is
 * written before the message is posted, so a crash leaves a trace to resolve at the next start instead of a guess.
 */
public final class MasterDeliveries {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();

    /** A journalled message whose outcome is not settled. */
    public record Unfinished(long id, String text, String nonce, boolean delivered, Instant createdAt) {
    }

    private final DataSource dataSource;

    public MasterDeliveries(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** A nonce of 20 characters: Discord allows 25, the sender adds ".n" per message part. */
    static String newNonce() {
        char[] nonce = new char[20];
        for (int i = 0; i < nonce.length; i++) {
            nonce[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return new String(nonce);
    }

    /** Journals {@code text} with {@code nonce} as being sent; returns its id. */
    public long begin(String text, String nonce) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "INSERT INTO master_deliveries (text, nonce) VALUES (?, ?)", Statement.RETURN_GENERATED_KEYS)) {
            statement.setString(1, text);
            statement.setString(2, nonce);
            statement.executeUpdate();
            try (ResultSet keys = statement.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        } catch (SQLException e) {
            throw new StorageException("Could not journal a message to the master user: " + e.getMessage(), e);
        }
    }

    public void delivered(long id) {
        update("UPDATE master_deliveries SET state = 'delivered', finished_at = now() WHERE id = ?", id, null);
    }

    public void recorded(long id) {
        update("UPDATE master_deliveries SET recorded = TRUE WHERE id = ?", id, null);
    }

    public void failed(long id, String reason) {
        update("UPDATE master_deliveries SET state = 'failed', failure = ?, finished_at = now() WHERE id = ?", id,
                reason);
    }

    /** Rows still being sent, or sent but not yet in the conversation, oldest first. */
    public List<Unfinished> unfinished() {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("""
                     SELECT id, text, nonce, state, created_at FROM master_deliveries
                     WHERE state = 'sending' OR (state = 'delivered' AND NOT recorded) ORDER BY id""");
             ResultSet rows = statement.executeQuery()) {
            List<Unfinished> unfinished = new ArrayList<>();
            while (rows.next()) {
                unfinished.add(new Unfinished(rows.getLong(1), rows.getString(2), rows.getString(3),
                        rows.getString(4).equals("delivered"), rows.getTimestamp(5).toInstant()));
            }
            return unfinished;
        } catch (SQLException e) {
            throw new StorageException("Could not read the journal of messages to the master user: "
                    + e.getMessage(), e);
        }
    }

    /** The state ('sending', 'delivered', 'failed') and whether it is recorded, for tests and diagnostics. */
    public String describe(long id) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT state, recorded FROM master_deliveries WHERE id = ?")) {
            statement.setLong(1, id);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? rows.getString(1) + (rows.getBoolean(2) ? ", recorded" : "") : "absent";
            }
        } catch (SQLException e) {
            throw new StorageException("Could not read a delivery: " + e.getMessage(), e);
        }
    }

    private void update(String sql, long id, String reason) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            if (reason != null) {
                statement.setString(1, reason);
                statement.setLong(2, id);
            } else {
                statement.setLong(1, id);
            }
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new StorageException("Could not update a delivery: " + e.getMessage(), e);
        }
    }
}
