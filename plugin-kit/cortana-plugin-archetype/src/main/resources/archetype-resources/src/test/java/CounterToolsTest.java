#set( $name = $pluginId.replace('-', '_') )
package ${package};

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.testkit.CortanaTestHost;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The plugin in a real Cortana, loaded as Cortana loads it (its own class loader, its migration on a real PostgreSQL),
 * with a scripted model that calls its tool the way a model would.
 */
class CounterToolsTest {

    @RegisterExtension
    static final CortanaTestHost cortana = CortanaTestHost.forPluginUnderTest();

    @Test
    void theModelCountsWithTheToolAndTheUserReadsTheNewTotal() {
        cortana.model().when("I had a coffee")
                .callTool("${name}_count", Map.of("thing", "Coffee"))
                .thenAnswerWithToolResult();

        assertThat(cortana.chat("I had a coffee")).isEqualTo("coffee: 1");
        assertThat(cortana.chat("I had a coffee")).isEqualTo("coffee: 2");
    }
}
