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
 */
public record AgentTool(ToolSpecification specification, ToolHandler handler) {
    public AgentTool {
        Objects.requireNonNull(specification, "specification");
        Objects.requireNonNull(handler, "handler");
    }

    public String name() {
        return specification.name();
    }
}
