package dev.cortana.plugins.mcp;

import dev.cortana.api.CortanaContext;
import dev.cortana.api.StatusNote;
import dev.cortana.api.commands.Command;
import dev.cortana.api.commands.CommandProvider;
import dev.cortana.api.tools.AgentTool;
import dev.cortana.api.tools.ToolProvider;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.pf4j.Extension;

/**
 * The MCP plugin: the tools of the servers in {@code mcp.json} ({@code <server>_<tool>}), {@code /mcp}, and a
 * status line for {@code /plugins}. Servers start in the background; the host is told when their tools change.
 */
@Extension
public final class McpExtension implements ToolProvider, CommandProvider, StatusNote {

    private final McpServers servers;

    public McpExtension(CortanaContext context) {
        McpSettings settings = McpSettings.read(context.settings(), context.workspace());
        this.servers = new McpServers(context, settings);
        McpPlugin.register(servers);
        context.scheduler().after(Duration.ZERO, servers::start);
    }

    @Override
    public List<AgentTool> dynamicTools() {
        return servers.tools();
    }

    @Override
    public List<Command> commands() {
        return List.of(Command.of("mcp", "MCP servers: state, last error, tools", invocation -> servers.report()));
    }

    @Override
    public Optional<String> statusNote() {
        return servers.note();
    }
}
