package dev.cortana.host.llm.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cortana.api.llm.LlmProvider;
import dev.cortana.api.llm.ModelClient;
import dev.cortana.api.llm.ModelSetup;
import dev.cortana.host.agent.Agent;
import dev.cortana.host.config.Config;
import dev.cortana.host.conversation.ConversationCache;
import dev.cortana.host.conversation.ConversationFiles;
import dev.cortana.host.conversation.TokenCounter;
import dev.cortana.host.llm.LlmUnavailableException;
import dev.cortana.host.llm.ModelRouter;
import dev.cortana.host.llm.rotation.RotationSettings;
import dev.cortana.host.prompt.SystemPrompt;
import dev.cortana.testkit.wire.FakeOpenAi;
import dev.cortana.testkit.wire.FakeOpenAi.Reply;
import dev.cortana.testkit.wire.LoopbackHttp;
import dev.cortana.host.tools.ToolRegistry;
import dev.cortana.host.tools.ToolRunner;
import dev.cortana.host.workspace.HostWorkspace;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model server that answers with too much (15 MB in one token, a body that never ends) or too slowly: the user gets
 * one clear sentence, nothing of the answer reaches the conversation file, and the next message is answered as usual.
 */
@Timeout(90)
class BoundedModelAnswersTest {

    private static final String KEY = "sk-bounded-answers-1";
    private static final String COMPLETION = "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,"
            + "\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
            + "\"fine again\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2,"
            + "\"total_tokens\":7}}";

    @TempDir
    Path workspaceDir;

    private final ExecutorService serverThreads = Executors.newCachedThreadPool();
    private HttpServer server;
    private FakeOpenAi openAi;
    private ToolRunner runner;
    private ModelRouter router;
    private ConversationCache conversations;

    @AfterEach
    void stop() {
        if (router != null) {
            router.close();
        }
        if (runner != null) {
            runner.close();
        }
        if (openAi != null) {
            openAi.close();
        }
        if (server != null) {
            server.stop(0);
        }
        serverThreads.shutdownNow();
    }

    @Test
    void anAnswerOfFifteenMegabytesInOneTokenIsRefusedAndNeverSaved() throws Exception {
        openAi = FakeOpenAi.start();
        openAi.enqueue(Reply.text("x".repeat(15_000_000)), Reply.text("fine again"));
        Agent agent = agent(openAi.baseUrl(), Duration.ofSeconds(30));

        String first = agent.reply("42", "write me something long");

        assertThat(first).isEqualTo("The model's answer was larger than 8 MB, so it was dropped; nothing was kept. "
                + "Ask again, perhaps for a shorter answer.");
        assertThat(savedConversations()).noneMatch(text -> text.contains("xxxxxxxxxx"));
        assertThat(agent.reply("42", "hello?")).isEqualTo("fine again");
        assertThat(savedConversations()).singleElement().satisfies(text -> assertThat(text).contains("fine again")
                .doesNotContain("write me something long").hasSizeLessThan(10_000));
    }

    @Test
    void anEndlessChunkedBodyIsCutOffAndTheNextMessageIsAnswered() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        server = LoopbackHttp.start(exchange -> {
            if (calls.incrementAndGet() == 1) {
                endless(exchange, "{\"id\":\"c1\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                        + "\"content\":\"", Duration.ZERO);
            } else {
                LoopbackHttp.sendJson(exchange, 200, COMPLETION, Map.of());
            }
        }, serverThreads);
        Agent agent = agent(baseUrl(), Duration.ofSeconds(30));

        String first = agent.reply("42", "go on forever");

        assertThat(first).startsWith("The model's answer was larger than 8 MB");
        assertThat(agent.reply("42", "and now?")).isEqualTo("fine again");
        assertThat(savedConversations()).singleElement().satisfies(text -> assertThat(text)
                .doesNotContain("go on forever").hasSizeLessThan(10_000));
    }

    @Test
    void aBodyThatTricklesPastTheRequestTimeoutIsCutOff() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        server = LoopbackHttp.start(exchange -> {
            if (calls.incrementAndGet() == 1) {
                endless(exchange, "{\"id\":\"c1\",\"choices\":[{\"index\":0,\"message\":{\"content\":\"",
                        Duration.ofMillis(100));
            } else {
                LoopbackHttp.sendJson(exchange, 200, COMPLETION, Map.of());
            }
        }, serverThreads);
        Agent agent = agent(baseUrl(), Duration.ofSeconds(2));

        String first = agent.reply("42", "slowly please");

        assertThat(first).isEqualTo("The model's answer took longer than 2 s (LLM_REQUEST_TIMEOUT) to arrive, so it "
                + "was dropped; nothing was kept. Ask again.");
        assertThat(agent.reply("42", "and now?")).isEqualTo("fine again");
    }

    @Test
    void anEndlessStreamIsCutOffToo() throws Exception {
        server = LoopbackHttp.start(exchange -> endless(exchange,
                "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"", Duration.ZERO),
                serverThreads);
        agent(baseUrl(), Duration.ofSeconds(30));

        assertThatThrownBy(() -> router.chatStreaming("openai/gpt-4o",
                ChatRequest.builder().messages(UserMessage.from("stream forever")).build(), text -> { }))
                .isInstanceOf(LlmUnavailableException.class)
                .hasMessageStartingWith("The model's answer was larger than 8 MB");
    }

    /** Sends {@code head}, then 64 KB chunks of "a" until the client hangs up, each after {@code pause}. */
    private static void endless(HttpExchange exchange, String head, Duration pause) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, 0);
        byte[] chunk = "a".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(head.getBytes(StandardCharsets.UTF_8));
            for (long sent = 0; sent < 4L * 1024 * 1024 * 1024; sent += chunk.length) {
                out.write(chunk);
                out.flush();
                if (!pause.isZero()) {
                    Thread.sleep(pause.toMillis());
                }
            }
        } catch (IOException | InterruptedException clientWentAway) {
            // what a cut-off looks like from the server
        } finally {
            exchange.close();
        }
    }

    private String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    private Agent agent(String baseUrl, Duration requestTimeout) throws IOException {
        LlmProvider provider = new TimeoutProvider(requestTimeout);
        RotationSettings rotation = new RotationSettings(true, 0, 2, Duration.ofSeconds(60), Optional.empty(),
                List.of());
        router = new ModelRouter(() -> List.of(provider), () -> 1L,
                Config.of(Map.of("OPENAI_API_KEY", KEY, "OPENAI_API_BASE", baseUrl)), rotation, Clock.systemUTC());
        TokenCounter tokens = new TokenCounter();
        conversations = ConversationCache.open(new ConversationFiles(workspaceDir.resolve(".conversation_cache"),
                tokens), Clock.systemUTC(), Duration.ofMinutes(30));
        runner = new ToolRunner(Duration.ofSeconds(5));
        SystemPrompt prompt = new SystemPrompt(HostWorkspace.open(workspaceDir), Clock.systemUTC(),
                user -> ZoneOffset.UTC, 20_000);
        return new Agent(router, user -> "openai/gpt-4o", new ToolRegistry(List::of, () -> 1L), runner,
                conversations, prompt, 3);
    }

    private List<String> savedConversations() throws IOException {
        try (Stream<Path> files = Files.list(workspaceDir.resolve(".conversation_cache"))) {
            return files.filter(f -> f.toString().endsWith(".json")).map(f -> {
                try {
                    return Files.readString(f);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
    }

    /** The real LangChain4j OpenAI clients over the host's HTTP client, with the request timeout a test chooses. */
    private record TimeoutProvider(Duration timeout) implements LlmProvider {
        @Override
        public String id() {
            return "openai";
        }

        @Override
        public ModelClient model(ModelSetup setup) {
            if (setup.streaming()) {
                return ModelClient.of(OpenAiStreamingChatModel.builder().httpClientBuilder(setup.http())
                        .baseUrl(setup.baseUrl()).apiKey(setup.apiKey()).modelName(setup.modelName())
                        .timeout(timeout).build());
            }
            return ModelClient.of(OpenAiChatModel.builder().httpClientBuilder(setup.http()).baseUrl(setup.baseUrl())
                    .apiKey(setup.apiKey()).modelName(setup.modelName()).timeout(timeout).maxRetries(0).build());
        }
    }
}
