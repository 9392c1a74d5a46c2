package dev.cortana.plugins.coding;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TailBufferTest {

    @Test
    void keepsOnlyTheLastBytesAcrossManySmallWrites() {
        TailBuffer buffer = new TailBuffer(5);
        for (char c : "abcdefghij".toCharArray()) {
            buffer.write(new byte[] {(byte) c}, 0, 1);
        }

        assertThat(buffer.tail()).isEqualTo("fghij");
        assertThat(buffer.totalBytes()).isEqualTo(10);
    }

    @Test
    void aWriteLargerThanTheBufferKeepsItsEnd() {
        TailBuffer buffer = new TailBuffer(4);
        buffer.write("xy".getBytes(StandardCharsets.UTF_8), 0, 2);
        byte[] big = "0123456789".getBytes(StandardCharsets.UTF_8);
        buffer.write(big, 0, big.length);

        assertThat(buffer.tail()).isEqualTo("6789");
    }

    @Test
    void aCutThreeByteCharacterIsDroppedWhole() {
        TailBuffer buffer = new TailBuffer(7);
        byte[] euros = "€€€".getBytes(StandardCharsets.UTF_8);
        buffer.write(euros, 0, euros.length);

        assertThat(buffer.tail()).isEqualTo("€€");
    }

    @Test
    void countsLinesIncludingAnUnterminatedLastOne() {
        TailBuffer buffer = new TailBuffer(3);
        byte[] text = "a\nb\nc".getBytes(StandardCharsets.UTF_8);
        buffer.write(text, 0, text.length);

        assertThat(buffer.totalLines()).isEqualTo(3);
    }
}
