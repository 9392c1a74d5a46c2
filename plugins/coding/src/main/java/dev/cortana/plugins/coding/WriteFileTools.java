package dev.cortana.plugins.coding;

import dev.cortana.api.Approvals;
import dev.cortana.api.tools.AgentTool;
import dev.cortana.api.tools.ToolCall;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code write_file} and {@code edit_file} tools. Both work only inside the workspace (or the folders
 * {@link CodingSettings#fileRoots()} allows), refuse Cortana's private files and the read-only prompt files
 * ({@code IDENTITY.md}, {@code TOOLS.md}) however the path is spelled or linked, and never write through a link:
 * see {@link ConfinedFiles}. With {@code BASH_APPROVAL=ask} the master approves each write first.
 */
final class WriteFileTools {

    private static final Logger log = LoggerFactory.getLogger(WriteFileTools.class);
    private static final int PREVIEW_LINES = 20;
    private static final int PREVIEW_LINE_CHARS = 200;

    private final ConfinedFiles files;
    private final CodingSettings settings;
    private final Approvals approvals;

    WriteFileTools(ConfinedFiles files, CodingSettings settings, Approvals approvals) {
        this.files = files;
        this.settings = settings;
        this.approvals = approvals;
    }

    AgentTool writeTool() {
        return new AgentTool(ToolSpecification.builder()
                .name("write_file")
                .description("Create or overwrite a file in the workspace (creates parent folders).")
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
        ConfinedFiles.Target target = files.resolve(spelled, ConfinedFiles.Access.WRITE);
        if (target.exists() && target.attributes().isDirectory()) {
            throw new IllegalArgumentException(spelled + " is a directory");
        }
        if (target.exists() && !target.attributes().isRegularFile()) {
            throw new IllegalArgumentException(spelled + " is not a regular file (a device, socket or pipe); not written");
        }
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        if (settings.askApproval()) {
            String question = "Write this file?\n" + shown(target) + " (" + bytes.length + " bytes"
                    + (target.exists() ? ", replacing " + target.attributes().size() + " bytes" : ", a new file")
                    + ")\n```\n" + preview(content) + "\n```";
            Approvals.Decision decision = approvals.ask(question, settings.approvalTimeout());
            if (decision != Approvals.Decision.APPROVED) {
                log.info("write_file: not written, the master {}", decision.describe());
                return "Not written: the user " + decision.describe() + ".";
            }
            // Checked again after the wait: what was approved is what gets written.
            ConfinedFiles.Target now = files.resolve(spelled, ConfinedFiles.Access.WRITE);
            if (!now.path().equals(target.path())) {
                throw new IllegalArgumentException(spelled + " changed while waiting for approval; nothing was written");
            }
            target = now;
        }
        try (ConfinedFiles.Folder folder = files.openFolder(target, true)) {
            folder.replace(bytes);
        }
        return "Wrote " + bytes.length + " bytes to " + spelled;
    }

    String edit(ToolCall call) throws IOException {
        String spelled = FileArguments.requiredText(call, "path");
        String oldText = FileArguments.requiredText(call, "old_text").replace("\r\n", "\n");
        String newText = FileArguments.presentText(call, "new_text").replace("\r\n", "\n");
        ConfinedFiles.Target target = files.resolve(spelled, ConfinedFiles.Access.WRITE);
        if (!target.exists() || !target.attributes().isRegularFile()) {
            throw new IllegalArgumentException("File not found: " + spelled);
        }
        // Read and written through one folder handle, the file's identity checked: the file edited is the file read.
        try (ConfinedFiles.Folder folder = files.openFolder(target, false)) {
            byte[] raw = folder.readChecked();
            TextFile before;
            try {
                before = TextFile.parse(raw);
            } catch (CharacterCodingException e) {
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
            String after = before.text().substring(0, first) + newText
                    + before.text().substring(first + oldText.length());
            if (after.equals(before.text())) {
                throw new IllegalArgumentException("no changes: new_text is the same as old_text");
            }
            String diff = EditDiff.between(before.text(), after);
            if (settings.askApproval()) {
                Approvals.Decision decision = approvals.ask("Edit this file?\n" + shown(target) + "\n```diff\n"
                        + unfenced(diff) + "\n```", settings.approvalTimeout());
                if (decision != Approvals.Decision.APPROVED) {
                    log.info("edit_file: not edited, the master {}", decision.describe());
                    return "Not edited: the user " + decision.describe() + ".";
                }
                if (!Arrays.equals(folder.readChecked(), raw)) {
                    throw new IllegalArgumentException(spelled + " changed while waiting for approval; nothing was "
                            + "edited. Read it again.");
                }
            }
            folder.replace(before.with(after).bytes());
            return "Edited " + spelled + "\n" + diff;
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("File not found: " + spelled);
        }
    }

    /** The path as the model spelled it, and where it really leads when that is elsewhere (a link). */
    private String shown(ConfinedFiles.Target target) {
        return target.spelled() + (target.asked().equals(target.path()) ? "" : " (-> " + target.path() + ")");
    }

    /** The first lines of new content, each cut short, for an approval question. */
    static String preview(String content) {
        List<String> lines = content.lines().toList();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(lines.size(), PREVIEW_LINES); i++) {
            String line = unfenced(lines.get(i));
            out.append(line.length() > PREVIEW_LINE_CHARS ? line.substring(0, PREVIEW_LINE_CHARS) + "…" : line)
                    .append('\n');
        }
        if (lines.size() > PREVIEW_LINES) {
            out.append("... (").append(lines.size() - PREVIEW_LINES).append(" more lines)\n");
        }
        return out.toString().stripTrailing();
    }

    /** Text shown inside a code block: a fence in it would end the block early (a zero-width space breaks it). */
    private static String unfenced(String text) {
        return text.replace("```", "`\u200b``");
    }

    private static int occurrences(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
            count++;
        }
        return count;
    }
}
