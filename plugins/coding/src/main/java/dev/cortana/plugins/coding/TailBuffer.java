package dev.cortana.plugins.coding;

import java.nio.charset.StandardCharsets;

/**
 * The last bytes a command printed, in a fixed-size ring, so memory stays flat however much it prints. Also counts
 * every byte and line seen, to tell whether the shown tail is the whole output.
 */
final class TailBuffer {

    private final byte[] ring;
    private long total;
    private long newlines;
    private int lastByte = -1;

    TailBuffer(int capacity) {
        this.ring = new byte[capacity];
    }

    void write(byte[] chunk, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            if (chunk[i] == '\n') {
                newlines++;
            }
        }
        if (length > 0) {
            lastByte = chunk[offset + length - 1];
        }
        if (ring.length == 0) {
            total += length;
            return;
        }
        int start = offset;
        int count = length;
        if (count > ring.length) {
            start += count - ring.length;
            count = ring.length;
        }
        int position = (int) ((total + start - offset) % ring.length);
        int first = Math.min(count, ring.length - position);
        System.arraycopy(chunk, start, ring, position, first);
        System.arraycopy(chunk, start + first, ring, 0, count - first);
        total += length;
    }

    long newlines() {
        return newlines;
    }

    int keptCapacity() {
        return ring.length;
    }

    long totalBytes() {
        return total;
    }

    /** Lines as a reader counts them: a last line without a newline counts too. */
    long totalLines() {
        return newlines + (lastByte != -1 && lastByte != '\n' ? 1 : 0);
    }

    /** The kept bytes, oldest first. */
    byte[] keptBytes() {
        int kept = (int) Math.min(total, ring.length);
        byte[] bytes = new byte[kept];
        int start = (int) ((total - kept) % Math.max(1, ring.length));
        int first = Math.min(kept, ring.length - start);
        System.arraycopy(ring, start, bytes, 0, first);
        System.arraycopy(ring, 0, bytes, first, kept - first);
        return bytes;
    }

    /** The kept tail, starting on a UTF-8 character boundary when the start was cut off. */
    String tail() {
        byte[] bytes = keptBytes();
        int kept = bytes.length;
        int skip = 0;
        if (kept < total) {
            // Continuation bytes (10xxxxxx) belong to a character whose first byte was dropped.
            while (skip < bytes.length && (bytes[skip] & 0xC0) == 0x80) {
                skip++;
            }
        }
        return new String(bytes, skip, bytes.length - skip, StandardCharsets.UTF_8);
    }
}
