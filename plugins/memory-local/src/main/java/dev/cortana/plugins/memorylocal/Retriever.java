package dev.cortana.plugins.memorylocal;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hybrid retrieval of a user's facts: PostgreSQL full-text search and {@code pg_trgm} similarity (in SQL), and cosine
 * similarity of sentence embeddings (scored in Java against an in-memory copy of the user's vectors, loaded from
 * {@code memory_facts.embedding} on first use and kept in step with every write). Meaning ranks; words and trigrams
 * break near-ties (see {@link #search}).
 */
final class Retriever {

    /** What the best lexical hit adds to its cosine similarity. */
    static final double LEXICAL_BONUS = 0.05;
    private static final java.util.regex.Pattern PRONOUNS = java.util.regex.Pattern.compile(
            "(?i)\\b(?:i|i'm|i've|i'd|i'll|me|my|mine|myself|she|her|hers|herself|he|him|his|himself|they|them|their|"
                    + "theirs|themselves)\\b");
    /** Candidates each side contributes to the fusion. */
    private static final int CANDIDATES = 30;
    /** A fact only the embeddings found counts when at least this similar (cosine). */
    static final float MIN_COSINE = 0.2f;

    private final FactStore store;
    private final Embedder embedder;
    /** How long a search or write waits for the model still loading (nothing while it is being downloaded). */
    private final java.util.function.Supplier<Duration> embedderWait;
    private final Map<String, UserIndex> indexes = new ConcurrentHashMap<>();
    private final java.util.concurrent.ExecutorService lexicalThreads = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "memory-local-search");
        thread.setDaemon(true);
        return thread;
    });

    Retriever(FactStore store, Embedder embedder, java.util.function.Supplier<Duration> embedderWait) {
        this.store = store;
        this.embedder = embedder;
        this.embedderWait = embedderWait;
    }

    /**
     * The ids of the user's current facts most relevant to {@code query}, best first: by cosine similarity of the
     * embeddings, plus a small bonus for the facts full-text search and trigrams found (rank 1 gets
     * {@link #LEXICAL_BONUS}, rank 30 almost nothing), so an exact name or number lifts its fact among equally close
     * ones without drowning the meaning in word overlap. Without embeddings, the lexical order alone.
     */
    List<Long> search(String userId, String query, int limit) throws SQLException {
        if (query == null || query.isBlank()) {
            return List.of();
        }
        // The database searches while this thread embeds the query.
        java.util.concurrent.CompletableFuture<List<Long>> searching = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return store.lexical(userId, query, CANDIDATES);
                    } catch (SQLException e) {
                        throw new java.util.concurrent.CompletionException(e);
                    }
                }, lexicalThreads);
        Optional<float[]> vector = embedder.embed(forEmbedding(query), embedderWait.get());
        List<Long> lexical;
        try {
            lexical = searching.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            throw e;
        }
        if (vector.isEmpty()) {
            return lexical.stream().limit(limit).toList();
        }
        UserIndex index = index(userId);
        embedMissing(index);
        Map<Long, Double> scores = new HashMap<>();
        for (Map.Entry<Long, Float> near : index.nearest(vector.get(), CANDIDATES).entrySet()) {
            scores.put(near.getKey(), (double) near.getValue());
        }
        for (int rank = 0; rank < lexical.size(); rank++) {
            long id = lexical.get(rank);
            double bonus = LEXICAL_BONUS * (1 - rank / (double) CANDIDATES);
            Double cosine = scores.get(id);
            scores.put(id, (cosine != null ? cosine : index.cosine(id, vector.get())) + bonus);
        }
        List<Map.Entry<Long, Double>> ranked = new ArrayList<>(scores.entrySet());
        ranked.sort(Map.Entry.<Long, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        return ranked.stream().limit(limit).map(Map.Entry::getKey).toList();
    }

    /**
     * The text as it is embedded: without personal pronouns, because the user asks in the first person ("my mum")
     * and facts are stored in the third person or without a subject ("Her mother is ..."); the pronouns only pull
     * the vectors apart.
     */
    static String forEmbedding(String text) {
        return PRONOUNS.matcher(text).replaceAll(" ").replaceAll("\\s+", " ").strip();
    }

    /** The embedding of a fact about to be stored, if the model is loaded. */
    Optional<float[]> embed(String text) {
        return embedder.embed(forEmbedding(text), embedderWait.get());
    }

    /** A fact was stored. */
    void added(String userId, long id, String text, float[] embedding) {
        UserIndex index = indexes.get(userId);
        if (index != null) {
            index.put(new IndexedFact(id, text, embedding));
        }
    }

    /** Forgets the in-memory index of the user (the warm-up's, for a user without facts). */
    void drop(String userId) {
        indexes.remove(userId);
    }

    /** A fact ended or was deleted. */
    void removed(String userId, long id) {
        UserIndex index = indexes.get(userId);
        if (index != null) {
            index.remove(id);
        }
    }

    /**
     * Facts stored while the model was not loaded yet (it was being downloaded) get their vectors at the first
     * search that has the model, and keep them (saved).
     */
    private void embedMissing(UserIndex index) throws SQLException {
        for (IndexedFact fact : index.withoutVectors()) {
            Optional<float[]> computed = embedder.embed(forEmbedding(fact.text()), Duration.ZERO);
            if (computed.isEmpty()) {
                return;
            }
            if (index.fill(fact.id(), computed.get())) {
                store.saveEmbedding(fact.id(), computed.get());
            }
        }
    }

    private UserIndex index(String userId) {
        return indexes.computeIfAbsent(userId, id -> {
            try {
                UserIndex index = new UserIndex();
                for (IndexedFact fact : store.embeddings(id)) {
                    float[] vector = fact.embedding();
                    if (vector == null) { // stored while the model was not loaded: computed once, saved
                        Optional<float[]> computed = embedder.embed(forEmbedding(fact.text()), embedderWait.get());
                        if (computed.isPresent()) {
                            vector = computed.get();
                            store.saveEmbedding(fact.id(), vector);
                        }
                    }
                    index.put(new IndexedFact(fact.id(), fact.text(), vector));
                }
                return index;
            } catch (SQLException e) {
                throw new IllegalStateException("Could not read the facts of user " + id + ": " + e.getMessage(), e);
            }
        });
    }

    /** One user's current facts and vectors, scanned whole for each query (10,000 facts: about a millisecond). */
    private static final class UserIndex {

        private final Map<Long, IndexedFact> facts = new HashMap<>();
        private long[] ids = new long[0];
        /** The vectors one after the other (fact i at {@code i * dimensions}): one scan through memory. */
        private float[] vectors = new float[0];
        private int dimensions;
        private boolean dirty;

        /** Facts without a vector. */
        private int missing;

        synchronized void put(IndexedFact fact) {
            IndexedFact old = facts.put(fact.id(), fact);
            missing += (fact.embedding() == null ? 1 : 0) - (old != null && old.embedding() == null ? 1 : 0);
            dirty = true;
        }

        synchronized void remove(long id) {
            IndexedFact old = facts.remove(id);
            if (old != null) {
                missing -= old.embedding() == null ? 1 : 0;
                dirty = true;
            }
        }

        synchronized List<IndexedFact> withoutVectors() {
            return missing == 0 ? List.of() : facts.values().stream().filter(f -> f.embedding() == null).toList();
        }

        /** Gives a fact still without a vector its vector; false if it is gone or has one meanwhile. */
        synchronized boolean fill(long id, float[] vector) {
            IndexedFact fact = facts.get(id);
            if (fact == null || fact.embedding() != null) {
                return false;
            }
            put(new IndexedFact(id, fact.text(), vector));
            return true;
        }

        synchronized float cosine(long id, float[] query) {
            IndexedFact fact = facts.get(id);
            return fact == null || fact.embedding() == null ? 0f : Embedder.dot(query, fact.embedding());
        }

        /** The {@code limit} facts closest to {@code query} (at least {@link #MIN_COSINE}), best first, with scores. */
        synchronized Map<Long, Float> nearest(float[] query, int limit) {
            if (dirty) {
                List<IndexedFact> withVectors = facts.values().stream()
                        .filter(f -> f.embedding() != null && f.embedding().length == query.length).toList();
                dimensions = query.length;
                ids = new long[withVectors.size()];
                vectors = new float[withVectors.size() * dimensions];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = withVectors.get(i).id();
                    System.arraycopy(withVectors.get(i).embedding(), 0, vectors, i * dimensions, dimensions);
                }
                dirty = false;
            }
            // A bounded selection of the best scores: no sort of all facts.
            int size = Math.min(limit, ids.length);
            if (size == 0) {
                return Map.of();
            }
            long[] bestIds = new long[size];
            float[] bestScores = new float[size];
            int filled = 0;
            for (int i = 0; i < ids.length; i++) {
                float score = 0;
                for (int k = 0, at = i * dimensions; k < dimensions; k++, at++) {
                    score += query[k] * vectors[at];
                }
                if (score < MIN_COSINE || (filled == size && score <= bestScores[size - 1])) {
                    continue;
                }
                int at = filled < size ? filled++ : size - 1;
                while (at > 0 && bestScores[at - 1] < score) {
                    bestScores[at] = bestScores[at - 1];
                    bestIds[at] = bestIds[at - 1];
                    at--;
                }
                bestScores[at] = score;
                bestIds[at] = ids[i];
            }
            Map<Long, Float> nearest = new java.util.LinkedHashMap<>();
            for (int i = 0; i < filled; i++) {
                nearest.put(bestIds[i], bestScores[i]);
            }
            return nearest;
        }
    }
}
