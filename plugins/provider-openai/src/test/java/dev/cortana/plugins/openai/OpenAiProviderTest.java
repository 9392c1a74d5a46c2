package dev.cortana.plugins.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cortana.api.llm.LlmCredential;
import dev.cortana.api.llm.ModelClient;
import dev.cortana.api.llm.ModelInfo;
import dev.cortana.api.llm.ModelSetup;
import dev.cortana.testkit.wire.FakeOpenAi;
import dev.cortana.testkit.wire.FakeOpenAi.RecordedRequest;
import dev.cortana.testkit.wire.FakeOpenAi.Reply;
import dev.cortana.testkit.wire.RecordingHttpClientBuilder;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The provider's side of the contract, over the wire: what the host hands it in a {@link ModelSetup}, what it sends. */
class OpenAiProviderTest {

    private static final String KEY = "sk-test-0123456789abcdef";

    private FakeOpenAi openAi;
    private LlmCredential credential;
    private final OpenAiProvider provider = new OpenAiProvider();
    private final RecordingHttpClientBuilder http = new RecordingHttpClientBuilder();

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

        ChatResponse response = chatModel(provider, credential, "gpt-4o").chat(ChatRequest.builder()
                .messages(UserMessage.from("Hi")).build());

        assertThat(response.aiMessage().text()).isEqualTo("Hello from the fake.");
        assertThat(response.tokenUsage().inputTokenCount()).isEqualTo(20);
        RecordedRequest request = openAi.lastRequest();
        assertThat(request.path()).isEqualTo("/v1/chat/completions");
        assertThat(request.apiKey()).isEqualTo(KEY);
        assertThat(request.model()).isEqualTo("gpt-4o");
        assertThat(request.lastUserMessage()).isEqualTo("Hi");
        assertThat(http.sent()).as("through the host's HTTP builder").containsExactly(
                "POST " + openAi.baseUrl() + "/chat/completions");
    }

    @Test
    void doesNotRetryARateLimitAndKeepsTheKeyOutOfTheError() {
        openAi.enqueue(Reply.rateLimited(Duration.ofSeconds(20)), Reply.text("a retry would get this"));

        assertThatThrownBy(() -> chatModel(provider, credential, "gpt-4o").chat("Hi"))
                .isInstanceOf(RateLimitException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(KEY))
                .rootCause().isInstanceOfSatisfying(HttpException.class, e -> assertThat(e.statusCode()).isEqualTo(429));
        assertThat(openAi.requestCount()).isEqualTo(1);
        assertThat(openAi.pendingReplies()).isEqualTo(1);
    }

    @Test
    void aRejectedKeyFailsWithTheStatusAndWithoutTheKey() {
        openAi.rejectKey(KEY);

        assertThatThrownBy(() -> chatModel(provider, credential, "gpt-4o").chat("Hi"))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(KEY))
                .rootCause().isInstanceOfSatisfying(HttpException.class, e -> assertThat(e.statusCode()).isEqualTo(401));
        assertThat(openAi.requestCount()).as("the host decides whether another key is tried").isEqualTo(1);
    }

    @Test
    void aTooLongConversationFailsWithOpenAisCodeForTheHostToRead() {
        openAi.enqueue(Reply.contextLengthExceeded());

        assertThatThrownBy(() -> chatModel(provider, credential, "gpt-4o").chat("Hi"))
                .rootCause().isInstanceOfSatisfying(HttpException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("context_length_exceeded");
                });
    }

    @Test
    void streams() throws Exception {
        openAi.enqueue(Reply.text("Adding it.").andToolCall("add_todo", "{\"title\":\"call mom\"}").inChunksOf(2));
        StreamingChatModel model = streamingModel(credential, "gpt-4o-mini");
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
        assertThat(request.toolNames()).containsExactly("add_todo");
        assertThat(http.sent()).as("through the host's HTTP builder").containsExactly(
                "POST " + openAi.baseUrl() + "/chat/completions");
    }

    @Test
    void aRateLimitedStreamReportsTheStatusToTheHandler() throws Exception {
        openAi.enqueue(Reply.rateLimited(Duration.ofSeconds(20)));
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();

        streamingModel(credential, "gpt-4o").chat(ChatRequest.builder().messages(UserMessage.from("Hi")).build(),
                new StreamingChatResponseHandler() {
                    @Override
                    public void onPartialResponse(String partialResponse) {
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

        assertThatThrownBy(() -> done.get(10, TimeUnit.SECONDS))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(KEY))
                .rootCause().isInstanceOfSatisfying(HttpException.class, e -> assertThat(e.statusCode()).isEqualTo(429));
        assertThat(http.sent()).hasSize(1);
    }

    @Test
    void listsTheServersChatModelsAndLeavesTheLimitsToTheHost() throws Exception {
        openAi.models("gpt-4o", "gpt-4o-2024-08-06", "gpt-4o-2024-05-13", "o4-mini", "text-embedding-3-small",
                "whisper-1", "gpt-4o-mini-transcribe", "my-local-llm");

        List<ModelInfo> models = provider.listModels(setup(credential, "", false));

        // OpenAI reports no limits: 0 means unknown, and the host fills them from its bundled catalog.
        assertThat(models).containsExactly(
                new ModelInfo("openai", "gpt-4o", 0, 0),
                new ModelInfo("openai", "gpt-4o-2024-05-13", 0, 0),
                new ModelInfo("openai", "gpt-4o-2024-08-06", 0, 0),
                new ModelInfo("openai", "my-local-llm", 0, 0),
                new ModelInfo("openai", "o4-mini", 0, 0));
        RecordedRequest request = openAi.lastRequest();
        assertThat(request.method()).isEqualTo("GET");
        assertThat(request.path()).isEqualTo("/v1/models");
        assertThat(request.apiKey()).isEqualTo(KEY);
        assertThat(http.sent()).as("through the host's HTTP builder").containsExactly("GET " + openAi.baseUrl() + "/models");
    }

    @Test
    void listingWithARejectedKeyFailsWithTheStatusAndWithoutTheKey() {
        openAi.rejectKey(KEY);

        assertThatThrownBy(() -> provider.listModels(setup(credential, "", false)))
                .isInstanceOfSatisfying(HttpException.class, e -> assertThat(e.statusCode()).isEqualTo(401))
                .hasMessageContaining("invalid_api_key")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(KEY));
    }

    @Test
    void redactsAKeyEchoedInAnErrorBody() {
        assertThat(OpenAiProvider.redact("bad key " + KEY + "!", KEY)).isEqualTo("bad key [redacted]!");
    }

    @Test
    void aCallTakesNoLongerThanTheRequestTimeoutTheHostResolved() {
        openAi.enqueue(Reply.hang());
        ModelSetup oneSecond = new ModelSetup(credential, "gpt-4o", openAi.baseUrl(), Duration.ofSeconds(1),
                http, false, new ModelInfo("openai", "gpt-4o", 128_000, 16_384));

        assertThatThrownBy(() -> ((ModelClient.Blocking) provider.model(oneSecond)).model().chat("Hi"))
                .isInstanceOf(TimeoutException.class);
    }

    @Test
    void defaultsToOpenAiWhenNoBaseUrlIsSet() {
        // Building must not need the network; the default base URL is only used when a call is made.
        LlmCredential plain = new LlmCredential("openai", KEY, Optional.empty());
        assertThat(provider.defaultBaseUrl("openai")).contains("https://api.openai.com/v1");
        assertThat(chatModel(provider, plain, "gpt-4o")).isNotNull();
        assertThat(provider.model(setup(plain, "gpt-4o", true))).isInstanceOf(ModelClient.Streaming.class);
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
    void carriesNoCatalogOfItsOwn() {
        assertThat(provider.catalog()).as("the host's model-catalog.yml is the one copy of OpenAI's limits").isEmpty();
    }

    @Test
    void compilingRegistersTheExtensionInPf4jsIndex() throws Exception {
        Path classes = Path.of(OpenAiProvider.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> index = Files.readAllLines(classes.resolve("META-INF/extensions.idx"), StandardCharsets.UTF_8);

        assertThat(index).contains(OpenAiProvider.class.getName());
    }

    /** What the host hands the provider for {@code credential}: its base URL or OpenAI's, 120 s, its HTTP builder. */
    private ModelSetup setup(LlmCredential credential, String model, boolean streaming) {
        String base = credential.baseUrl().orElse(OpenAiProvider.DEFAULT_BASE_URL);
        return new ModelSetup(credential, model, base, Duration.ofSeconds(120), http, streaming,
                new ModelInfo("openai", model, 0, 0));
    }

    private ChatModel chatModel(OpenAiProvider provider, LlmCredential credential, String model) {
        return ((ModelClient.Blocking) provider.model(setup(credential, model, false))).model();
    }

    private StreamingChatModel streamingModel(LlmCredential credential, String model) {
        return ((ModelClient.Streaming) provider.model(setup(credential, model, true))).model();
    }

}
