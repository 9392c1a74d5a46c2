package dev.cortana.plugins.memorylocal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.api.memory.MemoryFact;
import dev.cortana.testkit.CortanaTestHost;
import dev.cortana.testkit.TestContext;
import dev.cortana.testkit.TestDatabase;
import dev.cortana.testkit.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * memory-local fetches and loads its embedding model only while it is the memory in use: at start-up, in the
 * background, when the host makes it the one in use, and never with {@code MEMORY_PROVIDER=none}. Its warm-up runs the
 * retrieval path for a user id nobody has, reading only.
 */
class MemoryInUseTest {

    /** Every row of memory_facts with its row version (an UPDATE, even to the same values, changes xmin and ctid). */
    private static final String ALL_ROWS = "SELECT id || ' ' || user_id || ' ' || text || ' ' "
            + "|| coalesce(embedding::text, 'no vector') || ' ' || coalesce(ended_at::text, 'current') || ' ' "
            + "|| xmin::text || ' ' || ctid::text FROM memory_facts ORDER BY id";

    @Test
    void asTheMemoryInUseItFetchesItsModelAtStartUpBeforeAnyMessage() {
        CortanaTestHost cortana = CortanaTestHost.forPluginUnderTest().setting("MEMORY_EXTRACTION", "off");
        cortana.start();
        try {
            Path model = cortana.workspace().resolve("cache").resolve("memory-local").resolve(ModelFetch.VERSION)
                    .resolve(ModelFetch.ONNX);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!Files.exists(model) && System.nanoTime() < deadline) {
                sleep();
            }
            assertThat(model).as("extracted from the local Maven repository into the workspace cache").exists();
            assertThat(cortana.model().requests()).as("no message was sent").isEmpty();
        } finally {
            cortana.stop();
        }
    }

    @Test
    void withMemoryProviderNoneItFetchesAndLoadsNoModel() {
        CortanaTestHost cortana = CortanaTestHost.forPluginUnderTest().setting("MEMORY_PROVIDER", "none")
                .setting("MEMORY_EXTRACTION", "off");
        cortana.start();
        Path cache = cortana.workspace().resolve("cache").resolve("memory-local");
        try {
            cortana.model().when("hello").answer("Hi! How can I help?");
            assertThat(cortana.chat("hello")).isEqualTo("Hi! How can I help?");

            assertThat(cortana.isStarted("memory-local")).isTrue();
            assertThat(cortana.model().offeredTools()).doesNotContain("remember", "recall", "forget");
        } finally {
            cortana.stop();
        }
        // Stopping the plugin waits for a model load under way: had one begun, its files would be in the cache now.
        assertThat(cache).as("nothing fetched or extracted").doesNotExist();
    }

    @Test
    void theWarmUpReadsNoUsersFactsAndWritesNothing() throws Exception {
        try (TestDatabase database = TestDatabases.fresh().migrated("memory-local")) {
            TestContext context = TestContext.builder().database(database).setting("MEMORY_EXTRACTION", "off").build();
            try {
                LocalMemory memory = new LocalMemory(context);
                memory.selected();
                memory.remember("alice", "Lives in Porto with a beagle named Pimenta");
                // A fact stored while the model was being downloaded: no vector yet. A search for bob computes and
                // saves it; the warm-up, which searches too, must not.
                try (Connection c = context.dataSource().getConnection();
                     PreparedStatement insert = c.prepareStatement("INSERT INTO memory_facts (user_id, text, "
                             + "learned_at, origin, source_message) VALUES ('bob', 'Works as a nurse in Leeds', now(), "
                             + "'turn', 'I work as a nurse in Leeds')")) {
                    insert.executeUpdate();
                }
                List<String> before = database.rows(ALL_ROWS);

                memory.warmUp();

                assertThat(database.rows(ALL_ROWS)).as("no row added, changed or deleted").isEqualTo(before);
                assertThat(before).anyMatch(row -> row.contains("bob Works as a nurse in Leeds no vector"));
                assertThat(memory.facts(LocalMemory.WARM_UP_USER, 10)).isEmpty();

                // The users' memory works as before: bob's first search gives his fact its vector.
                assertThat(memory.recall("bob", "where do I work?", 5)).extracting(MemoryFact::text)
                        .containsExactly("Works as a nurse in Leeds");
                assertThat(database.rows("SELECT count(*) FROM memory_facts WHERE embedding IS NULL"))
                        .containsExactly("0");
            } finally {
                context.close();
            }
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
