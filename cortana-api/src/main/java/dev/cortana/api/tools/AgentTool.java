package dev.cortana.api.tools;

import dev.langchain4j.agent.tool.ToolSpecification;
import java.util.Objects;

/**
 * A tool described at run time: what the model sees ({@code specification}) and what runs ({@code handler}).
 *
 * <pre>{@code
 * new AgentTool(
 *     ToolSpecification.builder()
 *         .name("echo")
 *         .description("Repeats the text")
 *         .parameters(JsonObjectSchema.builder().addStringProperty("text").required("text").build())
 *         .build(),
 *     call -> call.arguments().get("text").asText());
 * }</pre>
 *
 * @since 0.1.0
 */
public record AgentTool(ToolSpecification specification, ToolHandler handler) {
    public AgentTool {
        Objects.requireNonNull(specification, "specification");
        Objects.requireNonNull(handler, "handler");
    }

    /** A dynamic tool whose result may carry files for the user ({@link ToolResult}). */
    public static AgentTool withFiles(ToolSpecification specification, FileToolHandler handler) {
        Objects.requireNonNull(handler, "handler");
        return new AgentTool(specification, new ToolHandler() {
            @Override
            public String handle(ToolCall call) throws Exception {
                return handler.handle(call).text();
            }

            @Override
            public ToolResult result(ToolCall call) throws Exception {
                return handler.handle(call);
            }
        });
    }

    /** Runs one call of a dynamic tool made with {@link #withFiles}. */
    @FunctionalInterface
    public interface FileToolHandler {
        ToolResult handle(ToolCall call) throws Exception;
    }

    public String name() {
        return specification.name();
    }
}
