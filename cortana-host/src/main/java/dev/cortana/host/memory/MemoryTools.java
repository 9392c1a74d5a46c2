package dev.cortana.host.memory;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cortana.api.memory.MemoryFact;
import dev.cortana.api.tools.AgentTool;
import dev.cortana.api.tools.ToolCall;
import dev.cortana.api.tools.ToolProvider;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The host's memory tools, offered only while a memory provider is active: {@code remember} (a fact the user wants
 * kept), {@code recall} (search what is known) and {@code forget} (an id from {@code recall}). Each call acts on the
 * calling user's facts only. Descriptions are terse: all three cost under 600 bytes of every model request.
 */
public final class MemoryTools implements ToolProvider {

    /** The id the tools are listed under (the host's, not a plugin's). */
    public static final String OWNER = "memory";
    static final int RECALL_LIMIT = 8;

    private final ActiveMemory memory;

    public MemoryTools(ActiveMemory memory) {
        this.memory = memory;
    }

    @Override
    public List<AgentTool> dynamicTools() {
        if (memory.provider().isEmpty()) {
            return List.of();
        }
        return List.of(
                new AgentTool(tool("remember", "Save a lasting fact about the user, one sentence", "fact"),
                        this::remember),
                new AgentTool(tool("recall", "Search saved facts about the user", "query"), this::recall),
                new AgentTool(tool("forget", "Delete a saved fact by its id from recall", "id"), this::forget));
    }

    private String remember(ToolCall call) throws Exception {
        String fact = text(call.arguments(), "fact");
        if (fact.isEmpty()) {
            throw new IllegalArgumentException("Send the fact to remember as one sentence in \"fact\".");
        }
        MemoryFact stored = memory.remember(call.userId(), fact);
        return "Remembered [" + stored.id() + "] " + stored.text();
    }

    private String recall(ToolCall call) throws Exception {
        String query = text(call.arguments(), "query");
        if (query.isEmpty()) {
            throw new IllegalArgumentException("Send what to look for in \"query\".");
        }
        List<MemoryFact> facts = memory.recall(call.userId(), query, RECALL_LIMIT);
        if (facts.isEmpty()) {
            return "Nothing saved matches \"" + query + "\".";
        }
        return facts.stream().map(MemoryTools::line).collect(Collectors.joining("\n"));
    }

    private String forget(ToolCall call) throws Exception {
        String id = text(call.arguments(), "id");
        if (id.isEmpty()) {
            throw new IllegalArgumentException("Send the fact's id (from recall) in \"id\".");
        }
        if (!memory.forget(call.userId(), id)) {
            return "No saved fact has id " + id + "; call recall to find the fact's id.";
        }
        String note = memory.forgetNote();
        return "Forgot fact " + id + "." + (note.isEmpty() ? "" : " " + note);
    }

    /** {@code [id] text (source)}: how recall and {@code /memory} show a fact. */
    static String line(MemoryFact fact) {
        return "[" + fact.id() + "] " + fact.text() + (fact.source().isBlank() ? "" : " (" + fact.source() + ")");
    }

    /** One string parameter, self-explaining, without a description of its own (bytes in every request). */
    private static ToolSpecification tool(String name, String description, String parameter) {
        return ToolSpecification.builder().name(name).description(description)
                .parameters(JsonObjectSchema.builder().addStringProperty(parameter).required(parameter).build())
                .build();
    }

    private static String text(JsonNode arguments, String name) {
        JsonNode value = arguments.get(name);
        return value == null || value.isNull() ? "" : value.asText().strip();
    }
}
