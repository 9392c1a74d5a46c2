package dev.cortana.plugins.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cortana.api.CortanaContext;
import dev.cortana.api.Notifier;
import dev.cortana.api.PluginScheduler;
import dev.cortana.api.PluginSettings;
import dev.cortana.api.Workspace;
import dev.cortana.api.llm.LlmCredential;
import dev.cortana.api.llm.ModelInfo;
import dev.cortana.host.testing.FakeOpenAi;
import dev.cortana.host.testing.FakeOpenAi.RecordedRequest;
import dev.cortana.host.testing.FakeOpenAi.Reply;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpenAiProviderTest {

    private static final String KEY = "sk-test-0123456789abcdef";

    private FakeOpenAi openAi;
    private LlmCredential credential;
    private final OpenAiProvider provider = new OpenAiProvider();

    @BeforeEach
    void start() {
        openAi = FakeOpenAi.start();
        credential = new LlmCredential("openai", KEY, Optional.of(openAi.baseUrl()));
    }

    @AfterEach
    void stop() {
        openAi.close();
    }

    @Test
    void chatsThroughTheBaseUrlWithTheKeyAsBearerToken() {
        openAi.enqueue(Reply.text("Hello from the fake.").withUsage(20, 5));

        ChatResponse response = provider.chatModel(credential, "gpt-4o").chat(ChatRequest.builder()
                .messages(UserMessage.from("Hi")).build());

        assertThat(response.aiMessage().text()).isEqualTo("Hello from the fake.");
        assertThat(response.tokenUsage().inputTokenCount()).isEqualTo(20);
        RecordedRequest request = openAi.lastRequest();
        assertThat(request.path()).isEqualTo("/v1/chat/completions");
        assertThat(request.apiKey()).isEqualTo(KEY);
        assertThat(request.model()).isEqualTo("gpt-4o");
        assertThat(request.lastUserMessage()).isEqualTo("Hi");
        // The explicit JDK client speaks plain HTTP/1.1 to cleartext servers: no h2c upgrade attempt.
        assertThat(request.header("Upgrade")).isNull();
    }

    @Test
    void doesNotRetryARateLimitAndKeepsTheKeyOutOfTheError() {
        openAi.enqueue(Reply.rateLimited(Duration.ofSeconds(20)), Reply.text("a retry would get this"));

        assertThatThrownBy(() -> provider.chatModel(credential, "gpt-4o").chat("Hi"))
                .isInstanceOf(RateLimitException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(KEY))
                .rootCause().isInstanceOfSatisfying(HttpException.class, e -> assertThat(e.statusCode()).isEqualTo(429));
        assertThat(openAi.requestCount()).isEqualTo(1);
        assertThat(openAi.pendingReplies()).isEqualTo(1);
    }

    @Test
    void streams() throws Exception {
        openAi.enqueue(Reply.text("Adding it.").andToolCall("add_todo", "{\"title\":\"call mom\"}").inChunksOf(2));
        StreamingChatModel model = provider.streamingChatModel(credential, "gpt-4o-mini").orElseThrow();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        StringBuilder partials = new StringBuilder();

        model.chat(ChatRequest.builder()
                        .messages(UserMessage.from("Remind me to call mom"))
                        .toolSpecifications(ToolSpecification.builder().name("add_todo").build())
                        .build(),
                new StreamingChatResponseHandler() {
                    @Override
                    public void onPartialResponse(String partialResponse) {
                        partials.append(partialResponse);
                    }

                    @Override
                    public void onCompleteResponse(ChatResponse completeResponse) {
                        done.complete(completeResponse);
                    }

                    @Override
                    public void onError(Throwable error) {
                        done.completeExceptionally(error);
                    }
                });

        ChatResponse response = done.get(10, TimeUnit.SECONDS);
        assertThat(partials).hasToString("Adding it.");
        assertThat(response.aiMessage().toolExecutionRequests()).singleElement()
                .satisfies(call -> {
                    assertThat(call.name()).isEqualTo("add_todo");
                    assertThat(call.arguments()).isEqualTo("{\"title\":\"call mom\"}");
                });
        RecordedRequest request = openAi.lastRequest();
        assertThat(request.isStream()).isTrue();
        assertThat(request.apiKey()).isEqualTo(KEY);
        assertThat(request.model()).isEqualTo("gpt-4o-mini");
    }

    @Test
    void listsModelsFromTheServerWithKnownLimits() throws Exception {
        openAi.models("gpt-4o", "gpt-4o-2024-08-06", "gpt-4o-2024-05-13", "o4-mini", "text-embedding-3-small",
                "whisper-1", "gpt-4o-mini-transcribe", "my-local-llm");

        List<ModelInfo> models = provider.listModels(credential);

        assertThat(models).containsExactly(
                new ModelInfo("openai", "gpt-4o", 128_000, 16_384),
                new ModelInfo("openai", "gpt-4o-2024-05-13", 128_000, 4_096),
                new ModelInfo("openai", "gpt-4o-2024-08-06", 128_000, 16_384),
                new ModelInfo("openai", "my-local-llm", 0, 0),
                new ModelInfo("openai", "o4-mini", 200_000, 100_000));
        RecordedRequest request = openAi.lastRequest();
        assertThat(request.method()).isEqualTo("GET");
        assertThat(request.path()).isEqualTo("/v1/models");
        assertThat(request.apiKey()).isEqualTo(KEY);
    }

    @Test
    void listingWithARejectedKeyFailsWithTheStatusAndWithoutTheKey() {
        openAi.rejectKey(KEY);

        assertThatThrownBy(() -> provider.listModels(credential))
                .isInstanceOfSatisfying(HttpException.class, e -> assertThat(e.statusCode()).isEqualTo(401))
                .hasMessageContaining("invalid_api_key")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(KEY));
    }

    @Test
    void redactsAKeyEchoedInAnErrorBody() {
        assertThat(OpenAiProvider.redact("bad key " + KEY + "!", KEY)).isEqualTo("bad key [redacted]!");
    }

    @Test
    void readsTheRequestTimeoutFromSettings() {
        OpenAiProvider configured = new OpenAiProvider(context(Map.of("LLM_REQUEST_TIMEOUT", "1")));
        openAi.enqueue(Reply.hang());

        assertThat(configured.requestTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(new OpenAiProvider(context(Map.of())).requestTimeout()).isEqualTo(Duration.ofSeconds(120));
        assertThatThrownBy(() -> configured.chatModel(credential, "gpt-4o").chat("Hi"))
                .isInstanceOf(TimeoutException.class);
        assertThatThrownBy(() -> new OpenAiProvider(context(Map.of("LLM_REQUEST_TIMEOUT", "0"))))
                .isInstanceOf(dev.cortana.api.SettingException.class)
                .hasMessage("LLM_REQUEST_TIMEOUT='0' is not valid: expected a whole number of seconds from 1 to 3600");
    }

    @Test
    void defaultsToOpenAiWhenNoBaseUrlIsSet() {
        // Building must not need the network; the default base URL is only used when a call is made.
        LlmCredential plain = new LlmCredential("openai", KEY, Optional.empty());
        assertThat(provider.chatModel(plain, "gpt-4o")).isNotNull();
        assertThat(provider.streamingChatModel(plain, "gpt-4o")).isPresent();
        assertThat(OpenAiProvider.DEFAULT_BASE_URL).isEqualTo("https://api.openai.com/v1");
    }

    @Test
    void ownsOpenAiModelNames() {
        assertThat(provider.id()).isEqualTo("openai");
        assertThat(List.of("gpt-4o", "gpt-4o-mini", "gpt-4.1-nano", "gpt-5", "chatgpt-4o-latest", "o1", "o1-mini",
                "o3", "o3-pro", "o4-mini", "GPT-4o", "ft:gpt-4o-mini-2024-07-18:acme::abc123"))
                .allMatch(provider::ownsModel);
        assertThat(List.of("claude-sonnet-4", "gemini-2.5-pro", "deepseek-chat", "llama3", "omni-moderation-latest",
                "openai/gpt-4o", "", "o"))
                .noneMatch(provider::ownsModel);
    }

    @Test
    void catalogCarriesOpenAisPublishedLimits() {
        assertThat(provider.catalog())
                .contains(new ModelInfo("openai", "gpt-4o", 128_000, 16_384),
                        new ModelInfo("openai", "gpt-4o-mini", 128_000, 16_384),
                        new ModelInfo("openai", "gpt-4.1", 1_047_576, 32_768),
                        new ModelInfo("openai", "o3", 200_000, 100_000),
                        new ModelInfo("openai", "o4-mini", 200_000, 100_000))
                .allSatisfy(model -> {
                    assertThat(model.provider()).isEqualTo("openai");
                    assertThat(model.maxOutputTokens()).isPositive().isLessThanOrEqualTo(model.contextWindow());
                    assertThat(provider.ownsModel(model.name())).isTrue();
                });
    }

    @Test
    void compilingRegistersTheExtensionInPf4jsIndex() throws Exception {
        Path classes = Path.of(OpenAiProvider.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> index = Files.readAllLines(classes.resolve("META-INF/extensions.idx"), StandardCharsets.UTF_8);

        assertThat(index).contains(OpenAiProvider.class.getName());
    }

    private static CortanaContext context(Map<String, String> values) {
        PluginSettings settings = key -> Optional.ofNullable(values.get(key));
        return new CortanaContext() {
            @Override
            public String pluginId() {
                return "provider-openai";
            }

            @Override
            public PluginSettings settings() {
                return settings;
            }

            @Override
            public DataSource dataSource() {
                throw new UnsupportedOperationException();
            }

            @Override
            public Workspace workspace() {
                throw new UnsupportedOperationException();
            }

            @Override
            public dev.cortana.api.Approvals approvals() {
                throw new UnsupportedOperationException();
            }

            @Override
            public Clock clock() {
                return Clock.systemUTC();
            }

            @Override
            public ZoneId userZone() {
                return ZoneId.of("UTC");
            }

            @Override
            public Notifier notifier() {
                throw new UnsupportedOperationException();
            }

            @Override
            public PluginScheduler scheduler() {
                throw new UnsupportedOperationException();
            }
        };
    }
}
