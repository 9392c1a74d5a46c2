package dev.cortana.host.conversation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.cortana.host.testing.ChildJvm;
import dev.cortana.host.testing.MutableClock;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ChatMessageSerializer;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each turn appends its messages to the user's journal; a crash mid-append costs at most the line being written. */
class ConversationJournalTest {

    private static final Duration TTL = Duration.ofMinutes(30);
    private static final String MODEL = "openai/gpt-4o";

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T09:00:00Z"));

    private ConversationCache open(ConversationFiles files) {
        return ConversationCache.open(files, clock, TTL);
    }

    private ConversationCache open() {
        return open(new ConversationFiles(dir, new TokenCounter()));
    }

    /** A small tool-call turn of always the same size. */
    private static List<ChatMessage> turn(int n) {
        return JournalKilledChild.turn(n).stream().map(m -> m instanceof ToolExecutionResultMessage r
                ? (ChatMessage) ToolExecutionResultMessage.from(r.id(), r.toolName(), "result %04d".formatted(n)) : m).toList();
    }

    private static String text(ChatMessage message) {
        return message instanceof UserMessage user ? user.singleText()
                : message instanceof AiMessage ai ? ai.text() : ((ToolExecutionResultMessage) message).text();
    }

    @Test
    void aTurnWritesAsManyBytesAtTurn400AsAtTurn10() throws Exception {
        TokenCounter tokens = new TokenCounter();
        ConversationFiles files = new ConversationFiles(dir, tokens);
        ConversationCache cache = open(files);
        long[] written = new long[401];
        for (int n = 1000; n <= 1400; n++) {
            tokens.count(MODEL, cache.history("u1")); // as the agent does before each request
            long before = files.bytesWritten();
            cache.append("u1", turn(n));
            written[n - 1000] = files.bytesWritten() - before;
        }

        assertThat(written[400]).isCloseTo(written[10], within(8L)); // a few more digits in the message index
        assertThat(written[400]).isLessThan(Files.size(dir.resolve("u1.json")) / 100);
        assertThat(open().history("u1")).hasSize(401 * 4);
    }

    @Test
    void aTornLastLineIsIgnoredAndEveryCompleteMessageBeforeItLoads() throws Exception {
        ConversationCache cache = open();
        for (int n = 0; n < 3; n++) {
            cache.append("u1", turn(n));
        }
        Path file = dir.resolve("u1.json");
        String journal = Files.readString(file);
        // a crash in the middle of the last line: the answer of turn 2
        Files.writeString(file, journal.substring(0, journal.lastIndexOf("answer 2") - 5));

        ConversationCache restarted = open();

        assertThat(restarted.history("u1")).hasSize(11).extracting(ConversationJournalTest::text)
                .startsWith("question 0").endsWith("result 0002");
        restarted.append("u1", turn(3)); // the journal goes on after the last complete line
        assertThat(open().history("u1")).hasSize(15).extracting(ConversationJournalTest::text).endsWith("answer 3");
    }

    @Test
    void aLineTornInsideACharacterIsIgnoredLikeAnyTornLine() throws Exception {
        ConversationCache cache = open();
        cache.append("u1", turn(0));
        cache.append("u1", List.of(UserMessage.from("coffee?"), AiMessage.from("Here: \u2615")));
        Path file = dir.resolve("u1.json");
        byte[] journal = Files.readAllBytes(file);
        int cup = new String(journal, java.nio.charset.StandardCharsets.ISO_8859_1).lastIndexOf("\u00e2\u0098\u0095");
        Files.write(file, java.util.Arrays.copyOf(journal, cup + 1)); // one byte of the three of the cup

        assertThat(open().history("u1")).hasSize(5).extracting(ConversationJournalTest::text).endsWith("coffee?");
    }

    @Test
    void aTurnTornBeforeItsToolResultKeepsEverythingBeforeTheUnansweredCall() throws Exception {
        ConversationCache cache = open();
        cache.append("u1", turn(0));
        cache.append("u1", turn(1));
        Path file = dir.resolve("u1.json");
        String journal = Files.readString(file);
        Files.writeString(file, journal.substring(0, journal.lastIndexOf("result 0001")));

        List<ChatMessage> restored = open().history("u1");

        // providers refuse a tool call without its result: the call of turn 1 goes with the torn result
        assertThat(restored).hasSize(5).extracting(ConversationJournalTest::text).endsWith("answer 0", "question 1");
        assertThat(open().history("u1")).hasSize(5);
    }

    @Test
    void aCorruptLineInTheMiddleKeepsWhatCameBeforeItAndACopyForInspection() throws Exception {
        ConversationCache cache = open();
        cache.append("u1", turn(0));
        cache.append("u1", turn(1));
        Path file = dir.resolve("u1.json");
        String journal = Files.readString(file);
        int questionOne = journal.indexOf("question 1");
        Files.writeString(file, journal.substring(0, questionOne) + "\u0000garbage" + journal.substring(questionOne + 10));

        assertThat(open().history("u1")).hasSize(4).extracting(ConversationJournalTest::text).endsWith("answer 0");
        assertThat(dir.resolve("u1.json.corrupt")).exists();
    }

    @Test
    void aFileOfVersion1LoadsAndTheNextTurnsAreAppendedToAJournal() throws Exception {
        Files.writeString(dir.resolve("u1.json"), "{\"version\":1,\"userId\":\"u1\",\"lastActive\":"
                + clock.instant().toEpochMilli() + ",\"summary\":\"earlier: the user likes tea\",\"messages\":"
                + ChatMessageSerializer.messagesToJson(turn(0)) + ",\"tokens\":{}}");

        ConversationCache cache = open();
        cache.append("u1", turn(1));
        cache.append("u1", turn(2));

        List<ChatMessage> restored = open().history("u1");
        assertThat(restored).hasSize(13);
        assertThat(text(restored.get(1))).isEqualTo("question 0");
        assertThat(Files.readString(dir.resolve("u1.json"))).startsWith("{\"version\":2,").contains("\n{\"at\":");
    }

    @Test
    void compactionRewritesTheJournalWithOnlyTheSummaryAndTheKeptMessages() throws Exception {
        ConversationCache cache = open();
        List<ChatMessage> old = turn(0);
        cache.append("u1", old);
        cache.append("u1", turn(1));

        cache.replaceWithSummary("u1", "the user read notes-0", old);
        cache.append("u1", turn(2));

        assertThat(Files.readString(dir.resolve("u1.json"))).doesNotContain("question 0").contains("notes-0");
        assertThat(open().history("u1")).hasSize(9);
    }

    @Test
    void aProcessKilledMidAppendLeavesAReadableJournalWithEveryCompleteMessage() throws Exception {
        Process child = ChildJvm.start(JournalKilledChild.class, dir.toString());
        try {
            ChildJvm.awaitLine(child, JournalKilledChild.READY, Duration.ofSeconds(60));
            Thread.sleep(ThreadLocalRandom.current().nextInt(5, 60));
        } finally {
            child.destroyForcibly(); // SIGKILL, most likely in the middle of a 100 KB line
            child.waitFor();
        }

        List<ChatMessage> restored = open().history("u1");

        assertThat(restored.size()).isGreaterThanOrEqualTo(6 * 4);
        for (int i = 0; i < restored.size(); i++) {
            int n = i / 4;
            String expected = switch (i % 4) {
                case 0 -> "question " + n;
                case 2 -> JournalKilledChild.result(n);
                case 3 -> "answer " + n;
                default -> null;
            };
            if (expected != null) {
                assertThat(text(restored.get(i))).isEqualTo(expected);
            }
        }
        assertThat(Files.readString(dir.resolve("u1.json"))).endsWith("\n");
    }
}
