package dev.cortana.plugins.coding;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cortana.api.tools.ToolCall;

/** Reads and checks the file tools' arguments, with messages the model can act on. */
final class FileArguments {

    private FileArguments() {
    }

    static String requiredText(ToolCall call, String name) {
        JsonNode node = call.arguments().path(name);
        if (!node.isTextual() || node.asText().isEmpty()) {
            throw new IllegalArgumentException(name + " is required");
        }
        return node.asText();
    }

    /** A text argument that may be empty (the content of a file, the replacement text). */
    static String presentText(ToolCall call, String name) {
        JsonNode node = call.arguments().path(name);
        if (!node.isTextual()) {
            throw new IllegalArgumentException(name + " is required (text)");
        }
        return node.asText();
    }

    static int optionalPositive(ToolCall call, String name, int defaultValue) {
        JsonNode node = call.arguments().path(name);
        if (node.isMissingNode() || node.isNull()) {
            return defaultValue;
        }
        if (!node.canConvertToInt() || node.asInt() < 1) {
            throw new IllegalArgumentException(name + " must be a whole number of at least 1, got " + node);
        }
        return node.asInt();
    }
}
