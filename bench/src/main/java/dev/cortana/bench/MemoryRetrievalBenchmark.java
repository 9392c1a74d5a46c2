package dev.cortana.bench;

import dev.cortana.api.memory.MemoryFact;
import dev.cortana.plugins.memorylocal.LocalMemory;
import dev.cortana.testkit.TestContext;
import dev.cortana.testkit.TestDatabase;
import dev.cortana.testkit.TestDatabases;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * memory-local's retrieval on the frozen set in {@code memory-retrieval/} (300 facts, 162 paraphrased questions):
 * recall@1/@5/@8 with the hybrid retrieval and lexical only (full-text search + pg_trgm, no embeddings); then the
 * memory context of a message against 10,000 stored facts of one user (the set's 300 and 9,700 generated ones), its
 * median and p90, and what the embedding alone costs. Real embedded PostgreSQL, the plugin built from its module.
 *
 * <pre>java -cp bench/target/cortana-bench.jar dev.cortana.bench.MemoryRetrievalBenchmark [facts=10000] [misses]</pre>
 */
public final class MemoryRetrievalBenchmark {

    public static void main(String[] args) throws Exception {
        int total = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        boolean showMisses = args.length > 1 && args[1].equals("misses");
        Map<String, String> facts = read("facts.tsv");
        List<String[]> questions = new ArrayList<>();
        for (Map.Entry<String, String> line : read("questions.tsv").entrySet()) {
            questions.add(new String[] {line.getKey(), line.getValue()});
        }
        try (TestDatabase database = TestDatabases.fresh().migrated("memory-local")) {
            long started = System.nanoTime();
            TestContext context = TestContext.builder().pluginId("memory-local").database(database).build();
            LocalMemory memory = new LocalMemory(context);
            Map<String, String> idOf = new HashMap<>(); // stored id -> set id
            for (Map.Entry<String, String> fact : facts.entrySet()) {
                idOf.put(memory.remember("set", fact.getValue()).id(), fact.getKey());
                if (idOf.size() == 1) {
                    System.out.printf("plugin constructed and first fact embedded and stored: %.0f ms%n",
                            (System.nanoTime() - started) / 1e6);
                }
            }
            System.out.printf("300 facts stored (each embedded): %.0f ms%n", (System.nanoTime() - started) / 1e6);
            System.out.println("hybrid (FTS + pg_trgm + all-MiniLM-L6-v2): " + recall(memory, "set", questions, idOf, showMisses));

            TestContext lexicalContext = TestContext.builder().pluginId("memory-local").database(database)
                    .setting("MEMORY_EMBEDDINGS", "false").build();
            LocalMemory lexical = new LocalMemory(lexicalContext);
            System.out.println("lexical only (FTS + pg_trgm):              " + recall(lexical, "set", questions, idOf, false));

            // 10,000 facts for one user: the set's 300 (embedded by the plugin), then generated ones inserted in bulk
            // with random unit vectors: scoring them costs exactly what real vectors cost, without 9,700 embeddings.
            for (String fact : facts.values()) {
                memory.remember("big", fact);
            }
            bulkInsert(database, "big", generated(total - facts.size()));
            for (int i = 0; i < 50; i++) { // warm-up
                memory.context("big", questions.get(i % questions.size())[0]);
            }
            double[] samples = new double[400];
            for (int i = 0; i < samples.length; i++) {
                String message = questions.get(i % questions.size())[0];
                long t = System.nanoTime();
                memory.context("big", message);
                samples[i] = (System.nanoTime() - t) / 1e6;
            }
            System.out.println("memory context, " + total + " facts: " + Stats.of(samples).format("ms"));
            double[] lexicalSamples = new double[400];
            for (int i = 0; i < 50; i++) {
                lexical.context("big", questions.get(i % questions.size())[0]);
            }
            for (int i = 0; i < lexicalSamples.length; i++) {
                String message = questions.get(i % questions.size())[0];
                long t = System.nanoTime();
                lexical.context("big", message);
                lexicalSamples[i] = (System.nanoTime() - t) / 1e6;
            }
            System.out.println("memory context, lexical only: " + Stats.of(lexicalSamples).format("ms"));
            // memory-local's encoder and LangChain4j's (DJL tokenizer, the plugin's before) on the same model, taking
            // turns message by message so that the machine's load falls on both alike
            java.util.function.Function<String, float[]> ours = dev.cortana.plugins.memorylocal.MemoryLocalEncoder.open();
            dev.langchain4j.model.embedding.EmbeddingModel langChain4j =
                    new dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel();
            for (int i = 0; i < 50; i++) {
                ours.apply(questions.get(i % questions.size())[0]);
                langChain4j.embed(questions.get(i % questions.size())[0]);
            }
            double[] oursSamples = new double[400];
            double[] theirSamples = new double[400];
            for (int i = 0; i < oursSamples.length; i++) {
                String message = questions.get(i % questions.size())[0];
                long t = System.nanoTime();
                ours.apply(message);
                oursSamples[i] = (System.nanoTime() - t) / 1e6;
                t = System.nanoTime();
                langChain4j.embed(message);
                theirSamples[i] = (System.nanoTime() - t) / 1e6;
            }
            System.out.println("embedding one message alone: " + Stats.of(oursSamples).format("ms"));
            System.out.println("the same by LangChain4j's encoder (DJL tokenizer): " + Stats.of(theirSamples).format("ms"));
            context.close();
            lexicalContext.close();
        }
        System.exit(0);
    }

    private static String recall(LocalMemory memory, String user, List<String[]> questions, Map<String, String> idOf,
                                 boolean showMisses) throws Exception {
        int at1 = 0;
        int at5 = 0;
        int at8 = 0;
        for (String[] question : questions) {
            Set<String> answers = Set.of(question[1].split(","));
            List<MemoryFact> found = memory.recall(user, question[0], 8);
            int rank = -1;
            for (int i = 0; i < found.size(); i++) {
                if (answers.contains(idOf.get(found.get(i).id()))) {
                    rank = i;
                    break;
                }
            }
            at1 += rank == 0 ? 1 : 0;
            at5 += rank >= 0 && rank < 5 ? 1 : 0;
            at8 += rank >= 0 ? 1 : 0;
            if (showMisses && (rank < 0 || rank >= 5)) {
                System.out.println("  miss: " + question[0] + " -> " + found.stream().limit(5).map(MemoryFact::text).toList());
            }
        }
        int n = questions.size();
        return String.format("recall@1 %.3f, recall@5 %.3f, recall@8 %.3f (%d questions)",
                at1 / (double) n, at5 / (double) n, at8 / (double) n, n);
    }

    private static void bulkInsert(TestDatabase database, String user, List<String> texts) throws Exception {
        Random random = new Random(384);
        try (java.sql.Connection c = database.dataSource().getConnection();
             java.sql.PreparedStatement insert = c.prepareStatement("INSERT INTO memory_facts (user_id, text, "
                     + "embedding, learned_at, origin) VALUES (?, ?, ?, now(), 'turn')")) {
            for (String text : texts) {
                Float[] vector = new Float[384];
                double norm = 0;
                double[] raw = new double[384];
                for (int i = 0; i < raw.length; i++) {
                    raw[i] = random.nextGaussian();
                    norm += raw[i] * raw[i];
                }
                for (int i = 0; i < raw.length; i++) {
                    vector[i] = (float) (raw[i] / Math.sqrt(norm));
                }
                insert.setString(1, user);
                insert.setString(2, text);
                insert.setArray(3, c.createArrayOf("real", vector));
                insert.addBatch();
            }
            insert.executeBatch();
        }
        try (java.sql.Connection c = database.dataSource().getConnection(); java.sql.Statement s = c.createStatement()) {
            s.execute("ANALYZE memory_facts");
        }
    }

    /** Distinct plausible facts, deterministic: the bulk of a heavy user's memory. */
    static List<String> generated(int count) {
        String[] people = {"Ana", "Bruno", "Chen", "Dara", "Emil", "Farah", "Goran", "Hana", "Ivo", "Joana", "Kofi",
                "Lea", "Milo", "Nadia", "Omar", "Paula", "Quinn", "Rita", "Soren", "Tanya"};
        String[] relations = {"colleague", "neighbour", "friend from the gym", "former classmate", "client", "cousin",
                "dentist", "landlord's son", "teammate", "book club friend"};
        String[] things = {"likes hiking in the Serra da Estrela", "recommended a bakery in Graça", "lent her a drill",
                "is moving to Coimbra", "has a cat named Tofu", "owes her a lunch", "plays the cello",
                "works at a hospital", "runs a podcast about design", "grows tomatoes", "had a baby in spring",
                "is learning Italian", "collects stamps", "organised the office party", "drives a van"};
        List<String> facts = new ArrayList<>(count);
        Random random = new Random(15);
        for (int i = 0; facts.size() < count; i++) {
            String person = people[i % people.length] + " " + (char) ('A' + (i / people.length) % 26) + ".";
            facts.add("Her " + relations[random.nextInt(relations.length)] + " " + person + " "
                    + things[random.nextInt(things.length)] + " (note " + i + ")");
        }
        return facts;
    }

    private static Map<String, String> read(String name) throws IOException {
        Map<String, String> lines = new LinkedHashMap<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                MemoryRetrievalBenchmark.class.getResourceAsStream("/memory-retrieval/" + name), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.isBlank()) {
                    String[] parts = line.split("\t", 2);
                    lines.put(parts[0], parts[1]);
                }
            }
        }
        return lines;
    }
}
