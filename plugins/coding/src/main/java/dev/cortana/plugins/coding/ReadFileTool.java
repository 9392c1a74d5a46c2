package dev.cortana.plugins.coding;

import dev.cortana.api.tools.AgentTool;
import dev.cortana.api.tools.ToolCall;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The {@code read_file} tool: a window of a text file's lines (1-based {@code offset}, {@code limit}), at most
 * {@code FILE_READ_MAX_LINES} lines and {@link #MAX_BYTES} per call, with a hint where to continue when cut.
 */
final class ReadFileTool {

    static final int MAX_BYTES = 50 * 1024;
    private static final int SNIFF_BYTES = 8192;

    private final ConfinedFiles files;
    private final int maxLines;

    ReadFileTool(ConfinedFiles files, int maxLines) {
        this.files = files;
        this.maxLines = maxLines;
    }

    AgentTool agentTool() {
        return new AgentTool(ToolSpecification.builder()
                .name("read_file")
                .description("Read a text file (path relative to the workspace or absolute). Up to " + maxLines
                        + " lines per call; use offset to continue.")
                .parameters(JsonObjectSchema.builder()
                        .addStringProperty("path")
                        .addIntegerProperty("offset", "first line, 1-based")
                        .addIntegerProperty("limit", "max lines")
                        .required("path")
                        .build())
                .build(), this::handle);
    }

    String handle(ToolCall call) throws IOException {
        String spelled = FileArguments.requiredText(call, "path");
        int offset = FileArguments.optionalPositive(call, "offset", 1);
        int limit = Math.min(FileArguments.optionalPositive(call, "limit", maxLines), maxLines);
        return read(spelled, offset, limit);
    }

    String read(String spelled, int offset, int limit) throws IOException {
        ConfinedFiles.Target target = files.resolve(spelled, ConfinedFiles.Access.READ);
        if (!target.exists()) {
            throw new IllegalArgumentException("File not found: " + spelled);
        }
        if (target.attributes().isDirectory()) {
            throw new IllegalArgumentException(spelled + " is a directory; list it with execute_bash (ls)");
        }
        if (!target.attributes().isRegularFile()) {
            throw new IllegalArgumentException(spelled + " is not a regular file (a device, socket or pipe); not read");
        }
        // One handle for everything: the file checked is the file read, even if a link is swapped in meanwhile.
        try (ConfinedFiles.Folder folder = files.openFolder(target, false);
             SeekableByteChannel channel = folder.openChecked()) {
            if (looksBinary(channel)) {
                return spelled + " is a binary file (" + channel.size() + " bytes); not shown as text.";
            }
            channel.position(0);
            return lines(spelled, target.path(), Channels.newInputStream(channel), offset, limit);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("File not found: " + spelled);
        }
    }

    private String lines(String spelled, Path file, InputStream input, int offset, int limit) throws IOException {
        // A skill names its own folder {baseDir} so it works wherever it is installed.
        String baseDir = file.getFileName().toString().equals("SKILL.md") ? file.getParent().toString() : null;
        StringBuilder shown = new StringBuilder();
        int lineNumber = 0;
        int lastShown = 0;
        boolean byteLimitHit = false;
        long shownBytes = 0;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(input,
                StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                        .onUnmappableCharacter(CodingErrorAction.REPLACE)))) {
            String line;
            while ((line = reader.readLine()) != null) {
                lineNumber++;
                if (lineNumber == 1 && line.startsWith("\uFEFF")) {
                    line = line.substring(1);
                }
                if (baseDir != null) {
                    line = line.replace("{baseDir}", baseDir);
                }
                if (lineNumber < offset || byteLimitHit || lineNumber >= offset + limit) {
                    continue;
                }
                long lineBytes = line.getBytes(StandardCharsets.UTF_8).length + 1L;
                if (shownBytes + lineBytes > MAX_BYTES) {
                    byteLimitHit = true;
                    if (lastShown < offset) {
                        return "[Line " + lineNumber + " of " + spelled + " is " + lineBytes + " bytes, over the "
                                + MAX_BYTES + "-byte limit. Show part of it with execute_bash: head -c " + MAX_BYTES
                                + " or cut.]";
                    }
                    continue;
                }
                shown.append(line).append('\n');
                shownBytes += lineBytes;
                lastShown = lineNumber;
            }
        }
        int total = lineNumber;
        if (total == 0) {
            return "(empty file)";
        }
        if (offset > total) {
            throw new IllegalArgumentException("offset " + offset + " is past the end of " + spelled + " (" + total
                    + " lines)");
        }
        if (lastShown < total) {
            shown.append("\n[Showing lines ").append(offset).append('-').append(lastShown).append(" of ").append(total)
                    .append(". Use offset=").append(lastShown + 1).append(" to continue.]");
        } else if (shown.length() > 0) {
            shown.setLength(shown.length() - 1);
        }
        return shown.toString();
    }

    /** NUL bytes or bytes that are not UTF-8 in the first few kilobytes mean the file is not text. */
    static boolean looksBinary(SeekableByteChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(SNIFF_BYTES);
        while (buffer.hasRemaining() && channel.read(buffer) > 0) {
            // fill the sniff window
        }
        byte[] head = Arrays.copyOf(buffer.array(), buffer.position());
        for (byte b : head) {
            if (b == 0) {
                return true;
            }
        }
        int end = head.length;
        if (head.length == SNIFF_BYTES) {
            // The sniffed window may end inside a multi-byte character: ignore an incomplete last sequence.
            int back = 0;
            while (back < 3 && end - back - 1 >= 0 && (head[end - back - 1] & 0xC0) == 0x80) {
                back++;
            }
            if (end - back - 1 >= 0 && (head[end - back - 1] & 0xC0) == 0xC0) {
                end = end - back - 1;
            }
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(Arrays.copyOf(head, end)));
            return false;
        } catch (CharacterCodingException e) {
            return true;
        }
    }
}
