package dev.cortana.plugins.coding;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A text file's content with its byte-order mark and line endings taken out, so an edit can match text the model
 * wrote with plain {@code \n} and the file can be written back in its own style.
 *
 * @param text the content, without a BOM and with {@code \n} line endings
 * @param bom  whether the file started with a UTF-8 byte-order mark
 * @param crlf whether the file used {@code \r\n} line endings
 */
record TextFile(String text, boolean bom, boolean crlf) {

    static TextFile read(Path file) throws IOException {
        String raw = Files.readString(file, StandardCharsets.UTF_8);
        boolean bom = raw.startsWith("\uFEFF");
        if (bom) {
            raw = raw.substring(1);
        }
        boolean crlf = raw.contains("\r\n");
        return new TextFile(crlf ? raw.replace("\r\n", "\n") : raw, bom, crlf);
    }

    /** The same file style with other content. */
    TextFile with(String newText) {
        return new TextFile(newText, bom, crlf);
    }

    void write(Path file) throws IOException {
        String out = crlf ? text.replace("\n", "\r\n") : text;
        Files.writeString(file, bom ? "\uFEFF" + out : out, StandardCharsets.UTF_8);
    }
}
