package dev.cortana.host.channel.discord;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ReplySplitterTest {

    private static String lines(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> prefix + " line " + i).collect(Collectors.joining("\n"));
    }

    @Test
    void shortReplyIsOneMessage() {
        assertThat(ReplySplitter.split("hello", 2000)).containsExactly("hello");
    }

    @Test
    void longReplyIsCutAtLineBoundariesAndLosesNothing() {
        String text = lines("prose", 300);

        List<String> chunks = ReplySplitter.split(text, 2000);

        assertThat(chunks).hasSizeGreaterThan(1).allMatch(c -> c.length() <= 2000);
        assertThat(String.join("\n", chunks)).isEqualTo(text);
        assertThat(chunks).allMatch(c -> c.startsWith("prose line ") && c.matches("(?s).*line \\d+"));
    }

    @Test
    void codeBlockAcrossACutIsClosedAndReopenedWithItsLanguage() {
        String text = "Here is the code:\n```java\n" + lines("int x = 0; //", 200) + "\n```\nThat's all.";

        List<String> chunks = ReplySplitter.split(text, 2000);

        assertThat(chunks).hasSizeGreaterThan(1).allMatch(c -> c.length() <= 2000);
        for (String chunk : chunks) {
            long fences = chunk.lines().filter(l -> l.startsWith("```")).count();
            assertThat(fences).as("every chunk's code blocks are closed:\n" + chunk).isEven();
        }
        assertThat(chunks.get(1)).startsWith("```java\n");
        assertThat(chunks.get(0)).endsWith("\n```");
        assertThat(chunks.get(chunks.size() - 1)).endsWith("```\nThat's all.");
    }

    @Test
    void lineLongerThanAMessageIsCutHard() {
        String text = "x".repeat(5000);

        List<String> chunks = ReplySplitter.split(text, 2000);

        assertThat(chunks).allMatch(c -> c.length() <= 2000);
        assertThat(String.join("", chunks).replace("\n", "")).isEqualTo(text);
    }
}
