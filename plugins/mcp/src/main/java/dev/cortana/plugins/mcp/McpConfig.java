package dev.cortana.plugins.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code mcp.json} in the format Claude Desktop and Cursor write:
 *
 * <pre>{@code
 * {"mcpServers": {
 *    "files":  {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "."], "env": {}},
 *    "github": {"url": "https://api.githubcopilot.com/mcp/", "headers": {"Authorization": "Bearer ${GITHUB_TOKEN}"},
 *               "allowTools": ["get_issue"], "approval": "ask"}}}
 * }</pre>
 *
 * A bad entry fails that server only ({@link Parsed#errors()}); a file that is not JSON fails the whole read.
 */
final class McpConfig {

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What one read found: entries by server name (in file order), and a sentence per entry that is unusable. */
    record Parsed(Map<String, ServerEntry> servers, Map<String, String> errors) { }

    private McpConfig() {
    }

    /** Empty when the file does not exist. */
    static Optional<Parsed> read(Path file, Function<String, Optional<String>> variables) throws IOException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        return Optional.of(parse(text, variables));
    }

    static Parsed parse(String text, Function<String, Optional<String>> variables) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException("is not valid JSON (" + e.getOriginalMessage() + "): send an object like "
                    + "{\"mcpServers\": {\"name\": {\"command\": \"...\", \"args\": []}}}");
        }
        if (root == null || !root.isObject() || !root.path("mcpServers").isObject()) {
            throw new IOException("has no \"mcpServers\" object: write {\"mcpServers\": {\"name\": {\"command\": "
                    + "\"...\"}}}");
        }
        Map<String, ServerEntry> servers = new LinkedHashMap<>();
        Map<String, String> errors = new LinkedHashMap<>();
        Set<String> prefixes = new LinkedHashSet<>();
        Iterator<Map.Entry<String, JsonNode>> fields = root.get("mcpServers").fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = field.getKey();
            try {
                ServerEntry entry = entry(name, field.getValue(), variables);
                String prefix = entry.toolPrefix();
                for (int n = 2; !prefixes.add(prefix); n++) {
                    prefix = entry.toolPrefix() + n;
                }
                if (!prefix.equals(entry.toolPrefix())) {
                    entry = new ServerEntry(entry.name(), prefix, entry.command(), entry.env(), entry.url(),
                            entry.headers(), entry.allowTools(), entry.denyTools(), entry.ask());
                }
                servers.put(name, entry);
            } catch (IllegalArgumentException e) {
                errors.put(name, e.getMessage());
            }
        }
        return new Parsed(servers, errors);
    }

    private static ServerEntry entry(String name, JsonNode node, Function<String, Optional<String>> variables) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("is not an object: give it \"command\" (and \"args\") or \"url\"");
        }
        if (node.path("disabled").asBoolean(false)) {
            throw new IllegalArgumentException("is disabled (\"disabled\": true)");
        }
        boolean hasCommand = node.hasNonNull("command");
        boolean hasUrl = node.hasNonNull("url");
        if (hasCommand == hasUrl) {
            throw new IllegalArgumentException(hasCommand
                    ? "has both \"command\" and \"url\": keep one"
                    : "has neither \"command\" (a local server) nor \"url\" (a remote one)");
        }
        String approval = text(node, "approval", "never", variables);
        if (!approval.equals("never") && !approval.equals("ask")) {
            throw new IllegalArgumentException("has \"approval\": \"" + approval + "\": expected \"ask\" or \"never\"");
        }
        Set<String> allow = new LinkedHashSet<>(strings(node, "allowTools", variables));
        Set<String> deny = new LinkedHashSet<>(strings(node, "denyTools", variables));
        String prefix = McpToolNames.sanitise(name, 40);
        if (hasCommand) {
            List<String> command = new ArrayList<>();
            command.add(text(node, "command", "", variables));
            if (command.get(0).isBlank()) {
                throw new IllegalArgumentException("has an empty \"command\"");
            }
            command.addAll(strings(node, "args", variables));
            return new ServerEntry(name, prefix, List.copyOf(command), map(node, "env", variables), null, Map.of(),
                    allow, deny, approval.equals("ask"));
        }
        String url = text(node, "url", "", variables);
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("has a \"url\" that is not a URL: give http(s)://host/path");
        }
        if (uri.getScheme() == null || !uri.getScheme().matches("https?") || uri.getHost() == null) {
            throw new IllegalArgumentException("has a \"url\" that is not http(s)://host/path");
        }
        return new ServerEntry(name, prefix, List.of(), Map.of(), uri, map(node, "headers", variables), allow, deny,
                approval.equals("ask"));
    }

    private static String text(JsonNode node, String field, String fallback,
                               Function<String, Optional<String>> variables) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isValueNode()) {
            throw new IllegalArgumentException("has a \"" + field + "\" that is not a string");
        }
        return expand(value.asText(), variables);
    }

    private static List<String> strings(JsonNode node, String field, Function<String, Optional<String>> variables) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw new IllegalArgumentException("has a \"" + field + "\" that is not a list of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isValueNode()) {
                throw new IllegalArgumentException("has a \"" + field + "\" that is not a list of strings");
            }
            out.add(expand(item.asText(), variables));
        }
        return List.copyOf(out);
    }

    private static Map<String, String> map(JsonNode node, String field, Function<String, Optional<String>> variables) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Map.of();
        }
        if (!value.isObject()) {
            throw new IllegalArgumentException("has \"" + field + "\" that is not an object of strings");
        }
        Map<String, String> out = new LinkedHashMap<>();
        value.fields().forEachRemaining(e -> out.put(e.getKey(), expand(e.getValue().asText(), variables)));
        return java.util.Collections.unmodifiableMap(out);
    }

    /** {@code ${NAME}} from the plugin's settings; a name it may not read, or that is unset, fails the entry. */
    static String expand(String value, Function<String, Optional<String>> variables) {
        Matcher m = VARIABLE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            Optional<String> resolved = variables.apply(name);
            if (resolved.isEmpty()) {
                throw new IllegalArgumentException("needs ${" + name + "}, which is unset or not readable: set "
                        + name + " in .env" + (name.startsWith("MCP_") ? "" : " and grant it (CORTANA_GRANT_MCP="
                        + name + "), or name it MCP_" + name));
            }
            m.appendReplacement(out, Matcher.quoteReplacement(resolved.get()));
        }
        m.appendTail(out);
        return out.toString();
    }
}
