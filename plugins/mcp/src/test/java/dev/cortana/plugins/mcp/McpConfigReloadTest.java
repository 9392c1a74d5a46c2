package dev.cortana.plugins.mcp;

import static dev.cortana.plugins.mcp.McpTestServers.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.testkit.CortanaTestHost;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Editing mcp.json takes effect while Cortana runs; a broken edit keeps what runs. */
class McpConfigReloadTest {

    final Path config = McpTestServers.tempConfig("{\"mcpServers\": {}}");

    @RegisterExtension
    final CortanaTestHost cortana = CortanaTestHost.forPluginUnderTest().setting("MCP_CONFIG", config.toString());

    @Test
    void aServerAddedToTheFileStartsAndARemovedOneStopsWithoutARestart() {
        assertThat(cortana.command("/mcp")).contains("None configured.");
        String marker = UUID.randomUUID().toString();
        McpTestServers.write(config, McpTestServers.config(
                McpTestServers.stdioEntry("added", "", "--marker", marker)));
        await("the added server is up", Duration.ofSeconds(20),
                () -> cortana.command("/mcp").contains("- added (stdio, sandboxed): up, 6 tools"));
        cortana.model().when("what now").answer("ok");
        cortana.chat("what now");
        assertThat(cortana.model().offeredTools()).contains("added_echo");
        assertThat(McpTestServers.processesWith(marker)).isNotEmpty();

        McpTestServers.write(config, "{\"mcpServers\": {}}");
        await("the removed server is gone", Duration.ofSeconds(20),
                () -> cortana.command("/mcp").contains("None configured."));
        cortana.chat("what now");
        assertThat(cortana.model().offeredTools()).noneMatch(name -> name.startsWith("added_"));
        await("its process has ended", Duration.ofSeconds(5), () -> McpTestServers.processesWith(marker).isEmpty());
    }

    @Test
    void aBrokenEditIsReportedAndTheRunningServersKeepRunning() {
        McpTestServers.write(config, McpTestServers.config(McpTestServers.stdioEntry("steady", "")));
        await("steady is up", Duration.ofSeconds(20), () -> cortana.command("/mcp").contains("- steady (stdio, sandboxed): up"));

        McpTestServers.write(config, "{\"mcpServers\": {\"steady\": ");
        await("the error is reported", Duration.ofSeconds(20), () -> cortana.command("/mcp").contains("is not valid JSON"));
        assertThat(cortana.command("/mcp")).contains("The file mcp.json is not valid JSON (")
                .contains("the servers started before keep running")
                .contains("- steady (stdio, sandboxed): up, 6 tools");
        assertThat(cortana.plugins()).contains("mcp.json is not valid JSON");
    }
}
