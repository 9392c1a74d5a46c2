package dev.cortana.plugins.memorylocal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cortana.api.SettingException;
import dev.cortana.api.memory.MemoryFact;
import dev.cortana.testkit.TestContext;
import dev.cortana.testkit.TestDatabase;
import dev.cortana.testkit.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Facts are per user: recall, the message context, the list and forget never cross from one user to another. */
class LocalMemoryUsersTest {

    static TestDatabase database;
    static TestContext context;
    static LocalMemory memory;

    @BeforeAll
    static void start() {
        database = TestDatabases.fresh().migrated("memory-local");
        context = TestContext.builder().database(database).build();
        memory = new LocalMemory(context);
    }

    @AfterAll
    static void stop() {
        context.close();
        database.close();
    }

    @Test
    void oneUsersFactsNeverReachAnother() throws Exception {
        MemoryFact alices = memory.remember("alice", "Lives in Porto with a beagle named Pimenta");
        memory.remember("bob", "Lives in Berlin");

        assertThat(memory.recall("bob", "where do I live and what is my dog called?", 5))
                .extracting(MemoryFact::text).containsExactly("Lives in Berlin");
        assertThat(memory.context("bob", "Pimenta needs a walk in Porto")).doesNotContain("Porto").doesNotContain("Pimenta");
        assertThat(memory.context("carol", "where do I live?")).isEmpty();
        assertThat(memory.facts("bob", 10)).extracting(MemoryFact::text).containsExactly("Lives in Berlin");

        assertThat(memory.forget("bob", alices.id())).isFalse();
        assertThat(memory.facts("alice", 10)).extracting(MemoryFact::text)
                .containsExactly("Lives in Porto with a beagle named Pimenta");
        assertThat(memory.context("alice", "what's my dog's name?")).contains("Pimenta");
    }

    @Test
    void anUnknownExtractionModeIsRefusedWithWhatToSend() {
        assertThatThrownBy(() -> LocalMemory.extraction("sometimes")).isInstanceOf(SettingException.class)
                .hasMessageContaining("MEMORY_EXTRACTION").hasMessageContaining("every_turn, compaction or off");
    }
}
