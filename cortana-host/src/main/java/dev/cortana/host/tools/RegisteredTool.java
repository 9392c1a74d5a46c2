package dev.cortana.host.tools;

import dev.langchain4j.agent.tool.ToolSpecification;

/**
 * A tool as the agent sees it: what the model is offered, which plugin it came from, and how to run it.
 */
public record RegisteredTool(String pluginId, ToolSpecification specification, ToolInvoker invoker) {

    public String name() {
        return specification.name();
    }

    /**
     * Runs one call; {@code argumentsJson} is the model's JSON object. Returns the text, or a
     * {@link dev.cortana.api.tools.ToolResult} with files. Exceptions carry the user-facing reason.
     */
    @FunctionalInterface
    public interface ToolInvoker {
        Object invoke(String argumentsJson, String userId) throws Exception;
    }
}
