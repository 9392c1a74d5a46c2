package dev.cortana.plugins.coding;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cortana.api.Approvals;
import dev.cortana.api.tools.AgentTool;
import dev.cortana.api.tools.ToolCall;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code execute_bash} tool: runs a command in the workspace with a time limit, returns the tail of its output,
 * its exit code when non-zero, and where the full output went when it was cut. With {@code BASH_APPROVAL=ask} the
 * master approves each command first.
 */
final class BashTool {

    private static final Logger log = LoggerFactory.getLogger(BashTool.class);
    static final int MAX_TIMEOUT_SECONDS = 3600;

    private final BashRunner runner;
    private final CodingSettings settings;
    private final Approvals approvals;

    BashTool(BashRunner runner, CodingSettings settings, Approvals approvals) {
        this.runner = runner;
        this.settings = settings;
        this.approvals = approvals;
    }

    AgentTool agentTool() {
        return new AgentTool(ToolSpecification.builder()
                .name("execute_bash")
                .description("Run a bash command in the workspace. Returns stdout+stderr (last "
                        + settings.bashMaxLines() + " lines), the exit code if non-zero.")
                .parameters(JsonObjectSchema.builder()
                        .addStringProperty("command")
                        .addIntegerProperty("timeout", "seconds, default " + settings.bashTimeoutSeconds())
                        .required("command")
                        .build())
                .build(), this::handle);
    }

    String handle(ToolCall call) throws Exception {
        String command = call.arguments().path("command").asText("");
        if (command.isBlank()) {
            throw new IllegalArgumentException("command is required");
        }
        int timeout = timeout(call.arguments().path("timeout"));
        if (settings.askApproval()) {
            Approvals.Decision decision = approvals.ask(
                    "Run this command?\n```\n" + command + "\n```", settings.approvalTimeout());
            if (decision != Approvals.Decision.APPROVED) {
                log.info("execute_bash: not run, the master {}", decision.describe());
                return "Not run: the user " + decision.describe() + ".";
            }
        }
        return format(runner.run(command, timeout));
    }

    private int timeout(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return settings.bashTimeoutSeconds();
        }
        if (!node.canConvertToInt() || node.asInt() < 1 || node.asInt() > MAX_TIMEOUT_SECONDS) {
            throw new IllegalArgumentException("timeout must be a whole number of seconds from 1 to " + MAX_TIMEOUT_SECONDS
                    + ", got " + node);
        }
        return node.asInt();
    }

    String format(BashResult result) {
        String text = lastLines(result.output(), settings.bashMaxLines());
        boolean cut = result.totalBytes() > settings.bashMaxBytes() || result.totalLines() > settings.bashMaxLines();
        StringBuilder out = new StringBuilder(text.length() + 200);
        out.append(text.isEmpty() ? "(no output)" : text);
        if (cut) {
            long shownLines = text.isEmpty() ? 0 : text.lines().count();
            out.append("\n\n[Output cut: showing the last ").append(shownLines).append(" of ").append(result.totalLines())
                    .append(" lines (").append(result.totalBytes()).append(" bytes in all).");
            Optional<java.nio.file.Path> file = result.fullOutput();
            if (file.isPresent()) {
                out.append(" Full output").append(result.totalBytes() > BashRunner.MAX_SAVED_BYTES ? " (first 64 MiB)" : "")
                        .append(": ").append(file.get());
            }
            out.append(']');
        }
        for (String note : result.notes()) {
            out.append("\n\n").append(note);
        }
        if (result.timedOut()) {
            out.append("\n\nCommand timed out after ").append(result.timeoutSeconds()).append(" seconds (killed).");
        } else if (result.exitCode() != 0) {
            out.append("\n\nExit code: ").append(result.exitCode());
        }
        return out.toString();
    }

    /** The last {@code max} lines, without the final newline. */
    static String lastLines(String text, int max) {
        String body = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        int end = body.length();
        for (int lines = 1; lines <= max; lines++) {
            int newline = body.lastIndexOf('\n', end - 1);
            if (newline < 0) {
                return body;
            }
            if (lines == max) {
                return body.substring(newline + 1);
            }
            end = newline;
        }
        return body;
    }
}
