package dev.cortana.plugins.memorylocal;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The {@code memory_facts} table: current facts per user, their history (what an update replaced, what a delete
 * ended) and the lexical half of retrieval (full-text search and {@code pg_trgm} similarity).
 */
final class FactStore {

    static final int MAX_TEXT = 500;
    static final int MAX_SOURCE = 300;
    /** Queries of at most this many words also match by trigrams. */
    static final int TRIGRAM_MAX_WORDS = 4;

    private final DataSource dataSource;
    private final Clock clock;

    FactStore(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    /** Stores a new current fact and returns its id. */
    long add(String userId, String text, String origin, String sourceMessage, float[] embedding) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return insert(c, userId, text, origin, sourceMessage, embedding, null);
        }
    }

    /**
     * Replaces the user's current fact {@code oldId} by {@code text}: the old row is ended ("updated", pointing at the
     * new one). Returns the new id, or empty when {@code oldId} is not a current fact of the user.
     */
    Optional<Long> update(String userId, long oldId, String text, String origin, String sourceMessage, float[] embedding)
            throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                if (!isCurrent(c, userId, oldId)) {
                    c.rollback();
                    return Optional.empty();
                }
                long id = insert(c, userId, text, origin, sourceMessage, embedding, oldId);
                try (PreparedStatement end = c.prepareStatement("UPDATE memory_facts SET ended_at = ?, "
                        + "ended_how = 'updated', replaced_by = ? WHERE id = ? AND user_id = ?")) {
                    end.setTimestamp(1, Timestamp.from(clock.instant()));
                    end.setLong(2, id);
                    end.setLong(3, oldId);
                    end.setString(4, userId);
                    end.executeUpdate();
                }
                c.commit();
                return Optional.of(id);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    /** Ends the user's current fact {@code id} as no longer true (history kept); false when there is none. */
    boolean end(String userId, long id) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("UPDATE memory_facts SET ended_at = ?, ended_how = 'deleted' "
                     + "WHERE id = ? AND user_id = ? AND ended_at IS NULL")) {
            s.setTimestamp(1, Timestamp.from(clock.instant()));
            s.setLong(2, id);
            s.setString(3, userId);
            return s.executeUpdate() == 1;
        }
    }

    /**
     * Deletes the user's current fact {@code id} and the older facts it replaced (the user asked to forget it, so
     * nothing of it stays); false when the user has no current fact with that id.
     */
    boolean forget(String userId, long id) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            if (!isCurrent(c, userId, id)) {
                return false;
            }
            try (PreparedStatement s = c.prepareStatement("WITH RECURSIVE chain(id) AS ("
                    + " SELECT id FROM memory_facts WHERE id = ? AND user_id = ?"
                    + " UNION SELECT f.replaces FROM memory_facts f JOIN chain ON f.id = chain.id"
                    + "  WHERE f.replaces IS NOT NULL)"
                    + " DELETE FROM memory_facts WHERE user_id = ? AND id IN (SELECT id FROM chain)")) {
                s.setLong(1, id);
                s.setString(2, userId);
                s.setString(3, userId);
                return s.executeUpdate() >= 1;
            }
        }
    }

    /** The user's current facts, newest first. */
    List<StoredFact> newest(String userId, int limit) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT id, text, learned_at, origin FROM memory_facts "
                     + "WHERE user_id = ? AND ended_at IS NULL ORDER BY learned_at DESC, id DESC LIMIT ?")) {
            s.setString(1, userId);
            s.setInt(2, limit);
            return facts(s);
        }
    }

    /** The user's current facts with these ids, by id. */
    Map<Long, StoredFact> byIds(String userId, List<Long> ids) throws SQLException {
        Map<Long, StoredFact> found = new LinkedHashMap<>();
        if (ids.isEmpty()) {
            return found;
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT id, text, learned_at, origin FROM memory_facts "
                     + "WHERE user_id = ? AND ended_at IS NULL AND id = ANY (?)")) {
            s.setString(1, userId);
            s.setArray(2, c.createArrayOf("bigint", ids.toArray()));
            for (StoredFact fact : facts(s)) {
                found.put(fact.id(), fact);
            }
        }
        return found;
    }

    /** Every current fact of the user with its embedding (null when not computed yet), for the in-memory index. */
    List<IndexedFact> embeddings(String userId) throws SQLException {
        List<IndexedFact> all = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT id, text, embedding FROM memory_facts "
                     + "WHERE user_id = ? AND ended_at IS NULL")) {
            s.setString(1, userId);
            s.setFetchSize(1000);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    all.add(indexed(r));
                }
            }
        }
        return all;
    }

    /**
     * Reads one row shaped as {@link #embeddings} returns them, made up by the database (id 0, a 384-dimension zero
     * vector): what reading a user's vectors costs the first time (the driver's array parsing) is paid here, with no
     * user's row read. For the warm-up.
     */
    IndexedFact madeUpRow() throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT 0::bigint AS id, 'warm-up'::text AS text, "
                     + "array_fill(0::real, ARRAY[384]) AS embedding");
             ResultSet r = s.executeQuery()) {
            r.next();
            return indexed(r);
        }
    }

    private static IndexedFact indexed(ResultSet r) throws SQLException {
        Array array = r.getArray(3);
        float[] vector = null;
        if (array != null) {
            Object[] values = (Object[]) array.getArray();
            vector = new float[values.length];
            for (int i = 0; i < values.length; i++) {
                vector[i] = ((Number) values[i]).floatValue();
            }
        }
        return new IndexedFact(r.getLong(1), r.getString(2), vector);
    }

    /** Saves an embedding computed later (the model was not loaded when the fact was stored). */
    void saveEmbedding(long id, float[] embedding) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("UPDATE memory_facts SET embedding = ? WHERE id = ?")) {
            s.setArray(1, c.createArrayOf("real", boxed(embedding)));
            s.setLong(2, id);
            s.executeUpdate();
        }
    }

    /**
     * The user's current facts sharing words with {@code query} (full-text search, any of its words, stemmed), and for
     * a short query also those containing something close to it ({@code pg_trgm} word similarity: "Pimenta's",
     * "Lisboa"), best first: ids only.
     */
    List<Long> lexical(String userId, String query, int limit) throws SQLException {
        String anyWord = orQuery(query);
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (java.sql.Statement set = c.createStatement()) {
                    // For this transaction only: looser than the default 0.6, so one word of a fact can match.
                    set.execute("SET LOCAL pg_trgm.word_similarity_threshold = 0.5");
                }
                List<Long> ids = new ArrayList<>();
                // Trigrams only for short queries (a name, a misspelt word, the recall tool's few words): for a whole
                // message nearly every fact shares some trigram and the index would hand back all of them.
                boolean trigrams = query.strip().split("\\s+").length <= TRIGRAM_MAX_WORDS;
                String sql = "WITH q AS (SELECT to_tsquery('english', ?) AS tsq)"
                        + " SELECT id FROM ("
                        + "  (SELECT f.id, ts_rank_cd(f.search, q.tsq, 1) AS score FROM memory_facts f, q"
                        + "   WHERE f.user_id = ? AND f.ended_at IS NULL AND f.search @@ q.tsq"
                        + "   ORDER BY score DESC LIMIT ?)"
                        + (trigrams ? "  UNION ALL"
                        + "  (SELECT f.id, word_similarity(?, f.text) AS score"
                        + "   FROM memory_facts f WHERE f.user_id = ? AND f.ended_at IS NULL AND f.text %> ?"
                        + "   ORDER BY score DESC LIMIT ?)" : "")
                        + " ) hits GROUP BY id ORDER BY sum(score) DESC, id DESC LIMIT ?";
                try (PreparedStatement s = c.prepareStatement(sql)) {
                    int p = 1;
                    s.setString(p++, anyWord.isEmpty() ? "nothing_to_match" : anyWord);
                    s.setString(p++, userId);
                    s.setInt(p++, limit);
                    if (trigrams) {
                        s.setString(p++, query);
                        s.setString(p++, userId);
                        s.setString(p++, query);
                        s.setInt(p++, limit);
                    }
                    s.setInt(p, limit);
                    try (ResultSet r = s.executeQuery()) {
                        while (r.next()) {
                            ids.add(r.getLong(1));
                        }
                    }
                }
                c.commit();
                return ids;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    /** {@code word1 | word2 | ...} of the query's words (letters and digits only), for {@code to_tsquery}. */
    static String orQuery(String query) {
        List<String> words = new ArrayList<>();
        for (String word : query.toLowerCase(java.util.Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (word.length() > 1 && words.size() < 32) {
                words.add(word);
            }
        }
        return String.join(" | ", words);
    }

    private static boolean isCurrent(Connection c, String userId, long id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT 1 FROM memory_facts WHERE id = ? AND user_id = ? AND ended_at IS NULL")) {
            s.setLong(1, id);
            s.setString(2, userId);
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        }
    }

    private long insert(Connection c, String userId, String text, String origin, String sourceMessage,
                        float[] embedding, Long replaces) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO memory_facts (user_id, text, embedding, "
                + "learned_at, origin, source_message, replaces) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id")) {
            s.setString(1, userId);
            s.setString(2, clip(text, MAX_TEXT));
            s.setArray(3, embedding == null ? null : c.createArrayOf("real", boxed(embedding)));
            s.setTimestamp(4, Timestamp.from(clock.instant()));
            s.setString(5, origin);
            s.setString(6, clip(sourceMessage, MAX_SOURCE));
            if (replaces == null) {
                s.setNull(7, java.sql.Types.BIGINT);
            } else {
                s.setLong(7, replaces);
            }
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    private static List<StoredFact> facts(PreparedStatement s) throws SQLException {
        List<StoredFact> facts = new ArrayList<>();
        try (ResultSet r = s.executeQuery()) {
            while (r.next()) {
                facts.add(new StoredFact(r.getLong(1), r.getString(2), r.getTimestamp(3).toInstant(), r.getString(4)));
            }
        }
        return facts;
    }

    private static Float[] boxed(float[] vector) {
        Float[] boxed = new Float[vector.length];
        for (int i = 0; i < vector.length; i++) {
            boxed[i] = vector[i];
        }
        return boxed;
    }

    static String clip(String text, int max) {
        String stripped = text == null ? "" : text.strip();
        return stripped.length() <= max ? stripped : stripped.substring(0, max);
    }
}
