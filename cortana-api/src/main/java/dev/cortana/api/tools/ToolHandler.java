package dev.cortana.api.tools;

/**
 * Runs one call of a dynamic tool. The returned text is what the model reads. Throw an exception with a clear
 * message for a bad argument: the host turns it into an "Error: ..." tool result.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface ToolHandler {

    String handle(ToolCall call) throws Exception;

    /** The full result; the host calls this. Text-only by default; {@link AgentTool#withFiles} attaches files. */
    default ToolResult result(ToolCall call) throws Exception {
        return ToolResult.text(handle(call));
    }
}
