package dev.cortana.plugins.mcp;

import static dev.cortana.plugins.mcp.McpTestServers.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.testkit.CortanaTestHost;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A server that crashes, cannot start or stops answering is reported, its tools withdrawn, and it is restarted. */
class McpServerFailureTest {

    static final Path CONFIG = McpTestServers.tempConfig(McpTestServers.config(
            McpTestServers.stdioEntry("flaky", ""),
            McpTestServers.stdioEntry("broken", "", "--fail-start"),
            McpTestServers.stdioEntry("sleepy", "\"allowTools\": [\"slow\"]"),
            "\"nokey\": {\"url\": \"http://127.0.0.1:9/mcp\", \"headers\": {\"Authorization\": \"Bearer ${GITHUB_TOKEN}\"}}"));

    @RegisterExtension
    static final CortanaTestHost cortana = CortanaTestHost.forPluginUnderTest()
            .setting("MCP_CONFIG", CONFIG.toString())
            .setting("GITHUB_TOKEN", "ghp_not_granted")
            .setting("MCP_TOOL_TIMEOUT", "2");

    @Test
    void aCrashedServerIsReportedItsToolsWithdrawnAndItIsRestarted() {
        await("flaky is up", Duration.ofSeconds(20), () -> cortana.command("/mcp").contains("- flaky (stdio, sandboxed): up"));
        cortana.model().when("crash it").callTool("flaky_crash", Map.of()).thenAnswerWithToolResult();
        assertThat(cortana.chat("crash it")).startsWith("Error: MCP server flaky");

        String report = cortana.command("/mcp");
        assertThat(report).containsPattern("- flaky \\(stdio, sandboxed\\): (down since \\d\\d:\\d\\d:\\d\\d UTC, restarting "
                + "\\(attempt 1\\); last error: exited with status 3: crashing on purpose|starting|up)");

        await("flaky is up again", Duration.ofSeconds(20),
                () -> cortana.command("/mcp").contains("- flaky (stdio, sandboxed): up, 6 tools; last error: exited "
                        + "with status 3: crashing on purpose"));
        cortana.model().when("after restart").callTool("flaky_echo", Map.of("text", "back")).thenAnswerWithToolResult();
        assertThat(cortana.chat("after restart")).endsWith("\nback");
    }

    @Test
    void aServerThatCannotStartIsReportedWithItsOwnWordsAndOffersNoTools() {
        await("broken has failed once", Duration.ofSeconds(20), () -> cortana.command("/mcp").contains("cannot open"));
        assertThat(cortana.command("/mcp")).contains("- broken (stdio, sandboxed): ")
                .contains("last error: exited with status 1: cannot open the database: no such file");
        assertThat(cortana.plugins()).contains("down: broken");
        cortana.model().when("list tools").answer("ok");
        cortana.chat("list tools");
        assertThat(cortana.model().offeredTools()).noneMatch(name -> name.startsWith("broken_"));
    }

    @Test
    void aVariableThePluginMayNotReadKeepsThatServerOffAndSaysWhatToGrant() {
        assertThat(cortana.command("/mcp")).contains("- nokey: not started: it needs ${GITHUB_TOKEN}, which is unset "
                + "or not readable: set GITHUB_TOKEN in .env and grant it (CORTANA_GRANT_MCP=GITHUB_TOKEN), or name it "
                + "MCP_GITHUB_TOKEN");
    }

    @Test
    void aCallThatTakesTooLongEndsAtTheTimeLimit() {
        await("sleepy is up", Duration.ofSeconds(20), () -> cortana.command("/mcp").contains("- sleepy (stdio, sandboxed): up"));
        cortana.model().when("slow one").callTool("sleepy_slow", Map.of("seconds", 30)).thenAnswerWithToolResult();
        assertThat(cortana.chat("slow one"))
                .isEqualTo("Error: MCP server sleepy did not answer within 2 s (MCP_TOOL_TIMEOUT)");
    }
}
