package dev.cortana.host.channel.discord;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a reply into Discord messages of at most {@code limit} characters. Cuts fall on line boundaries; a code block
 * that spans a cut is closed at the end of one chunk and reopened (with its language) at the start of the next, so
 * every chunk renders on its own. A single line longer than a chunk is cut hard, as nothing better exists.
 */
public final class ReplySplitter {

    /** Discord's limit for one message's content. */
    public static final int DISCORD_LIMIT = 2000;

    private static final String FENCE = "```";

    private ReplySplitter() {
    }

    public static List<String> split(String text, int limit) {
        List<String> chunks = new ArrayList<>();
        if (text.length() <= limit) {
            chunks.add(text);
            return chunks;
        }
        StringBuilder chunk = new StringBuilder();
        String openFence = null; // the fence line (```lang) of the code block we are inside, or null
        for (String line : text.split("\n", -1)) {
            // Room needed besides the line: the newline before it, and a closing fence if we are in a block.
            for (String piece : pieces(line, limit - FENCE.length() * 2 - 24)) {
                int closing = openFence != null ? FENCE.length() + 1 : 0;
                int needed = (chunk.length() == 0 ? 0 : 1) + piece.length() + closing;
                if (chunk.length() > 0 && chunk.length() + needed > limit) {
                    if (openFence != null) {
                        chunk.append('\n').append(FENCE);
                    }
                    chunks.add(chunk.toString());
                    chunk.setLength(0);
                    if (openFence != null) {
                        chunk.append(openFence);
                    }
                }
                if (chunk.length() > 0) {
                    chunk.append('\n');
                }
                chunk.append(piece);
            }
            if (line.strip().startsWith(FENCE)) {
                openFence = openFence == null ? line.strip() : null;
            }
        }
        if (chunk.length() > 0) {
            chunks.add(chunk.toString());
        }
        return chunks;
    }

    /** A line that fits, or the line cut into pieces that do. */
    private static List<String> pieces(String line, int max) {
        if (line.length() <= max) {
            return List.of(line);
        }
        List<String> pieces = new ArrayList<>();
        for (int start = 0; start < line.length(); start += max) {
            pieces.add(line.substring(start, Math.min(line.length(), start + max)));
        }
        return pieces;
    }
}
