package dev.cortana.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A host per test (an instance field), restarted in the middle: the database, workspace and jobs survive. */
class CortanaTestHostRestartTest {

    @RegisterExtension
    final CortanaTestHost cortana = CortanaTestHost.forPluginUnderTest();

    @Test
    void aJobScheduledBeforeARestartRunsAfterIt() {
        cortana.model().when("remind me of the bins").callTool("remind_later", Map.of("text", "bins", "minutes", 5))
                .thenAnswer("Will do.");
        cortana.model().when("say hi to Bo").callTool("greet", Map.of("name", "Bo")).thenAnswerWithToolResult();
        assertThat(cortana.chat("remind me of the bins")).isEqualTo("Will do.");
        assertThat(cortana.chat("say hi to Bo")).isEqualTo("Hello, Bo!");

        cortana.restart();

        assertThat(cortana.database().rows("SELECT name FROM sample_greetings")).containsExactly("Bo");
        cortana.clock().advance(Duration.ofMinutes(5));
        assertThat(cortana.messages()).containsExactly("⏰ bins");
    }
}
