package dev.cortana.plugins.mcp;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One entry of {@code mcpServers}, with every {@code ${NAME}} already taken from the settings: a local command
 * (stdio) or a URL (streamable HTTP), and Cortana's own extras, which other MCP clients ignore.
 *
 * @param name       the key in {@code mcpServers}
 * @param toolPrefix {@code name} reduced to {@code [a-zA-Z0-9_-]}: the start of its tools' names
 * @param allowTools when not empty, only these tools (the server's names)
 * @param denyTools  never these tools
 * @param ask        {@code "approval": "ask"}: every call waits for the user's yes
 */
record ServerEntry(String name, String toolPrefix, List<String> command, Map<String, String> env, URI url,
                   Map<String, String> headers, Set<String> allowTools, Set<String> denyTools, boolean ask) {

    boolean stdio() {
        return url == null;
    }

    String kind() {
        return stdio() ? "stdio" : "http";
    }

    boolean offers(String tool) {
        return (allowTools.isEmpty() || allowTools.contains(tool)) && !denyTools.contains(tool);
    }
}
