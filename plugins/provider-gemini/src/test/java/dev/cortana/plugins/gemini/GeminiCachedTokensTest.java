package dev.cortana.plugins.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.api.llm.LlmProvider;
import dev.cortana.host.config.Config;
import dev.cortana.host.llm.ModelRouter;
import dev.cortana.host.llm.rotation.KeyStatus;
import dev.cortana.host.llm.rotation.RotationSettings;
import dev.cortana.testkit.wire.FakeGemini;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Gemini's implicit cache: {@code cachedContentTokenCount} reaches the usage ledger. */
class GeminiCachedTokensTest {

    private static final String KEY = "AIza-cache-test-0123456789abcdef";
    private static final String MODEL = "gemini/gemini-2.5-flash";

    private final FakeGemini server = FakeGemini.start();
    private final List<LlmProvider> providers = List.of(new GeminiProvider());
    private final ModelRouter router = new ModelRouter(() -> providers, () -> 1L, Config.of(Map.of(
            "GEMINI_API_KEY", KEY, "GEMINI_API_BASE", server.baseUrl())),
            new RotationSettings(true, 0, 1, Duration.ofSeconds(10), Optional.empty(), List.of()), Clock.systemUTC());

    @AfterEach
    void stop() {
        router.close();
        server.close();
    }

    @Test
    void aFollowUpThatRepeatsThePreviousRequestIsMostlyCachedAndTheLedgerCountsIt() {
        server.enqueue(FakeGemini.Reply.text("Hello, Ada."), FakeGemini.Reply.text("You are Ada."));
        List<ChatMessage> conversation = new ArrayList<>(List.of(SystemMessage.from("You are Cortana. ".repeat(50)),
                UserMessage.from("I am Ada")));

        ChatResponse first = router.chat(MODEL, ChatRequest.builder().messages(conversation).build());
        conversation.add(first.aiMessage());
        conversation.add(UserMessage.from("who am I?"));
        ChatResponse second = router.chat(MODEL, ChatRequest.builder().messages(conversation).build());

        long cached = ((dev.langchain4j.model.googleai.GoogleAiGeminiTokenUsage) second.tokenUsage()).cachedContentTokenCount();
        assertThat(((dev.langchain4j.model.googleai.GoogleAiGeminiTokenUsage) first.tokenUsage()).cachedContentTokenCount()).isZero();
        assertThat(cached).isGreaterThan(second.tokenUsage().inputTokenCount() / 2);
        KeyStatus.TokensToday today = router.status(MODEL).get(0).keys().get(0).today();
        assertThat(today.cachedInput()).isEqualTo(cached);
        assertThat(today.input()).isEqualTo(first.tokenUsage().inputTokenCount() + second.tokenUsage().inputTokenCount());
        assertThat(today.output()).isEqualTo(first.tokenUsage().outputTokenCount() + second.tokenUsage().outputTokenCount());
    }
}
