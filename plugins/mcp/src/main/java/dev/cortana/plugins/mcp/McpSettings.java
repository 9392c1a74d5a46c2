package dev.cortana.plugins.mcp;

import dev.cortana.api.PluginSettings;
import dev.cortana.api.Workspace;
import java.nio.file.Path;
import java.time.Duration;

/** The plugin's settings, read and checked once when it starts. */
record McpSettings(Path configFile, Duration toolTimeout, Duration startTimeout, Duration pingInterval,
                   Duration approvalTimeout, int resultMaxBytes, int descriptionMax, int serverDescriptionMax, int maxTools) {

    static McpSettings read(PluginSettings settings, Workspace workspace) {
        Path file = settings.get("MCP_CONFIG").filter(v -> !v.isBlank())
                .map(v -> workspace.root().resolve(v.strip()).toAbsolutePath().normalize())
                .orElse(workspace.root().resolve("mcp.json"));
        return new McpSettings(file,
                settings.getSeconds("MCP_TOOL_TIMEOUT", 60, 1, 3600),
                settings.getSeconds("MCP_START_TIMEOUT", 30, 1, 600),
                settings.getSeconds("MCP_PING_INTERVAL", 30, 1, 3600),
                settings.getSeconds("MCP_APPROVAL_TIMEOUT", 60, 1, 3600),
                settings.getInt("MCP_RESULT_MAX_BYTES", 16_384, 256, 1_048_576),
                settings.getInt("MCP_DESCRIPTION_MAX", 300, 20, 4000),
                settings.getInt("MCP_SERVER_DESCRIPTION_MAX", 2000, 100, 100_000),
                settings.getInt("MCP_MAX_TOOLS", 20, 1, 500));
    }
}
