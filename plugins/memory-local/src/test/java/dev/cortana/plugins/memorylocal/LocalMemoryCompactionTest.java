package dev.cortana.plugins.memorylocal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.testkit.CortanaTestHost;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code MEMORY_EXTRACTION=compaction}: nothing is extracted per turn; what the user said is learned from the messages
 * compaction is about to summarise away, and recalled after it.
 */
class LocalMemoryCompactionTest {

    @RegisterExtension
    static final CortanaTestHost cortana = CortanaTestHost.forPluginUnderTest()
            .setting("MEMORY_EXTRACTION", "compaction")
            .setting("CONVERSATION_KEEP_RECENT", "0");

    @Test
    void aFactStatedBeforeACompactionIsRecalledAfterIt() {
        cortana.model().when("my sister Ines lives in Madrid").answer("Noted.");
        assertThat(cortana.chat("my sister Ines lives in Madrid")).isEqualTo("Noted.");
        assertThat(cortana.command("/memory")).isEqualTo("I don't remember anything about you yet.");

        cortana.model().when("User: my sister Ines lives in Madrid").answer("Has a sister, Ines, who lives in Madrid");
        assertThat(cortana.command("/compact")).doesNotContain("Nothing to compact").doesNotContain("Could not");
        // beforeForget ran before the messages were summarised: the fact is stored by the time /compact answers.
        assertThat(cortana.command("/memory")).contains("Has a sister, Ines, who lives in Madrid");

        cortana.model().when("where does my sister live").callTool("recall", Map.of("query", "sister"))
                .thenAnswerWithToolResult();
        assertThat(cortana.chat("where does my sister live?")).contains("Has a sister, Ines, who lives in Madrid");
        assertThat(cortana.model().messagesSentWith("where does my sister live?"))
                .anyMatch(m -> m.contains("- Has a sister, Ines, who lives in Madrid (said on "));
    }
}
