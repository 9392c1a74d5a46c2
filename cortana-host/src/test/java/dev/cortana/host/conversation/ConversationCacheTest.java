package dev.cortana.host.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.host.testing.MutableClock;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConversationCacheTest {

    private static final Duration TTL = Duration.ofMinutes(30);

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T09:00:00Z"));

    private ConversationCache open() {
        return ConversationCache.open(new ConversationFiles(dir, new TokenCounter()), clock, TTL);
    }

    private static List<ChatMessage> exchange(String question, String answer) {
        return List.of(UserMessage.from(question), AiMessage.from(answer));
    }

    @Test
    void silenceLongerThanTheTtlStartsAFreshConversation() {
        ConversationCache cache = open();
        cache.append("u1", exchange("hi", "hello"));

        clock.advance(TTL.plusSeconds(1));

        assertThat(cache.history("u1")).isEmpty();
        assertThat(Files.exists(dir.resolve("u1.json"))).isFalse();
    }

    @Test
    void everyInteractionRestartsTheTtl() {
        ConversationCache cache = open();
        cache.append("u1", exchange("one", "1"));
        clock.advance(TTL.minusMinutes(1));
        cache.append("u1", exchange("two", "2"));
        clock.advance(TTL.minusMinutes(1));

        assertThat(cache.history("u1")).hasSize(4);
    }

    @Test
    void aRestartRestoresTheConversationWithToolCallsIntact() {
        ToolExecutionRequest call = ToolExecutionRequest.builder().id("call_1").name("list_todos").arguments("{}").build();
        open().append("u1", List.of(UserMessage.from("my todos?"), AiMessage.from(List.of(call)),
                ToolExecutionResultMessage.from(call, "1. feed the cat"), AiMessage.from("You have one: feed the cat.")));

        List<ChatMessage> restored = open().history("u1");

        assertThat(restored).hasSize(4);
        assertThat(((AiMessage) restored.get(1)).toolExecutionRequests()).containsExactly(call);
        assertThat(((ToolExecutionResultMessage) restored.get(2)).text()).isEqualTo("1. feed the cat");
    }

    @Test
    void expiredConversationsAreNotRestoredAndTheirFilesAreRemoved() {
        open().append("u1", exchange("hi", "hello"));
        clock.advance(TTL.plusSeconds(1));

        assertThat(open().history("u1")).isEmpty();
        assertThat(Files.exists(dir.resolve("u1.json"))).isFalse();
    }

    @Test
    void aCorruptFileIsMovedAsideAndTheOtherConversationsLoad() throws Exception {
        open().append("u1", exchange("hi", "hello"));
        Files.writeString(dir.resolve("u2.json"), "{\"userId\": \"u2\", \"messages\": [tru");

        ConversationCache cache = open();

        assertThat(cache.history("u1")).hasSize(2);
        assertThat(cache.history("u2")).isEmpty();
        assertThat(dir.resolve("u2.json.corrupt")).hasContent("{\"userId\": \"u2\", \"messages\": [tru");
        assertThat(Files.exists(dir.resolve("u2.json"))).isFalse();
    }

    @Test
    void aTemporaryFileLeftByAKillIsIgnoredAndTheLastCompleteTurnLoads() throws Exception {
        open().append("u1", exchange("hi", "hello"));
        Files.writeString(dir.resolve("u1.json.tmp"), "{\"version\":1,\"userId\":\"u1\",\"lastAc");

        assertThat(open().history("u1")).hasSize(2);
        assertThat(Files.exists(dir.resolve("u1.json.tmp"))).isFalse();
    }

    @Test
    void resetForgetsAtOnceAndAcrossRestarts() {
        ConversationCache cache = open();
        cache.append("u1", exchange("hi", "hello"));

        cache.reset("u1");

        assertThat(cache.history("u1")).isEmpty();
        assertThat(open().history("u1")).isEmpty();
    }

    @Test
    void aSummaryReplacesTheDroppedMessagesComesFirstAndSurvivesARestart() {
        ConversationCache cache = open();
        List<ChatMessage> old = exchange("old question", "old answer");
        cache.append("u1", old);
        cache.append("u1", exchange("new question", "new answer"));

        cache.replaceWithSummary("u1", "The user asked an old question.", old);
        List<ChatMessage> restored = open().history("u1");

        assertThat(restored).hasSize(3);
        assertThat(((SystemMessage) restored.get(0)).text()).endsWith("The user asked an old question.");
        assertThat(((UserMessage) restored.get(1)).singleText()).isEqualTo("new question");
    }

    @Test
    void aUserIdThatIsNotAPlainNameGetsASafeFileName() {
        ConversationCache cache = open();
        cache.append("../../etc/passwd", exchange("hi", "hello"));

        assertThat(open().history("../../etc/passwd")).hasSize(2);
        assertThat(dir.toFile().list()).allMatch(name -> name.matches("u-[0-9a-f]{32}\\.json"));
    }

    @Test
    void compactionRestartsTheTtl() {
        ConversationCache cache = open();
        List<ChatMessage> old = exchange("old question", "old answer");
        cache.append("u1", old);
        cache.append("u1", exchange("new question", "new answer"));
        clock.advance(TTL.minusMinutes(1));

        cache.replaceWithSummary("u1", "summary", old);
        clock.advance(TTL.minusMinutes(1));

        assertThat(cache.history("u1")).hasSize(3);
    }

    @Test
    void aReplyOverTheCapIsCutWithANoteBeforeItIsKept() throws Exception {
        ConversationCache cache = open();
        cache.append("u1", exchange("write a lot", "y".repeat(MessageCap.MAX_CHARS + 5_000)));

        String kept = ((AiMessage) cache.history("u1").get(1)).text();

        assertThat(kept).startsWith("y".repeat(MessageCap.MAX_CHARS)).endsWith("[cut by Cortana: this message was "
                + (MessageCap.MAX_CHARS + 5_000) + " characters long; only the first " + MessageCap.MAX_CHARS
                + " were kept]");
        assertThat(Files.size(dir.resolve("u1.json"))).isLessThan(MessageCap.MAX_CHARS + 10_000);
    }

    @Test
    void anOlderFileWithAFifteenMegabyteMessageLoadsWithThatMessageCut() throws Exception {
        String huge = "x".repeat(15_000_000);
        Files.writeString(dir.resolve("u1.json"), "{\"version\":1,\"userId\":\"u1\",\"lastActive\":"
                + clock.instant().toEpochMilli() + ",\"summary\":null,\"messages\":"
                + dev.langchain4j.data.message.ChatMessageSerializer.messagesToJson(exchange("hi", huge))
                + ",\"tokens\":{\"o200k_base\":[1,1]}}");
        TokenCounter tokens = new TokenCounter();

        ConversationCache cache = ConversationCache.open(new ConversationFiles(dir, tokens), clock, TTL);

        List<ChatMessage> restored = cache.history("u1");
        assertThat(((UserMessage) restored.get(0)).singleText()).isEqualTo("hi");
        assertThat(((AiMessage) restored.get(1)).text()).hasSizeLessThan(MessageCap.MAX_CHARS + 200)
                .contains("[cut by Cortana: this message was 15000000 characters long");
        // the saved count belonged to the uncut message: counted again, not trusted
        assertThat(tokens.count("gpt-4o", restored)).isGreaterThan(MessageCap.MAX_CHARS / 10);
    }

    @Test
    void conversationFilesAre0600InA0700Folder() throws Exception {
        Path cacheDir = dir.resolve(".conversation_cache");
        ConversationCache.open(new ConversationFiles(cacheDir, new TokenCounter()), clock, TTL)
                .append("u1", exchange("my secret plan", "noted"));

        assertThat(mode(cacheDir.resolve("u1.json"))).isEqualTo("rw-------");
        assertThat(mode(cacheDir)).isEqualTo("rwx------");
    }

    @Test
    void aCacheLeftReadableByAnOlderVersionIsTightenedAtStart() throws Exception {
        open().append("u1", exchange("hi", "hello"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(dir.resolve("u1.json"), PosixFilePermissions.fromString("rw-r--r--"));

        open();

        assertThat(mode(dir)).isEqualTo("rwx------");
        assertThat(mode(dir.resolve("u1.json"))).isEqualTo("rw-------");
    }

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    @Test
    void aConversationFileTooLargeToReadSafelyIsSetAsideAndTheRestStartFresh() throws Exception {
        open().append("u2", exchange("hi", "hello"));
        Path huge = dir.resolve("u1.json");
        try (var out = Files.newOutputStream(huge)) {
            byte[] chunk = new byte[1024 * 1024];
            java.util.Arrays.fill(chunk, (byte) 'x');
            for (long written = 0; written <= ConversationFiles.MAX_FILE_BYTES; written += chunk.length) {
                out.write(chunk);
            }
        }

        ConversationCache cache = open();

        assertThat(cache.history("u1")).isEmpty();
        assertThat(cache.history("u2")).hasSize(2);
        assertThat(dir.resolve("u1.json.corrupt")).exists();
        assertThat(huge).doesNotExist();
    }
}
