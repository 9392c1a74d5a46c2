package dev.cortana.host.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cortana.testkit.wire.FakeOpenAi;
import dev.cortana.testkit.wire.FakeOpenAi.RecordedRequest;
import dev.cortana.testkit.wire.FakeOpenAi.Reply;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A history built with a model of a large window, then a switch to a model whose window it overflows (attack 7 of
 * issue 9). The fake server enforces the small model's window the way OpenAI does, counting with the real encoding,
 * and rejects anything larger with OpenAI's {@code context_length_exceeded} 400.
 */
class SmallerWindowCompactionTest {

    private static final String BIG = "openai/gpt-4o";
    private static final String SMALL = "openai/gpt-4o-mini";
    private static final int SMALL_WINDOW = 4_096;

    @TempDir
    Path dir;

    private final AtomicReference<String> model = new AtomicReference<>(BIG);
    private final AtomicBoolean refuseSummaries = new AtomicBoolean();

    private AgentWithCache bot() throws Exception {
        AgentWithCache bot = new AgentWithCache(dir, 1_000_000, Optional.empty(),
                Map.of("MODEL_LIMITS", SMALL + "=" + SMALL_WINDOW), user -> model.get());
        bot.openAi.contextWindow("gpt-4o-mini", SMALL_WINDOW).respondWith(this::answer);
        return bot;
    }

    /** Summaries answer a short note; a user message gets a tool call; a tool result gets "noted". */
    private Reply answer(RecordedRequest request) {
        if (isSummaryRequest(request)) {
            return refuseSummaries.get() ? Reply.contextLengthExceeded(SMALL_WINDOW, SMALL_WINDOW + 1)
                    : Reply.text("SUMMARY: the user talked about many numbered things.");
        }
        List<JsonNode> messages = request.messages();
        JsonNode last = messages.get(messages.size() - 1);
        return last.path("role").asText().equals("tool") ? Reply.text("noted") : Reply.toolCall("lookup", "{\"word\":\"cat\"}");
    }

    /** About 320 tokens of ordinary prose, numbered so a test can tell messages apart. */
    private static String message(int n) {
        return "m" + n + " " + "the quick brown fox jumps over the lazy dog again and again. ".repeat(25);
    }

    private static boolean isSummaryRequest(RecordedRequest request) {
        return request.messages().get(0).path("content").asText().startsWith("Summarise this conversation");
    }

    private static boolean rejected(RecordedRequest request) {
        return request.model().equals("gpt-4o-mini") && FakeOpenAi.promptTokens(request) > SMALL_WINDOW;
    }

    private static void buildLongHistory(AgentWithCache bot, int exchanges) {
        for (int n = 1; n <= exchanges; n++) {
            assertThat(bot.agent.reply("u1", message(n))).isEqualTo("noted");
        }
    }

    @Test
    void afterSwitchingToASmallerWindowTheNextMessageAndEveryLaterOneIsAnswered() throws Exception {
        try (AgentWithCache bot = bot()) {
            buildLongHistory(bot, 30); // about 11,000 tokens: nearly three times the small window
            assertThat(bot.compactor.historyTokens("u1", SMALL)).isGreaterThan(2 * SMALL_WINDOW);
            int before = bot.openAi.chatRequests().size();

            model.set(SMALL);
            for (int n = 31; n <= 36; n++) {
                assertThat(bot.agent.reply("u1", message(n))).as("message " + n).isEqualTo("noted");
            }

            List<RecordedRequest> after = bot.openAi.chatRequests().subList(before, bot.openAi.chatRequests().size());
            assertThat(after).as("no request overflowed the small window").noneMatch(SmallerWindowCompactionTest::rejected);
            assertThat(after.stream().filter(SmallerWindowCompactionTest::isSummaryRequest).count())
                    .as("the old history was summarised in several pieces").isGreaterThanOrEqualTo(3);
            RecordedRequest firstAnswer = after.stream().filter(r -> !isSummaryRequest(r)).findFirst().orElseThrow();
            assertThat(firstAnswer.messages().get(1).path("content").asText()).contains("SUMMARY:");
            assertThat(firstAnswer.rawBody()).doesNotContain("m1 the quick");
        }
    }

    @Test
    void summaryPiecesGoOldestFirstAndEachCarriesTheSummarySoFar() throws Exception {
        try (AgentWithCache bot = bot()) {
            buildLongHistory(bot, 30);
            int before = bot.openAi.chatRequests().size();

            model.set(SMALL);
            bot.agent.reply("u1", message(31));

            List<RecordedRequest> summaries = bot.openAi.chatRequests().subList(before, bot.openAi.chatRequests().size())
                    .stream().filter(SmallerWindowCompactionTest::isSummaryRequest).toList();
            assertThat(summaries.get(0).rawBody()).contains("m1 the quick").doesNotContain("Summary so far");
            assertThat(summaries.get(1).rawBody()).contains("Summary so far:\\nSUMMARY:").doesNotContain("m1 the quick");
            for (RecordedRequest summary : summaries) {
                // A tool call is never in one piece while its result is in the next.
                String text = summary.messages().get(1).path("content").asText();
                assertThat(text.split("Cortana called lookup", -1).length)
                        .isEqualTo(text.split("Result of lookup", -1).length);
            }
        }
    }

    @Test
    void everyRequestAfterTheSwitchKeepsToolCallsWithTheirResults() throws Exception {
        try (AgentWithCache bot = bot()) {
            buildLongHistory(bot, 20);
            int before = bot.openAi.chatRequests().size();
            model.set(SMALL);
            for (int n = 21; n <= 24; n++) {
                bot.agent.reply("u1", message(n));
            }

            for (RecordedRequest request : bot.openAi.chatRequests().subList(before, bot.openAi.chatRequests().size())) {
                Set<String> calledIds = new HashSet<>();
                for (JsonNode message : request.messages()) {
                    message.path("tool_calls").forEach(call -> calledIds.add(call.path("id").asText()));
                    if (message.path("role").asText().equals("tool")) {
                        assertThat(calledIds).contains(message.path("tool_call_id").asText());
                    }
                }
            }
        }
    }

    @Test
    void aSingleOldMessageLargerThanTheWholeWindowIsCutForTheSummaryAndTheBotGoesOn() throws Exception {
        try (AgentWithCache bot = bot()) {
            String huge = "h0 " + "an enormous pasted log line that goes on and on. ".repeat(1_200); // ~13,000 tokens
            assertThat(bot.agent.reply("u1", huge)).isEqualTo("noted");
            buildLongHistory(bot, 4);
            int before = bot.openAi.chatRequests().size();

            model.set(SMALL);
            assertThat(bot.agent.reply("u1", message(5))).isEqualTo("noted");
            assertThat(bot.agent.reply("u1", message(6))).isEqualTo("noted");

            List<RecordedRequest> after = bot.openAi.chatRequests().subList(before, bot.openAi.chatRequests().size());
            assertThat(after).noneMatch(SmallerWindowCompactionTest::rejected);
            assertThat(after).filteredOn(SmallerWindowCompactionTest::isSummaryRequest)
                    .anySatisfy(r -> assertThat(r.rawBody()).contains("h0 an enormous").contains("[... cut: too long to summarise]"));
            assertThat(after.size()).as("a bounded number of requests, no loop").isLessThan(20);
        }
    }

    @Test
    void whenTheModelRefusesEverySummaryTheOldestMessagesAreDroppedWithANoticeAndTheUserIsTold() throws Exception {
        try (AgentWithCache bot = bot()) {
            buildLongHistory(bot, 30);
            model.set(SMALL);
            refuseSummaries.set(true);

            String reply = bot.agent.reply("u1", message(31));

            assertThat(reply).isEqualTo("(The oldest part of our conversation did not fit " + SMALL + "'s context window, "
                    + "even in pieces, so I dropped it without a summary; /reset starts a fresh conversation.)\n\nnoted");
            assertThat(bot.cache.current("u1").orElseThrow().summary().orElseThrow())
                    .contains("older messages were dropped without a summary");
            RecordedRequest answered = bot.openAi.lastRequest();
            assertThat(answered.rawBody()).contains("older messages were dropped without a summary").doesNotContain("m1 the quick");
            refuseSummaries.set(false);
            assertThat(bot.agent.reply("u1", message(32))).isEqualTo("noted");
        }
    }

    @Test
    void aNewMessageLargerThanTheWindowGetsOneClearSentenceAndTheNextMessageIsAnswered() throws Exception {
        try (AgentWithCache bot = bot()) {
            buildLongHistory(bot, 3);
            model.set(SMALL);

            String reply = bot.agent.reply("u1", "x0 " + "a pasted log line that is far too long. ".repeat(600));

            assertThat(reply).isEqualTo("This message and the summary of our conversation are still too long for "
                    + SMALL + "'s context window. Send a shorter message, start fresh with /reset, or switch models "
                    + "with /settings model.");
            assertThat(bot.agent.reply("u1", message(4))).isEqualTo("noted");
        }
    }
}
