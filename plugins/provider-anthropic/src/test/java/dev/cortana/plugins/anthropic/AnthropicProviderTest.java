package dev.cortana.plugins.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cortana.api.PluginSettings;
import dev.cortana.api.llm.LlmCredential;
import dev.cortana.api.llm.LlmFailure;
import dev.cortana.api.llm.LlmProvider;
import dev.cortana.api.llm.ModelInfo;
import dev.cortana.host.config.Config;
import dev.cortana.host.llm.LlmUnavailableException;
import dev.cortana.host.llm.ModelRouter;
import dev.cortana.host.llm.rotation.RotationSettings;
import dev.cortana.testkit.wire.FakeAnthropic;
import dev.cortana.testkit.wire.FakeAnthropic.Reply;
import dev.cortana.host.testing.MutableClock;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Claude through the host's router, against a loopback server speaking the Messages API. */
class AnthropicProviderTest {

    private static final String KEY_A = "sk-ant-test-alpha-000000000001";
    private static final String KEY_B = "sk-ant-test-bravo-000000000002";

    private final FakeAnthropic anthropic = FakeAnthropic.start();
    private final AnthropicProvider provider = new AnthropicProvider((PluginSettings) key -> Optional.empty());
    private final ModelRouter router;

    AnthropicProviderTest() {
        List<LlmProvider> providers = List.of(provider);
        router = new ModelRouter(() -> providers, () -> 1L, Config.of(Map.of("ANTHROPIC_API_KEY_1", KEY_A,
                "ANTHROPIC_API_KEY_2", KEY_B, "ANTHROPIC_API_BASE", anthropic.baseUrl())),
                new RotationSettings(true, 0, 2, Duration.ofSeconds(10), Optional.empty(), List.of()), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        router.close();
        anthropic.close();
    }

    private String ask(String model) {
        return router.chat(model, ChatRequest.builder().messages(UserMessage.from("hi")).build()).aiMessage().text();
    }

    @Test
    void aRateLimitedKeyFailsOverToTheNextKey() {
        anthropic.forKey(KEY_A, Reply.rateLimited(Duration.ofSeconds(30)));
        anthropic.forKey(KEY_B, Reply.text("Hello from Claude"));

        assertThat(ask("claude-sonnet-4-0")).isEqualTo("Hello from Claude");
        assertThat(anthropic.messageRequests()).extracting(FakeAnthropic.RecordedRequest::apiKey).containsExactly(KEY_A, KEY_B);
        assertThat(anthropic.messageRequests().get(1).body().path("model").asText()).isEqualTo("claude-sonnet-4-0");
        assertThat(anthropic.messageRequests().get(1).body().path("max_tokens").asInt()).isEqualTo(8192);
    }

    @Test
    void aRateLimitedKeyRestsForTheRetryAfterHeader() {
        // Anthropic's 429 body says nothing about when to retry; only the retry-after header does.
        Instant now = Instant.parse("2026-03-01T12:00:00Z");
        List<LlmProvider> providers = List.of(provider);
        try (ModelRouter timed = new ModelRouter(() -> providers, () -> 1L, Config.of(Map.of("ANTHROPIC_API_KEY_1",
                KEY_A, "ANTHROPIC_API_KEY_2", KEY_B, "ANTHROPIC_API_BASE", anthropic.baseUrl())),
                new RotationSettings(true, 0, 2, Duration.ofSeconds(10), Optional.empty(), List.of()),
                new MutableClock(now))) {
            anthropic.forKey(KEY_A, Reply.rateLimited(Duration.ofSeconds(42)));
            anthropic.forKey(KEY_B, Reply.text("Hello from Claude"));

            timed.chat("claude-sonnet-4-0", ChatRequest.builder().messages(UserMessage.from("hi")).build());

            String restingKey = new LlmCredential("anthropic", KEY_A, Optional.empty()).fingerprint();
            assertThat(timed.status("anthropic/claude-sonnet-4-0").get(0).keys())
                    .filteredOn(key -> key.fingerprint().equals(restingKey))
                    .singleElement().extracting(key -> key.coolingUntil().orElseThrow())
                    .isEqualTo(now.plusSeconds(42));
        }
    }

    @Test
    void anOverloadedServerIsRetriedOnTheSameKey() {
        anthropic.forKey(KEY_A, Reply.overloaded(), Reply.text("after 529"));

        assertThat(ask("anthropic/claude-3-5-haiku-latest")).isEqualTo("after 529");
        assertThat(anthropic.messageRequests()).extracting(FakeAnthropic.RecordedRequest::apiKey).containsExactly(KEY_A, KEY_A);
    }

    @Test
    void rejectedKeysAreNamedByFingerprint() {
        anthropic.forKey(KEY_A, Reply.error(401, "authentication_error", "invalid x-api-key"));
        anthropic.forKey(KEY_B, Reply.error(401, "authentication_error", "invalid x-api-key"));

        LlmUnavailableException error = catchThrowableOfType(() -> ask("claude-sonnet-4-0"), LlmUnavailableException.class);

        assertThat(error.getMessage()).contains(new LlmCredential("anthropic", KEY_A, Optional.empty()).fingerprint(),
                "ANTHROPIC_API_KEY").doesNotContain(KEY_A, KEY_B);
    }

    @Test
    void aTooLongPromptIsAContextLengthErrorWithoutRotation() {
        anthropic.forKey(KEY_A, Reply.error(400, "invalid_request_error", "prompt is too long: 210000 tokens > 200000 maximum"));

        LlmUnavailableException error = catchThrowableOfType(() -> ask("claude-sonnet-4-0"), LlmUnavailableException.class);

        assertThat(error.isContextLength()).isTrue();
        assertThat(anthropic.messageRequests()).hasSize(1);
        assertThat(error.failure().orElseThrow().kind()).isEqualTo(LlmFailure.Kind.CONTEXT_LENGTH);
    }

    @Test
    void listedModelsCarryLimitsOfTheirAlias() throws Exception {
        anthropic.models("claude-sonnet-4-20250514", "claude-3-5-haiku-20241022", "claude-next");

        assertThat(router.models("anthropic")).as("the host's bundled catalog gives each its alias's limits")
                .containsExactly(new ModelInfo("anthropic", "claude-3-5-haiku-20241022", 200_000, 8_192),
                        new ModelInfo("anthropic", "claude-next", 0, 0),
                        new ModelInfo("anthropic", "claude-sonnet-4-20250514", 200_000, 64_000));
    }

    @Test
    void bareClaudeNamesBelongToAnthropic() {
        assertThat(provider.ownsModel("claude-opus-4-1")).isTrue();
        assertThat(provider.ownsModel("gpt-4o")).isFalse();
    }

    @Test
    void compilingRegistersTheExtensionInPf4jsIndex() throws Exception {
        Path classes = Path.of(AnthropicProvider.class.getProtectionDomain().getCodeSource().getLocation().toURI());

        assertThat(Files.readAllLines(classes.resolve("META-INF/extensions.idx"), StandardCharsets.UTF_8))
                .contains(AnthropicProvider.class.getName());
    }
}
