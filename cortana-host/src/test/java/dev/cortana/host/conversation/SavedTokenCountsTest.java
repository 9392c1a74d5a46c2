package dev.cortana.host.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.host.testing.MutableClock;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A restart finds the token counts of restored conversations ready instead of tokenising every history again. */
class SavedTokenCountsTest {

    private static final Duration TTL = Duration.ofMinutes(30);
    private static final String MODEL = "openai/gpt-4o";

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T09:00:00Z"));

    private ConversationCache open(TokenCounter tokens) {
        return ConversationCache.open(new ConversationFiles(dir, tokens), clock, TTL);
    }

    private static List<ChatMessage> turn() {
        ToolExecutionRequest call = ToolExecutionRequest.builder().id("call_1").name("list_todos").arguments("{}").build();
        return List.of(UserMessage.from("What is on my list for Friday?"), AiMessage.from(List.of(call)),
                ToolExecutionResultMessage.from(call, "1. dentist at 09:00\n2. deploy the pipeline"),
                AiMessage.from("Friday: the dentist at 09:00, then the deploy."));
    }

    /** A turn as the agent leaves it: appended, counted for the next request, and saved again by the next append. */
    private int chatBeforeRestart(TokenCounter tokens) {
        ConversationCache cache = open(tokens);
        cache.append("u1", turn());
        int counted = tokens.count(MODEL, cache.history("u1"));
        cache.append("u1", List.of());
        return counted;
    }

    @Test
    void aRestoredConversationHasItsTokenCountsReadyBeforeAnyCounting() {
        TokenCounter beforeRestart = new TokenCounter();
        int counted = chatBeforeRestart(beforeRestart);

        TokenCounter afterRestart = new TokenCounter();
        List<ChatMessage> restored = open(afterRestart).history("u1");

        assertThat(afterRestart.knownCounts(restored).get("o200k_base")).hasSize(4).doesNotContain(-1);
        assertThat(afterRestart.count(MODEL, restored)).isEqualTo(counted);
    }

    @Test
    void savedCountsAreTakenAsTheyAreWithoutTokenisingTheMessagesAgain() throws Exception {
        chatBeforeRestart(new TokenCounter());
        Path file = dir.resolve("u1.json");
        String json = Files.readString(file);
        String saved = json.substring(json.indexOf("\"o200k_base\":[") + 14, json.indexOf(']', json.indexOf("\"o200k_base\":[")));
        Files.writeString(file, json.replace(saved, "100,100,100,100"));

        TokenCounter tokens = new TokenCounter();

        List<ChatMessage> restored = open(tokens).history("u1");

        // 3 for the reply priming, then per message 4 for framing plus the saved 100: proof nothing was re-tokenised.
        assertThat(tokens.count(MODEL, restored)).isEqualTo(3 + 4 * 104);
        assertThat(new TokenCounter().count(MODEL, restored)).isNotEqualTo(3 + 4 * 104);
    }

    @Test
    void aFileOfThePreviousVersionWithoutCountsStillLoadsAndIsCountedCorrectly() throws Exception {
        Files.writeString(dir.resolve("u1.json"), """
                {"version":1,"userId":"u1","lastActive":%d,"summary":null,"messages":[\
                {"contents":[{"text":"Hello, world!","type":"TEXT"}],"type":"USER"},\
                {"text":"Hi! What can I do for you?","toolExecutionRequests":[],"type":"AI"}]}"""
                .formatted(clock.instant().toEpochMilli()));
        TokenCounter tokens = new TokenCounter();

        List<ChatMessage> restored = open(tokens).history("u1");

        assertThat(restored).hasSize(2);
        assertThat(tokens.knownCounts(restored)).isEmpty();
        assertThat(tokens.count(MODEL, restored)).isEqualTo(new TokenCounter().count(MODEL, List.copyOf(restored)));
    }

    @Test
    void savedCountsThatDoNotFitTheMessagesAreIgnoredAndTheConversationStillLoads() throws Exception {
        chatBeforeRestart(new TokenCounter());
        Path file = dir.resolve("u1.json");
        String json = Files.readString(file);
        int start = json.indexOf("{\"counts\":");
        int end = json.indexOf('\n', start) + 1;
        Files.writeString(file, json.substring(0, start)
                + "{\"counts\":{\"from\":0,\"o200k_base\":[7,\"x\",1,1],\"cl100k_base\":[1,2,3,4,5],\"p50k_base\":[1,2,3,4]}}\n"
                + json.substring(end));
        TokenCounter tokens = new TokenCounter();

        List<ChatMessage> restored = open(tokens).history("u1");

        assertThat(restored).hasSize(4);
        assertThat(tokens.knownCounts(restored)).isEmpty();
        assertThat(Files.exists(file)).isTrue();
    }

    @Test
    void countingAtStartUpPreparesRestoredConversationsThatHadNoSavedCounts() throws Exception {
        ConversationCache written = open(new TokenCounter());
        written.append("u1", turn());
        written.append("u2", turn());
        TokenCounter tokens = new TokenCounter();
        ConversationCache restored = open(tokens);

        restored.countTokens(tokens, MODEL);

        for (String user : List.of("u1", "u2")) {
            assertThat(tokens.knownCounts(restored.history(user)).get("o200k_base")).hasSize(4).doesNotContain(-1);
        }
    }
}
