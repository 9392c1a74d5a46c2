package dev.cortana.api.tools;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One call of a dynamic tool.
 *
 * @param toolName  the tool's name
 * @param arguments the arguments the model sent, as a JSON object (never null; empty when there were none)
 * @param userId    the id of the user the agent is serving (the master user's Discord id, or the console user)
 * @since 0.1.0
 */
public record ToolCall(String toolName, JsonNode arguments, String userId) {
}
