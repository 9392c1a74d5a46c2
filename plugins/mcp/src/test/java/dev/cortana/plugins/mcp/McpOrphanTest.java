package dev.cortana.plugins.mcp;

import static dev.cortana.plugins.mcp.McpTestServers.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.testkit.CortanaTestHost;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Stdio servers are Cortana's children and end with it. */
class McpOrphanTest {

    @Test
    void noServerProcessOutlivesCortana() {
        String marker = UUID.randomUUID().toString();
        Path config = McpTestServers.tempConfig(McpTestServers.config(
                McpTestServers.stdioEntry("one", "", "--marker", marker),
                McpTestServers.stdioEntry("two", "", "--marker", marker)));
        CortanaTestHost cortana = CortanaTestHost.forPluginUnderTest().setting("MCP_CONFIG", config.toString());
        cortana.start();
        try {
            await("both servers are up", Duration.ofSeconds(20),
                    () -> cortana.command("/mcp").split("up, 6 tools", -1).length == 3);
            assertThat(McpTestServers.processesWith(marker)).hasSizeGreaterThanOrEqualTo(2);
        } finally {
            cortana.stop();
        }
        await("no server process is left", Duration.ofSeconds(5), () -> McpTestServers.processesWith(marker).isEmpty());
    }
}
