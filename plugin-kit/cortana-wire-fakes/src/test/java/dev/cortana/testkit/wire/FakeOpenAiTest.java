package dev.cortana.testkit.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cortana.testkit.wire.FakeOpenAi.RecordedRequest;
import dev.cortana.testkit.wire.FakeOpenAi.Reply;
import dev.cortana.testkit.wire.FakeOpenAi.ToolResult;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.catalog.ModelDescription;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiModelCatalog;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.model.output.FinishReason;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Drives the real LangChain4j OpenAI clients against the fake, so the fake stays true to the wire protocol. */
class FakeOpenAiTest {

    private static final ToolSpecification ADD_TODO = ToolSpecification.builder()
            .name("add_todo")
            .description("Adds a to-do item")
            .parameters(JsonObjectSchema.builder().addStringProperty("title").addIntegerProperty("priority")
                    .required("title").build())
            .build();
    private static final ToolSpecification LIST_TODOS = ToolSpecification.builder()
            .name("list_todos")
            .description("Lists the to-do items")
            .build();

    private FakeOpenAi openAi;

    @BeforeEach
    void start() {
        openAi = FakeOpenAi.start();
    }

    @AfterEach
    void stop() {
        openAi.close();
    }

    private ChatModel chatModel(String apiKey) {
        return chatModel(apiKey, Duration.ofSeconds(10));
    }

    private ChatModel chatModel(String apiKey, Duration timeout) {
        return OpenAiChatModel.builder().baseUrl(openAi.baseUrl()).apiKey(apiKey).modelName("gpt-4o")
                .maxRetries(0).timeout(timeout).build();
    }

    private StreamingChatModel streamingModel(String apiKey) {
        return OpenAiStreamingChatModel.builder().baseUrl(openAi.baseUrl()).apiKey(apiKey).modelName("gpt-4o-mini")
                .timeout(Duration.ofSeconds(10)).build();
    }

    @Test
    void answersWithTextAndUsage() {
        openAi.enqueue(Reply.text("Hello, Master.").withUsage(12, 3));

        ChatResponse response = chatModel("sk-test").chat(ChatRequest.builder()
                .messages(SystemMessage.from("You are Cortana."), UserMessage.from("Hi"))
                .build());

        assertThat(response.aiMessage().text()).isEqualTo("Hello, Master.");
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(response.tokenUsage().inputTokenCount()).isEqualTo(12);
        assertThat(response.tokenUsage().outputTokenCount()).isEqualTo(3);
        assertThat(response.tokenUsage().totalTokenCount()).isEqualTo(15);
        assertThat(response.modelName()).isEqualTo("gpt-4o");
    }

    @Test
    void aModelWithAContextWindowRejectsLongerPromptsWithOpenAisContextLengthBody() {
        openAi.contextWindow("gpt-4o", 60).respondWith(request -> Reply.text("fits"));
        ChatModel model = chatModel("sk-test");

        assertThat(model.chat(UserMessage.from("short")).aiMessage().text()).isEqualTo("fits");
        assertThatThrownBy(() -> model.chat(UserMessage.from("word ".repeat(80))))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("context_length_exceeded")
                .hasMessageContaining("This model's maximum context length is 60 tokens. However, your messages "
                        + "resulted in 88 tokens.");
        RecordedRequest rejected = openAi.lastRequest();
        assertThat(FakeOpenAi.promptTokens(rejected)).isEqualTo(88); // 3 + 4 + "word", 79 x " word" and the trailing " "
        assertThat(openAi.pendingReplies()).isZero();
    }

    @Test
    void estimatesUsageWhenNotScripted() {
        openAi.enqueue(Reply.text("twelve chars"));

        ChatResponse response = chatModel("sk-test").chat(UserMessage.from("Hi"));

        assertThat(response.tokenUsage().inputTokenCount()).isPositive();
        assertThat(response.tokenUsage().outputTokenCount()).isEqualTo(3);
    }

    @Test
    void toolCallArgumentsArriveIntactAndToolResultsAreReadable() {
        String arguments = "{\"title\":\"buy \\\"oat\\\" milk ☕ 🥛\",\"priority\":2,\"tags\":[\"a\",\"b\"],"
                + "\"note\":{\"nested\":true}}";
        openAi.enqueue(Reply.toolCall("add_todo", arguments));
        openAi.respondWith(request -> Reply.text("Tool said: " + request.lastToolResult()));
        ChatModel model = chatModel("sk-test");

        List<ChatMessage> conversation = new ArrayList<>(List.of(UserMessage.from("Remember oat milk")));
        ChatResponse first = model.chat(ChatRequest.builder().messages(conversation)
                .toolSpecifications(ADD_TODO, LIST_TODOS).build());

        assertThat(first.finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
        ToolExecutionRequest call = first.aiMessage().toolExecutionRequests().get(0);
        assertThat(call.name()).isEqualTo("add_todo");
        assertThat(call.arguments()).isEqualTo(arguments);
        assertThat(call.id()).startsWith("call_");

        conversation.add(first.aiMessage());
        conversation.add(ToolExecutionResultMessage.from(call, "added #7"));
        ChatResponse second = model.chat(ChatRequest.builder().messages(conversation)
                .toolSpecifications(ADD_TODO, LIST_TODOS).build());

        assertThat(second.aiMessage().text()).isEqualTo("Tool said: added #7");
        RecordedRequest followUp = openAi.lastRequest();
        assertThat(followUp.toolNames()).containsExactly("add_todo", "list_todos");
        assertThat(followUp.lastToolResults()).containsExactly(new ToolResult(call.id(), "added #7"));
        assertThat(followUp.lastUserMessage()).isEqualTo("Remember oat milk");
        assertThat(openAi.requests().get(0).lastToolResults()).isEmpty();
    }

    @Test
    void parallelToolCallsInOneAnswer() {
        openAi.enqueue(Reply.toolCalls(Reply.call("add_todo", "{\"title\":\"a\"}"), Reply.call("list_todos", "{}")));

        AiMessage answer = chatModel("sk-test").chat(ChatRequest.builder().messages(UserMessage.from("go"))
                .toolSpecifications(ADD_TODO, LIST_TODOS).build()).aiMessage();

        assertThat(answer.toolExecutionRequests()).extracting(ToolExecutionRequest::name)
                .containsExactly("add_todo", "list_todos");
        assertThat(answer.toolExecutionRequests()).extracting(ToolExecutionRequest::id).doesNotHaveDuplicates();
    }

    @Test
    void streamsTextAndToolCallsInChunks() throws Exception {
        String addArgs = "{\"title\":\"call mom\",\"priority\":1}";
        openAi.enqueue(Reply.text("Let me note that down.").andToolCall("add_todo", addArgs)
                .andToolCall("list_todos", "{}").withUsage(40, 9).inChunksOf(3));
        List<String> partials = new CopyOnWriteArrayList<>();
        List<CompleteToolCall> completedCalls = new CopyOnWriteArrayList<>();

        ChatResponse response = stream(streamingModel("sk-stream"), ChatRequest.builder()
                .messages(UserMessage.from("Remind me to call mom")).toolSpecifications(ADD_TODO, LIST_TODOS).build(),
                partials, completedCalls);

        assertThat(partials).hasSizeGreaterThan(3);
        assertThat(String.join("", partials)).isEqualTo("Let me note that down.");
        assertThat(response.aiMessage().text()).isEqualTo("Let me note that down.");
        assertThat(response.aiMessage().toolExecutionRequests())
                .extracting(ToolExecutionRequest::name, ToolExecutionRequest::arguments)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("add_todo", addArgs),
                        org.assertj.core.groups.Tuple.tuple("list_todos", "{}"));
        assertThat(completedCalls).extracting(c -> c.toolExecutionRequest().arguments())
                .containsExactly(addArgs, "{}");
        assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
        assertThat(response.tokenUsage().inputTokenCount()).isEqualTo(40);
        assertThat(response.tokenUsage().outputTokenCount()).isEqualTo(9);

        RecordedRequest request = openAi.lastRequest();
        assertThat(request.isStream()).isTrue();
        assertThat(request.includeUsage()).isTrue();
        assertThat(request.model()).isEqualTo("gpt-4o-mini");
    }

    @Test
    void pausesBetweenStreamedChunksAndSaysWhenEachWasSent() throws Exception {
        openAi.enqueue(Reply.text("one two three four").inChunksOf(5).pausedBetweenChunks(Duration.ofMillis(120)));
        List<Long> arrived = new CopyOnWriteArrayList<>();
        List<String> partials = new CopyOnWriteArrayList<>() {
            @Override
            public boolean add(String piece) {
                arrived.add(System.nanoTime());
                return super.add(piece);
            }
        };
        long start = System.nanoTime();

        stream(streamingModel("sk-stream"), ChatRequest.builder().messages(UserMessage.from("Count")).build(),
                partials, new ArrayList<>());

        assertThat(partials).containsExactly("one t", "wo th", "ree f", "our");
        List<FakeOpenAi.SentText> sent = openAi.sentTexts();
        assertThat(sent).extracting(FakeOpenAi.SentText::text).containsExactly("one t", "wo th", "ree f", "our");
        for (int i = 1; i < sent.size(); i++) {
            assertThat(sent.get(i).nanoTime() - sent.get(i - 1).nanoTime()).isGreaterThanOrEqualTo(110_000_000L);
        }
        // Each piece reached the client before the next one was written: the answer really arrives in pieces.
        assertThat(arrived.get(0)).isLessThan(sent.get(1).nanoTime());
        assertThat(sent.get(0).nanoTime()).isGreaterThan(start);
    }

    @Test
    void rateLimitSurfacesAsStatus429WithRetryAfterOnTheWire() throws Exception {
        openAi.enqueue(Reply.rateLimited(Duration.ofSeconds(7)));

        assertThatThrownBy(() -> chatModel("sk-test").chat(UserMessage.from("Hi")))
                .isInstanceOf(RateLimitException.class)
                .rootCause().isInstanceOfSatisfying(HttpException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(429);
                    assertThat(e.getMessage()).contains("rate_limit_exceeded");
                });
        assertThat(openAi.requestCount()).isEqualTo(1);

        // LangChain4j's exceptions carry no headers, so check the header the host may read elsewhere on the wire.
        openAi.enqueue(Reply.rateLimited(Duration.ofMillis(2500)));
        HttpResponse<String> raw = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(openAi.baseUrl() + "/chat/completions"))
                .header("Authorization", "Bearer sk-test").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o\",\"messages\":[]}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(raw.statusCode()).isEqualTo(429);
        assertThat(raw.headers().firstValue("Retry-After")).hasValue("3");
    }

    @Test
    void errorsReachStreamingClientsToo() throws Exception {
        openAi.enqueue(Reply.rateLimited(Duration.ofSeconds(1)));
        CompletableFuture<Throwable> failure = new CompletableFuture<>();

        streamingModel("sk-test").chat(ChatRequest.builder().messages(UserMessage.from("Hi")).build(),
                new StreamingChatResponseHandler() {
                    @Override
                    public void onCompleteResponse(ChatResponse completeResponse) {
                        failure.complete(null);
                    }

                    @Override
                    public void onError(Throwable error) {
                        failure.complete(error);
                    }
                });

        assertThat(failure.get(10, TimeUnit.SECONDS)).isInstanceOf(RateLimitException.class);
    }

    @Test
    void scriptsPerApiKey() {
        openAi.forKey("sk-a").enqueue(Reply.rateLimited(Duration.ofSeconds(30)));
        openAi.forKey("sk-b").enqueue(Reply.text("from b"));
        openAi.forKey("sk-b").respondWith(request -> Reply.text("b again"));
        openAi.enqueue(Reply.text("shared"));
        openAi.rejectKey("sk-revoked");

        assertThatThrownBy(() -> chatModel("sk-a").chat("Hi")).isInstanceOf(RateLimitException.class);
        assertThat(chatModel("sk-b").chat("Hi")).isEqualTo("from b");
        assertThat(chatModel("sk-b").chat("Hi")).isEqualTo("b again");
        assertThat(chatModel("sk-c").chat("Hi")).isEqualTo("shared");
        assertThatThrownBy(() -> chatModel("sk-revoked").chat("Hi")).isInstanceOf(AuthenticationException.class);

        assertThat(openAi.requests("sk-a")).hasSize(1);
        assertThat(openAi.requests("sk-b")).hasSize(2);
        assertThat(openAi.requests()).extracting(RecordedRequest::apiKey)
                .containsExactly("sk-a", "sk-b", "sk-b", "sk-c", "sk-revoked");
        assertThat(openAi.pendingReplies()).isZero();
    }

    @Test
    void recordsEveryRequest() {
        openAi.enqueue(Reply.text("ok"));

        chatModel("sk-rec").chat(ChatRequest.builder()
                .messages(SystemMessage.from("Be brief."), UserMessage.from("first"), AiMessage.from("answer"),
                        UserMessage.from("second"))
                .toolSpecifications(LIST_TODOS)
                .build());
        List<ModelDescription> listed = OpenAiModelCatalog.builder().baseUrl(openAi.baseUrl()).apiKey("sk-rec")
                .build().listModels();

        List<RecordedRequest> requests = openAi.requests();
        assertThat(requests).hasSize(2);
        RecordedRequest chat = requests.get(0);
        assertThat(chat.index()).isZero();
        assertThat(chat.method()).isEqualTo("POST");
        assertThat(chat.path()).isEqualTo("/v1/chat/completions");
        assertThat(chat.isChatCompletion()).isTrue();
        assertThat(chat.apiKey()).isEqualTo("sk-rec");
        assertThat(chat.header("authorization")).isEqualTo("Bearer sk-rec");
        assertThat(chat.header("Content-Type")).startsWith("application/json");
        assertThat(chat.model()).isEqualTo("gpt-4o");
        assertThat(chat.isStream()).isFalse();
        assertThat(chat.messages()).extracting(m -> m.path("role").asText())
                .containsExactly("system", "user", "assistant", "user");
        assertThat(chat.systemPrompt()).isEqualTo("Be brief.");
        assertThat(chat.lastUserMessage()).isEqualTo("second");
        assertThat(chat.toolNames()).containsExactly("list_todos");
        assertThat(chat.body().path("messages").get(1).path("content").asText()).isEqualTo("first");

        RecordedRequest models = requests.get(1);
        assertThat(models.method()).isEqualTo("GET");
        assertThat(models.path()).isEqualTo("/v1/models");
        assertThat(models.body()).isNull();
        assertThat(listed).extracting(ModelDescription::name).contains("gpt-4o", "gpt-4o-mini");
        assertThat(openAi.chatRequests()).containsExactly(chat);

        openAi.reset();
        assertThat(openAi.requests()).isEmpty();
    }

    @Test
    void modelListIsScriptable() {
        openAi.models("gpt-5", "my-local-model");

        List<ModelDescription> listed = OpenAiModelCatalog.builder().baseUrl(openAi.baseUrl()).apiKey("sk-x")
                .build().listModels();

        assertThat(listed).extracting(ModelDescription::name).containsExactly("gpt-5", "my-local-model");
    }

    @Test
    void delayedReplyAnswersLateAndHangTimesOut() {
        openAi.enqueue(Reply.text("late").delayed(Duration.ofMillis(300)), Reply.hang());

        long start = System.nanoTime();
        assertThat(chatModel("sk-test").chat("Hi")).isEqualTo("late");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));

        assertThatThrownBy(() -> chatModel("sk-test", Duration.ofMillis(500)).chat("Hi"))
                .isInstanceOf(TimeoutException.class);
        assertThat(openAi.requestCount()).isEqualTo(2);
    }

    @Test
    void aHungRequestHoldsUpNoOtherAndIsReleasedOnClose() throws Exception {
        openAi.forKey("sk-slow").enqueue(Reply.hang());
        openAi.enqueue(Reply.text("quick"));
        CompletableFuture<String> hung = CompletableFuture.supplyAsync(
                () -> chatModel("sk-slow", Duration.ofSeconds(30)).chat("Hi"));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> openAi.requestCount() == 1);

        assertThat(chatModel("sk-fast").chat("Hi")).isEqualTo("quick");
        assertThat(hung).isNotDone();

        openAi.close();
        assertThat(hung).failsWithin(Duration.ofSeconds(10));
    }

    @Test
    void unscriptedRequestFailsFastWithAClearMessage() {
        assertThatThrownBy(() -> chatModel("sk-test").chat("Hi"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("no reply scripted");
    }

    @Test
    void aFailingResponderShowsUpInTheClientsError() {
        openAi.respondWith(request -> {
            throw new AssertionError("expected a tool result");
        });

        assertThatThrownBy(() -> chatModel("sk-test").chat("Hi"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("expected a tool result");
    }

    private static ChatResponse stream(StreamingChatModel model, ChatRequest request, List<String> partials,
                                       List<CompleteToolCall> completedCalls) throws Exception {
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        model.chat(request, new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String partialResponse) {
                partials.add(partialResponse);
            }

            @Override
            public void onCompleteToolCall(CompleteToolCall completeToolCall) {
                completedCalls.add(completeToolCall);
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
        try {
            return done.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }
}
