package dev.cortana.host.llm;

import static dev.cortana.host.llm.KeyRotationTest.KEY_A;
import static dev.cortana.host.llm.KeyRotationTest.KEY_B;
import static dev.cortana.host.llm.KeyRotationTest.fp;
import static dev.cortana.host.llm.KeyRotationTest.hello;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.api.llm.LlmProvider;
import dev.cortana.host.config.Config;
import dev.cortana.host.llm.rotation.KeyStatus;
import dev.cortana.testkit.wire.FakeOpenAi;
import dev.cortana.testkit.wire.FakeOpenAi.Reply;
import dev.cortana.host.testing.MutableClock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A 429's {@code Retry-After} header sets the key's rest, though LangChain4j's exception carries no headers. */
class RetryAfterHeaderTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    /** A 429 body with no "try again in" hint: only the header can tell how long to wait. */
    private static final Reply NO_HINT = Reply.openAiError(429, "requests", "rate_limit_exceeded",
            "Rate limit reached for requests.");

    private final FakeOpenAi openAi = FakeOpenAi.start();
    private final MutableClock clock = new MutableClock(NOW);
    private final ModelRouter router;

    RetryAfterHeaderTest() {
        List<LlmProvider> providers = List.of(new LoopbackOpenAiProvider("openai"));
        router = new ModelRouter(() -> providers, () -> 1L, Config.of(Map.of("OPENAI_API_KEY_1", KEY_A,
                "OPENAI_API_KEY_2", KEY_B, "OPENAI_API_BASE", openAi.baseUrl())), KeyRotationTest.ordered(), clock);
    }

    @AfterEach
    void stop() {
        router.close();
        openAi.close();
    }

    private Instant coolingUntil(String key) {
        return router.status("openai/gpt-4o").get(0).keys().stream().filter(k -> k.fingerprint().equals(fp(key)))
                .findFirst().flatMap(KeyStatus::coolingUntil).orElseThrow();
    }

    @Test
    void retryAfterInSecondsIsTheKeysCooldown() {
        openAi.forKey(KEY_A).enqueue(NO_HINT.withHeader("Retry-After", "37"));
        openAi.forKey(KEY_B).enqueue(Reply.text("from B"));

        assertThat(router.chat("openai/gpt-4o", hello()).aiMessage().text()).isEqualTo("from B");
        assertThat(coolingUntil(KEY_A)).isEqualTo(NOW.plusSeconds(37));
    }

    @Test
    void retryAfterAsAnHttpDateRestsTheKeyUntilThatMoment() {
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(NOW.plusSeconds(95).atOffset(ZoneOffset.UTC));
        openAi.forKey(KEY_A).enqueue(NO_HINT.withHeader("Retry-After", date));
        openAi.forKey(KEY_B).enqueue(Reply.text("from B"));

        router.chat("openai/gpt-4o", hello());

        assertThat(coolingUntil(KEY_A)).isEqualTo(NOW.plusSeconds(95));
    }

    @Test
    void theHeaderOutranksAHintInTheBody() {
        openAi.forKey(KEY_A).enqueue(Reply.openAiError(429, "requests", "rate_limit_exceeded",
                "Rate limit reached. Please try again in 5s.").withHeader("Retry-After", "120"));
        openAi.forKey(KEY_B).enqueue(Reply.text("from B"));

        router.chat("openai/gpt-4o", hello());

        assertThat(coolingUntil(KEY_A)).isEqualTo(NOW.plusSeconds(120));
    }

    @Test
    void aStreamedRequestReadsTheHeaderToo() {
        openAi.forKey(KEY_A).enqueue(NO_HINT.withHeader("Retry-After", "44"));
        openAi.forKey(KEY_B).enqueue(Reply.text("streamed from B"));
        List<String> shown = new CopyOnWriteArrayList<>();

        router.chatStreaming("openai/gpt-4o", hello(), shown::add);

        assertThat(String.join("", shown)).isEqualTo("streamed from B");
        assertThat(coolingUntil(KEY_A)).isEqualTo(NOW.plusSeconds(44));
    }

    @Test
    void theHeaderNameIsReadInAnyCase() {
        // Anthropic sends it as "retry-after".
        openAi.forKey(KEY_A).enqueue(NO_HINT.withHeader("retry-after", "42"));
        openAi.forKey(KEY_B).enqueue(Reply.text("from B"));

        router.chat("openai/gpt-4o", hello());

        assertThat(coolingUntil(KEY_A)).isEqualTo(NOW.plusSeconds(42));
    }

    @Test
    void aFailureWithoutTheHeaderKeepsTheDefaultRest() {
        openAi.forKey(KEY_A).enqueue(NO_HINT);
        openAi.forKey(KEY_B).enqueue(Reply.text("from B"));

        router.chat("openai/gpt-4o", hello());

        assertThat(coolingUntil(KEY_A)).isEqualTo(NOW.plusSeconds(60));
    }
}
