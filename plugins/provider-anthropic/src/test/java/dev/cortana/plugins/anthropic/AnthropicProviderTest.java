package dev.cortana.plugins.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cortana.api.PluginSettings;
import dev.cortana.api.llm.LlmCredential;
import dev.cortana.api.llm.ModelClient;
import dev.cortana.api.llm.ModelInfo;
import dev.cortana.api.llm.ModelSetup;
import dev.cortana.testkit.wire.FakeAnthropic;
import dev.cortana.testkit.wire.FakeAnthropic.Reply;
import dev.cortana.testkit.wire.RecordingHttpClientBuilder;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.TimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Claude against a loopback server speaking the Messages API, given what the host resolves ({@link ModelSetup}). How
 * the host reads each failure (rotate, rest, retry the same key) is cortana-host's, tested there.
 */
class AnthropicProviderTest {

    private static final String KEY = "sk-ant-test-alpha-000000000001";

    private final FakeAnthropic anthropic = FakeAnthropic.start();
    private final RecordingHttpClientBuilder http = new RecordingHttpClientBuilder();
    private final AnthropicProvider provider = provider(Map.of());

    @AfterEach
    void stop() {
        anthropic.close();
    }

    private static AnthropicProvider provider(Map<String, String> settings) {
        return new AnthropicProvider((PluginSettings) key -> Optional.ofNullable(settings.get(key)));
    }

    /** What the host hands the provider for {@code model}, whose output limit it knows as {@code maxOutput}. */
    private ModelSetup setup(String model, int maxOutput, Duration timeout) {
        return new ModelSetup(new LlmCredential("anthropic", KEY, Optional.of(anthropic.baseUrl())), model,
                anthropic.baseUrl(), timeout, http, false, new ModelInfo("anthropic", model, 0, maxOutput));
    }

    private String ask(AnthropicProvider provider, ModelSetup setup) {
        return ((ModelClient.Blocking) provider.model(setup)).model().chat("hi");
    }

    private String ask() {
        return ask(provider, setup("claude-sonnet-4-0", 0, Duration.ofSeconds(30)));
    }

    @Test
    void sendsTheKeyTheModelAndAnAnswerLimitThatDoesNotCutAnswersShort() {
        anthropic.enqueue(Reply.text("Hello from Claude"));

        assertThat(ask()).isEqualTo("Hello from Claude");
        FakeAnthropic.RecordedRequest request = anthropic.messageRequests().get(0);
        assertThat(request.path()).isEqualTo("/v1/messages");
        assertThat(request.apiKey()).isEqualTo(KEY);
        assertThat(request.body().path("model").asText()).isEqualTo("claude-sonnet-4-0");
        assertThat(request.body().path("max_tokens").asInt()).isEqualTo(8192);
        assertThat(http.sent()).as("through the host's HTTP builder").containsExactly(
                "POST " + anthropic.baseUrl() + "/messages");
    }

    @Test
    void theAnswerLimitIsAnthropicMaxTokensCappedAtTheModelsOwnLimit() {
        anthropic.enqueue(Reply.text("one"), Reply.text("two"));

        ask(provider, setup("claude-3-5-haiku-latest", 4096, Duration.ofSeconds(30)));
        ask(provider(Map.of("ANTHROPIC_MAX_TOKENS", "2000")), setup("claude-sonnet-4-0", 64_000, Duration.ofSeconds(30)));

        assertThat(anthropic.messageRequests()).extracting(r -> r.body().path("max_tokens").asInt())
                .containsExactly(4096, 2000);
    }

    @Test
    void aRateLimitIsNotRetriedAndComesBackThroughTheHostsHttpBuilder() {
        // Anthropic's 429 body says nothing about when to retry; only the retry-after header, which the host's builder reads.
        anthropic.enqueue(Reply.rateLimited(Duration.ofSeconds(42)), Reply.text("a retry would get this"));

        assertThatThrownBy(this::ask)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(KEY))
                .rootCause().isInstanceOfSatisfying(HttpException.class, e -> assertThat(e.statusCode()).isEqualTo(429));
        assertThat(anthropic.messageRequests()).hasSize(1);
        assertThat(http.sent()).containsExactly("POST " + anthropic.baseUrl() + "/messages");
    }

    @Test
    void anOverloadedServerIsLeftToTheHostToRetry() {
        anthropic.enqueue(Reply.overloaded(), Reply.text("after 529"));

        assertThatThrownBy(this::ask)
                .rootCause().isInstanceOfSatisfying(HttpException.class, e -> assertThat(e.statusCode()).isEqualTo(529));
        assertThat(anthropic.messageRequests()).as("the client does not retry on its own").hasSize(1);
    }

    @Test
    void aRejectedKeyFailsWithTheStatusAndWithoutTheKey() {
        anthropic.enqueue(Reply.error(401, "authentication_error", "invalid x-api-key"));

        assertThatThrownBy(this::ask)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(KEY))
                .rootCause().isInstanceOfSatisfying(HttpException.class, e -> assertThat(e.statusCode()).isEqualTo(401));
    }

    @Test
    void aTooLongPromptFailsWithAnthropicsWordsForTheHostToRead() {
        anthropic.enqueue(Reply.error(400, "invalid_request_error", "prompt is too long: 210000 tokens > 200000 maximum"));

        assertThatThrownBy(this::ask)
                .rootCause().isInstanceOfSatisfying(HttpException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("prompt is too long");
                });
    }

    @Test
    void aCallTakesNoLongerThanTheRequestTimeoutTheHostResolved() {
        anthropic.enqueue(Reply.hang());

        assertThatThrownBy(() -> ask(provider, setup("claude-sonnet-4-0", 0, Duration.ofSeconds(1))))
                .isInstanceOf(TimeoutException.class);
    }

    @Test
    void aStreamingSetupGetsAStreamingClient() {
        ModelSetup streaming = new ModelSetup(new LlmCredential("anthropic", KEY, Optional.empty()), "claude-sonnet-4-0",
                AnthropicProvider.DEFAULT_BASE_URL, Duration.ofSeconds(30), http, true,
                new ModelInfo("anthropic", "claude-sonnet-4-0", 0, 0));

        assertThat(provider.model(streaming)).isInstanceOf(ModelClient.Streaming.class);
        assertThat(provider.defaultBaseUrl("anthropic")).contains("https://api.anthropic.com/v1");
    }

    @Test
    void listsTheServersModelsAndLeavesTheLimitsToTheHost() throws Exception {
        anthropic.models("claude-sonnet-4-20250514", "claude-3-5-haiku-20241022", "claude-next");

        // 0 means unknown: the host's bundled catalog gives each dated id its alias's limits.
        assertThat(provider.listModels(setup("", 0, Duration.ofSeconds(10)))).containsExactly(
                new ModelInfo("anthropic", "claude-3-5-haiku-20241022", 0, 0),
                new ModelInfo("anthropic", "claude-next", 0, 0),
                new ModelInfo("anthropic", "claude-sonnet-4-20250514", 0, 0));
        assertThat(http.sent()).as("through the host's HTTP builder").singleElement().asString()
                .startsWith("GET " + anthropic.baseUrl() + "/models");
    }

    @Test
    void carriesNoCatalogOfItsOwn() {
        assertThat(provider.catalog()).as("the host's model-catalog.yml is the one copy").isEmpty();
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
