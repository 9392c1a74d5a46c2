package dev.cortana.api.tools;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A tool result with files for the user: the model reads {@code text}; the files go along with the reply (on
 * Discord as attachments, on the console as their paths). Return it from a {@code @Tool} method, or from a dynamic
 * tool made with {@link AgentTool#withFiles}.
 *
 * <pre>{@code
 * @Tool("Exports the calendar as an .ics file")
 * public ToolResult exportCalendar() throws IOException {
 *     Path file = Files.writeString(folder.resolve("calendar.ics"), ics);
 *     return ToolResult.withFiles("Exported 12 events; the file is attached to the reply.", file);
 * }
 * }</pre>
 *
 * @param text  what the model reads
 * @param files files to attach to the reply; each must exist when the tool returns (larger than 10 MB: only the path
 *              is shown)
 * @since 0.1.0
 */
public record ToolResult(String text, List<Path> files) {

    public ToolResult {
        Objects.requireNonNull(text, "text");
        files = List.copyOf(files);
    }

    public static ToolResult text(String text) {
        return new ToolResult(text, List.of());
    }

    public static ToolResult withFiles(String text, Path... files) {
        return new ToolResult(text, List.of(files));
    }

    @Override
    public String toString() {
        return text;
    }
}
