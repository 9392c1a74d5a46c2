package dev.cortana.plugins.coding;

import dev.cortana.api.Workspace;
import dev.cortana.api.tools.AgentTool;
import dev.cortana.api.tools.ToolCall;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code write_file} and {@code edit_file} tools. Both refuse the workspace's read-only prompt files
 * ({@code IDENTITY.md}, {@code TOOLS.md}) however the path is spelled.
 */
final class WriteFileTools {

    private final Workspace workspace;

    WriteFileTools(Workspace workspace) {
        this.workspace = workspace;
    }

    AgentTool writeTool() {
        return new AgentTool(ToolSpecification.builder()
                .name("write_file")
                .description("Create or overwrite a file (creates parent folders).")
                .parameters(JsonObjectSchema.builder()
                        .addStringProperty("path")
                        .addStringProperty("content")
                        .required("path", "content")
                        .build())
                .build(), this::write);
    }

    AgentTool editTool() {
        return new AgentTool(ToolSpecification.builder()
                .name("edit_file")
                .description("Replace old_text with new_text in a file; old_text must occur exactly once.")
                .parameters(JsonObjectSchema.builder()
                        .addStringProperty("path")
                        .addStringProperty("old_text")
                        .addStringProperty("new_text")
                        .required("path", "old_text", "new_text")
                        .build())
                .build(), this::edit);
    }

    String write(ToolCall call) throws IOException {
        String spelled = FileArguments.requiredText(call, "path");
        String content = FileArguments.presentText(call, "content");
        Path file = writable(spelled);
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException(spelled + " is a directory");
        }
        Files.createDirectories(file.getParent());
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        Files.write(file, bytes);
        return "Wrote " + bytes.length + " bytes to " + spelled;
    }

    String edit(ToolCall call) throws IOException {
        String spelled = FileArguments.requiredText(call, "path");
        String oldText = FileArguments.requiredText(call, "old_text").replace("\r\n", "\n");
        String newText = FileArguments.presentText(call, "new_text").replace("\r\n", "\n");
        Path file = writable(spelled);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("File not found: " + spelled);
        }
        TextFile before;
        try {
            before = TextFile.read(file);
        } catch (MalformedInputException e) {
            throw new IllegalArgumentException(spelled + " is not a UTF-8 text file; edit_file cannot change it");
        }
        int first = before.text().indexOf(oldText);
        if (first < 0) {
            throw new IllegalArgumentException("old_text not found in " + spelled
                    + "; it must match the file exactly, including spaces and indentation");
        }
        int count = occurrences(before.text(), oldText);
        if (count > 1) {
            throw new IllegalArgumentException("old_text occurs " + count + " times in " + spelled
                    + "; include more surrounding text so it occurs once");
        }
        String after = before.text().substring(0, first) + newText + before.text().substring(first + oldText.length());
        if (after.equals(before.text())) {
            throw new IllegalArgumentException("no changes: new_text is the same as old_text");
        }
        before.with(after).write(file);
        return "Edited " + spelled + "\n" + EditDiff.between(before.text(), after);
    }

    private Path writable(String spelled) {
        Path file = workspace.resolve(spelled);
        if (workspace.isReadOnly(file)) {
            throw new IllegalArgumentException(file.getFileName() + " is read-only: the agent may not change it");
        }
        return file;
    }

    private static int occurrences(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
            count++;
        }
        return count;
    }
}
