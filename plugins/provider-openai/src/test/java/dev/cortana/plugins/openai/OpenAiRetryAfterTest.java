package dev.cortana.plugins.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.api.llm.LlmCredential;
import dev.cortana.api.llm.LlmProvider;
import dev.cortana.host.config.Config;
import dev.cortana.host.llm.ModelRouter;
import dev.cortana.host.llm.rotation.RotationSettings;
import dev.cortana.testkit.wire.FakeOpenAi;
import dev.cortana.testkit.wire.FakeOpenAi.Reply;
import dev.cortana.host.testing.MutableClock;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The plugin's clients go through the host's HTTP client, so a 429's Retry-After header sets the key's rest. */
class OpenAiRetryAfterTest {

    private static final String KEY_A = "sk-test-retry-alpha-000000001";
    private static final String KEY_B = "sk-test-retry-bravo-000000002";
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    private final FakeOpenAi openAi = FakeOpenAi.start();
    private final ModelRouter router;

    OpenAiRetryAfterTest() {
        List<LlmProvider> providers = List.of(new OpenAiProvider());
        router = new ModelRouter(() -> providers, () -> 1L, Config.of(Map.of("OPENAI_API_KEY_1", KEY_A,
                "OPENAI_API_KEY_2", KEY_B, "OPENAI_API_BASE", openAi.baseUrl())),
                new RotationSettings(true, 0, 2, Duration.ofSeconds(10), Optional.empty(), List.of()),
                new MutableClock(NOW));
    }

    @AfterEach
    void stop() {
        router.close();
        openAi.close();
    }

    @Test
    void aRateLimitedKeyRestsForTheRetryAfterHeader() {
        openAi.forKey(KEY_A).enqueue(Reply.openAiError(429, "requests", "rate_limit_exceeded",
                "Rate limit reached for requests.").withHeader("Retry-After", "37"));
        openAi.forKey(KEY_B).enqueue(Reply.text("from B"));

        String answer = router.chat("openai/gpt-4o", ChatRequest.builder().messages(UserMessage.from("hi")).build())
                .aiMessage().text();

        assertThat(answer).isEqualTo("from B");
        String restingKey = new LlmCredential("openai", KEY_A, Optional.empty()).fingerprint();
        assertThat(router.status("openai/gpt-4o").get(0).keys())
                .filteredOn(key -> key.fingerprint().equals(restingKey))
                .singleElement().extracting(key -> key.coolingUntil().orElseThrow())
                .isEqualTo(NOW.plusSeconds(37));
    }
}
