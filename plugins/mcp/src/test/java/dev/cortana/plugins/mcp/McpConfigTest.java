package dev.cortana.plugins.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** mcp.json as Claude Desktop and Cursor write it, with Cortana's extras. */
class McpConfigTest {

    private static final Map<String, String> SETTINGS = Map.of("GITHUB_TOKEN", "ghp_123", "MCP_HOME", "/srv");

    private static McpConfig.Parsed parse(String json) throws Exception {
        return McpConfig.parse(json, name -> Optional.ofNullable(SETTINGS.get(name)));
    }

    @Test
    void aClaudeDesktopSnippetReadsAsItIs() throws Exception {
        McpConfig.Parsed parsed = parse("""
                {"mcpServers": {
                  "filesystem": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "${MCP_HOME}/notes"],
                                 "env": {"DEBUG": "1"}},
                  "github": {"url": "https://api.githubcopilot.com/mcp/", "headers": {"Authorization": "Bearer ${GITHUB_TOKEN}"},
                             "allowTools": ["get_issue"], "denyTools": ["delete_repo"], "approval": "ask"}}}
                """);
        ServerEntry files = parsed.servers().get("filesystem");
        assertThat(files.command()).containsExactly("npx", "-y", "@modelcontextprotocol/server-filesystem", "/srv/notes");
        assertThat(files.env()).containsExactly(Map.entry("DEBUG", "1"));
        assertThat(files.stdio()).isTrue();
        ServerEntry github = parsed.servers().get("github");
        assertThat(github.url()).isEqualTo(URI.create("https://api.githubcopilot.com/mcp/"));
        assertThat(github.headers()).containsExactly(Map.entry("Authorization", "Bearer ghp_123"));
        assertThat(github.allowTools()).isEqualTo(Set.of("get_issue"));
        assertThat(github.offers("get_issue")).isTrue();
        assertThat(github.offers("list_issues")).isFalse();
        assertThat(github.ask()).isTrue();
        assertThat(parsed.errors()).isEmpty();
    }

    @Test
    void aBadEntryFailsThatServerAloneWithASentenceSayingWhatToWrite() throws Exception {
        McpConfig.Parsed parsed = parse("""
                {"mcpServers": {"ok": {"command": "srv"}, "both": {"command": "x", "url": "http://h/"},
                  "none": {}, "mode": {"command": "x", "approval": "sometimes"}, "ftp": {"url": "ftp://h/"},
                  "off": {"command": "x", "disabled": true}}}
                """);
        assertThat(parsed.servers()).containsOnlyKeys("ok");
        assertThat(parsed.errors()).containsExactly(
                Map.entry("both", "has both \"command\" and \"url\": keep one"),
                Map.entry("none", "has neither \"command\" (a local server) nor \"url\" (a remote one)"),
                Map.entry("mode", "has \"approval\": \"sometimes\": expected \"ask\" or \"never\""),
                Map.entry("ftp", "has a \"url\" that is not http(s)://host/path"),
                Map.entry("off", "is disabled (\"disabled\": true)"));
    }

    @Test
    void aFileThatIsNotTheFormatSaysWhatToSend() {
        assertThatThrownBy(() -> parse("{\"servers\": {}}")).hasMessage(
                "has no \"mcpServers\" object: write {\"mcpServers\": {\"name\": {\"command\": \"...\"}}}");
        assertThatThrownBy(() -> parse("{\"mcpServers\": ")).hasMessageStartingWith("is not valid JSON (");
    }

    @Test
    void serverNamesBecomeToolPrefixesThatStayDistinct() throws Exception {
        McpConfig.Parsed parsed = parse("{\"mcpServers\": {\"my.server\": {\"command\": \"a\"}, "
                + "\"my server\": {\"command\": \"b\"}}}");
        assertThat(parsed.servers().values()).extracting(ServerEntry::toolPrefix)
                .isEqualTo(List.of("my_server", "my_server2"));
    }

    @Test
    void toolNamesAreSafeShortAndUnique() {
        Set<String> taken = new java.util.HashSet<>();
        assertThat(McpToolNames.unique("git hub", "create/issue", taken)).isEqualTo("git_hub_create_issue");
        assertThat(McpToolNames.unique("git_hub", "create_issue", taken)).isEqualTo("git_hub_create_issue_2");
        String longName = McpToolNames.unique("server", "x".repeat(100), taken);
        assertThat(longName).hasSize(64).matches("[a-zA-Z0-9_-]+");
        assertThat(McpToolNames.unique("server", "x".repeat(100), taken)).hasSize(64).endsWith("_2");
    }

    @Test
    void longDescriptionsAreCutAtAWord() {
        assertThat(McpToolNames.trim("Creates   an issue\nin the repository", 100))
                .isEqualTo("Creates an issue in the repository");
        assertThat(McpToolNames.trim("Creates an issue in the repository", 20)).isEqualTo("Creates an issue in…");
    }
}
