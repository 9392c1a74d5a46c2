package dev.cortana.plugins.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cortana.api.Approvals;
import dev.cortana.api.CortanaContext;
import dev.cortana.api.SandboxedProcesses;
import dev.cortana.api.tools.AgentTool;
import dev.cortana.api.tools.ToolCall;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonRawSchema;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servers of {@code mcp.json}: reads the file (again when it changes, debounced), keeps one {@link McpServer}
 * per entry, and offers the tools of those that are up as {@code <server>_<tool>}.
 */
final class McpServers {

    private static final Logger log = LoggerFactory.getLogger(McpServers.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    private final CortanaContext context;
    private final McpSettings settings;
    private final McpJsonMapper mapper = new JacksonMcpJsonMapper(new ObjectMapper());
    private final SandboxedProcesses processes;
    private final String processProblem;
    private final Map<String, McpServer> servers = new LinkedHashMap<>();
    private volatile Map<String, String> entryErrors = Map.of();
    private volatile String configError = "";
    private volatile boolean configPresent;
    private volatile List<AgentTool> tools = List.of();
    /**
     * Each server's state as of the last {@link #serversChanged()}: {@code /mcp} and {@code /plugins} show this one,
     * so a server they call down offers no tools any more, and one they call up already offers its tools.
     */
    private volatile Map<String, McpServer.Snapshot> published = Map.of();
    private Object seenStamp;
    private Object pendingStamp;

    McpServers(CortanaContext context, McpSettings settings) {
        this.context = context;
        this.settings = settings;
        SandboxedProcesses p = null;
        String problem = "";
        try {
            p = context.processes();
        } catch (UnsupportedOperationException e) {
            problem = e.getMessage();
        }
        this.processes = p;
        this.processProblem = problem;
    }

    /** Reads the file and starts its servers (asynchronously), then watches it. */
    void start() {
        reload();
        context.scheduler().every(POLL, this::checkFile);
        context.scheduler().every(settings.pingInterval(), this::pingAll);
    }

    void stop() {
        synchronized (this) {
            servers.values().forEach(McpServer::stop);
            servers.clear();
            tools = List.of();
            published = Map.of();
        }
    }

    List<AgentTool> tools() {
        return tools;
    }

    /** A change of the file is applied once it has stayed the same for one poll (an editor's several writes). */
    private void checkFile() {
        Object stamp = stamp(settings.configFile());
        synchronized (this) {
            if (Objects.equals(stamp, seenStamp)) {
                pendingStamp = null;
                return;
            }
            if (!Objects.equals(stamp, pendingStamp)) {
                pendingStamp = stamp;
                return;
            }
        }
        reload();
    }

    private static Object stamp(Path file) {
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            return List.of(modified.toMillis(), Files.size(file),
                    java.util.Arrays.hashCode(Files.readAllBytes(file)));
        } catch (IOException e) {
            return "missing";
        }
    }

    synchronized void reload() {
        seenStamp = stamp(settings.configFile());
        pendingStamp = null;
        McpConfig.Parsed parsed;
        try {
            Optional<McpConfig.Parsed> read = McpConfig.read(settings.configFile(), name -> context.settings().get(name));
            configPresent = read.isPresent();
            parsed = read.orElse(new McpConfig.Parsed(Map.of(), Map.of()));
            configError = "";
        } catch (IOException e) {
            configError = settings.configFile().getFileName() + " " + e.getMessage()
                    + "; the servers started before keep running";
            log.warn("MCP: {} {}", settings.configFile(), e.getMessage());
            return;
        }
        entryErrors = Map.copyOf(parsed.errors());
        parsed.errors().forEach((name, error) -> log.warn("MCP server {} in {} {}", name, settings.configFile(), error));
        boolean changed = false;
        for (String name : List.copyOf(servers.keySet())) {
            McpServer running = servers.get(name);
            ServerEntry wanted = parsed.servers().get(name);
            if (!running.entry().equals(wanted)) {
                running.stop();
                servers.remove(name);
                changed = true;
            }
        }
        Map<String, McpServer> ordered = new LinkedHashMap<>();
        for (ServerEntry entry : parsed.servers().values()) {
            McpServer server = servers.get(entry.name());
            if (server == null) {
                server = new McpServer(entry, settings, mapper, processes, context.workspace().root(),
                        (delay, task) -> context.scheduler().after(delay, task), context.clock(), this::serversChanged);
                ordered.put(entry.name(), server);
                server.start();
            } else {
                ordered.put(entry.name(), server);
            }
        }
        servers.clear();
        servers.putAll(ordered);
        if (changed) {
            serversChanged();
        }
    }

    private void pingAll() {
        List<McpServer> all;
        synchronized (this) {
            all = List.copyOf(servers.values());
        }
        all.forEach(McpServer::ping);
    }

    /** A server came up, went down or changed its tools: rebuild the list and tell the host. */
    private synchronized void serversChanged() {
        List<McpServer> all = List.copyOf(servers.values());
        Set<String> taken = new HashSet<>();
        List<AgentTool> offered = new ArrayList<>();
        Map<String, McpServer.Snapshot> states = new LinkedHashMap<>();
        for (McpServer server : all) {
            McpServer.Snapshot snapshot = server.snapshot();
            states.put(server.entry().name(), snapshot);
            List<McpSchema.Tool> list = snapshot.tools();
            if (list.isEmpty()) {
                continue;
            }
            int each = Math.min(settings.descriptionMax(), Math.max(20, settings.serverDescriptionMax() / list.size()));
            for (McpSchema.Tool tool : list) {
                String name = McpToolNames.unique(server.entry().toolPrefix(), tool.name(), taken);
                offered.add(agentTool(server, tool, name, each));
            }
        }
        tools = List.copyOf(offered);
        context.toolsChanged();
        published = Map.copyOf(states);
    }

    /** A server's state as last published with its tools (a new server is starting until it first changes). */
    private McpServer.Snapshot shown(McpServer server) {
        return published.getOrDefault(server.entry().name(), new McpServer.Snapshot(McpServer.State.STARTING, List.of()));
    }

    private AgentTool agentTool(McpServer server, McpSchema.Tool tool, String name, int descriptionMax) {
        String description = tool.description() == null || tool.description().isBlank()
                ? (tool.title() == null ? tool.name() : tool.title()) : tool.description();
        ToolSpecification spec = ToolSpecification.builder()
                .name(name)
                .description(McpToolNames.trim(description, descriptionMax))
                .parameters(parameters(tool.inputSchema()))
                .build();
        String serverName = server.entry().name();
        String toolName = tool.name();
        return new AgentTool(spec, call -> run(serverName, toolName, call));
    }

    /** The server's JSON schema, property by property (long descriptions inside it trimmed). */
    private JsonObjectSchema parameters(Map<String, Object> inputSchema) {
        JsonObjectSchema.Builder builder = JsonObjectSchema.builder();
        if (inputSchema == null) {
            return builder.build();
        }
        Object properties = inputSchema.get("properties");
        if (properties instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> property : map.entrySet()) {
                try {
                    String json = JSON.writeValueAsString(trimDescriptions(property.getValue()));
                    builder.addProperty(String.valueOf(property.getKey()), JsonRawSchema.from(json));
                } catch (IOException e) {
                    // an unserialisable property is left out
                }
            }
        }
        if (inputSchema.get("required") instanceof List<?> required) {
            builder.required(required.stream().map(String::valueOf).toList());
        }
        return builder.build();
    }

    private Object trimDescriptions(Object node) {
        if (node instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(String.valueOf(k), "description".equals(k) && v instanceof String s
                    ? McpToolNames.trim(s, 150) : trimDescriptions(v)));
            return copy;
        }
        if (node instanceof List<?> list) {
            return list.stream().map(this::trimDescriptions).toList();
        }
        return node;
    }

    private String run(String serverName, String toolName, ToolCall call) throws Exception {
        McpServer server;
        synchronized (this) {
            server = servers.get(serverName);
        }
        if (server == null) {
            return "Error: MCP server " + serverName + " is no longer configured in mcp.json.";
        }
        Map<String, Object> arguments = call.arguments() == null ? Map.of()
                : JSON.convertValue(call.arguments(), JSON.getTypeFactory()
                        .constructMapType(LinkedHashMap.class, String.class, Object.class));
        if (server.entry().ask()) {
            String shown = McpToolNames.trim(JSON.writeValueAsString(call.arguments()), 500);
            Approvals.Decision decision = context.approvals().ask("MCP server `" + serverName + "` tool `" + toolName
                    + "` with " + shown + ": run it?", settings.approvalTimeout());
            if (decision != Approvals.Decision.APPROVED) {
                return "Not run: the user " + decision.describe() + ".";
            }
        }
        McpSchema.CallToolResult result;
        try {
            result = server.call(toolName, arguments);
        } catch (IllegalStateException e) {
            return "Error: " + e.getMessage();
        }
        return McpResults.format(serverName, result, settings.resultMaxBytes(), JSON);
    }

    /** {@code /mcp}: each server, its state, its last error and its tools. */
    String report() {
        List<McpServer> all;
        synchronized (this) {
            all = List.copyOf(servers.values());
        }
        StringBuilder out = new StringBuilder();
        out.append("MCP servers from ").append(settings.configFile()).append(':');
        if (!configPresent && configError.isEmpty()) {
            out.append("\nNo such file: create it with {\"mcpServers\": {...}} (the format of Claude Desktop and "
                    + "Cursor); it is read again when it changes.");
            return out.toString();
        }
        if (!configError.isEmpty()) {
            out.append("\nThe file ").append(configError).append('.');
        }
        if (all.isEmpty() && entryErrors.isEmpty()) {
            out.append("\nNone configured.");
        }
        for (McpServer server : all) {
            ServerEntry entry = server.entry();
            out.append("\n- ").append(entry.name()).append(" (").append(entry.kind());
            if (entry.stdio()) {
                out.append(processes == null ? ", cannot start here" : processes.sandboxed() ? ", sandboxed" : ", not sandboxed");
            }
            if (entry.ask()) {
                out.append(", asks before each call");
            }
            out.append("): ");
            McpServer.Snapshot shown = shown(server);
            switch (shown.state()) {
                case UP -> {
                    out.append("up, ").append(shown.tools().size()).append(" tools");
                    if (server.leftOut() > 0) {
                        out.append(" (").append(server.leftOut()).append(" more left out by MCP_MAX_TOOLS=")
                                .append(settings.maxTools()).append(": choose with \"allowTools\")");
                    }
                }
                case STARTING -> out.append("starting");
                case DOWN -> out.append("down since ").append(TIME.format(server.since())).append(" UTC, restarting")
                        .append(" (attempt ").append(server.attempts()).append(')');
                case STOPPED -> out.append("stopped");
            }
            if (!server.lastError().isEmpty()) {
                out.append("; last error: ").append(server.lastError());
            }
        }
        entryErrors.forEach((name, error) -> out.append("\n- ").append(name).append(": not started: it ")
                .append(error));
        return out.toString();
    }

    /** One line for {@code /plugins}. */
    Optional<String> note() {
        List<McpServer> all;
        synchronized (this) {
            all = List.copyOf(servers.values());
        }
        if (!configError.isEmpty()) {
            return Optional.of(configError);
        }
        if (!configPresent) {
            return Optional.empty(); // not using MCP is as the user expects: nothing to say on every start-up
        }
        if (all.isEmpty() && entryErrors.isEmpty()) {
            return Optional.of("no MCP servers in " + settings.configFile());
        }
        long up = all.stream().filter(s -> shown(s).state() == McpServer.State.UP).count();
        List<String> down = all.stream().filter(s -> shown(s).state() == McpServer.State.DOWN)
                .map(s -> s.entry().name()).collect(Collectors.toCollection(ArrayList::new));
        down.addAll(entryErrors.keySet());
        StringBuilder note = new StringBuilder();
        note.append(up).append(" of ").append(all.size() + entryErrors.size()).append(" MCP servers up (")
                .append(tools.size()).append(" tools)");
        if (!down.isEmpty()) {
            note.append("; down: ").append(String.join(", ", down)).append(" (see /mcp)");
        }
        if (all.stream().anyMatch(s -> s.entry().stdio())) {
            note.append("; stdio servers run ").append(processes == null ? "nowhere: " + processProblem
                    : processes.description());
        }
        return Optional.of(note.toString());
    }

    static String utf8Cut(String text, int maxBytes) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= maxBytes) {
            return text;
        }
        int end = maxBytes;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    static JsonNode tree(Object value) {
        return JSON.valueToTree(value);
    }
}
