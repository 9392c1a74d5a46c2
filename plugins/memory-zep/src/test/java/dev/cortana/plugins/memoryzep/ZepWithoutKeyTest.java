package dev.cortana.plugins.memoryzep;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.api.memory.MemoryProvider;
import dev.cortana.testkit.CortanaTestHost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Without ZEP_API_KEY the plugin starts, stays out of the way, and says which variable turns it on. */
class ZepWithoutKeyTest {

    @RegisterExtension
    static final CortanaTestHost cortana = CortanaTestHost.forPluginUnderTest();

    @Test
    void theProviderIsInactiveAndPluginsSaysWhatToSet() throws Exception {
        MemoryProvider zep = cortana.extensions(MemoryProvider.class).stream().filter(p -> p.id().equals("zep"))
                .findFirst().orElseThrow();

        assertThat(zep.active()).isFalse();
        assertThat(cortana.plugins()).contains("memory-zep").contains("set ZEP_API_KEY");
        assertThat(cortana.command("/settings status")).contains("set ZEP_API_KEY");
        assertThat(zep.context("console", "hello")).isEmpty();
        assertThat(zep.facts("console", 10)).isEmpty();
    }

    @Test
    void aTurnIsAnsweredAndNothingIsQueued() {
        cortana.model().when("hello").answer("Hi!");

        assertThat(cortana.chat("hello")).isEqualTo("Hi!");
        assertThat(cortana.database().rows("SELECT count(*) FROM memory_zep_outbox")).containsExactly("0");
    }
}
