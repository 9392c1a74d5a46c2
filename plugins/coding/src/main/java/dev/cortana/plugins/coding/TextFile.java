package dev.cortana.plugins.coding;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A text file's content with its byte-order mark and line endings taken out, so an edit can match text the model
 * wrote with plain {@code \n} and the file can be written back in its own style.
 *
 * @param text the content, without a BOM and with {@code \n} line endings
 * @param bom  whether the file started with a UTF-8 byte-order mark
 * @param crlf whether the file used {@code \r\n} line endings
 */
record TextFile(String text, boolean bom, boolean crlf) {

    /** The file style and text of {@code bytes}; throws when they are not UTF-8. */
    static TextFile parse(byte[] bytes) throws CharacterCodingException {
        String raw = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
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

    /** The content in the file's own style, as UTF-8. */
    byte[] bytes() {
        String out = crlf ? text.replace("\n", "\r\n") : text;
        return (bom ? "\uFEFF" + out : out).getBytes(StandardCharsets.UTF_8);
    }
}
