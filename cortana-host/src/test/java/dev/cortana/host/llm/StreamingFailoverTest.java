package dev.cortana.host.llm;

import static dev.cortana.host.llm.KeyRotationTest.KEY_A;
import static dev.cortana.host.llm.KeyRotationTest.KEY_B;
import static dev.cortana.host.llm.KeyRotationTest.hello;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpServer;
import dev.cortana.api.llm.LlmProvider;
import dev.cortana.host.config.Config;
import dev.cortana.host.llm.rotation.RotationSettings;
import dev.cortana.testkit.wire.FakeOpenAi;
import dev.cortana.testkit.wire.FakeOpenAi.Reply;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Streaming answers: keys rotate only until text has reached the user. */
class StreamingFailoverTest {

    private static ModelRouter router(String baseUrl) {
        List<LlmProvider> providers = List.of(new LoopbackOpenAiProvider("openai"));
        return new ModelRouter(() -> providers, () -> 1L, Config.of(Map.of("OPENAI_API_KEY_1", KEY_A,
                "OPENAI_API_KEY_2", KEY_B, "OPENAI_API_BASE", baseUrl)),
                new RotationSettings(true, 0, 1, Duration.ofSeconds(10), Optional.empty(), List.of()), Clock.systemUTC());
    }

    @Test
    void aRateLimitBeforeAnyTextFailsOverToTheNextKey() {
        List<String> shown = new CopyOnWriteArrayList<>();
        try (FakeOpenAi openAi = FakeOpenAi.start(); ModelRouter router = router(openAi.baseUrl())) {
            openAi.forKey(KEY_A).enqueue(Reply.rateLimited(Duration.ofSeconds(30)));
            openAi.forKey(KEY_B).enqueue(Reply.text("Hello there, streamed in pieces"));

            String complete = router.chatStreaming("openai/gpt-4o", hello(), shown::add).aiMessage().text();

            assertThat(String.join("", shown)).isEqualTo("Hello there, streamed in pieces");
            assertThat(complete).isEqualTo("Hello there, streamed in pieces");
            assertThat(openAi.chatRequests()).extracting(FakeOpenAi.RecordedRequest::apiKey).containsExactly(KEY_A, KEY_B);
        }
    }

    @Test
    void aStreamThatBreaksAfterTextIsNeverRetriedOnAnotherKey() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/chat/completions", exchange -> {
            requests.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            out.write(("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\","
                    + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"The first half\"}}]}\n\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            out.write("data: {not json at all\n\n".getBytes(StandardCharsets.UTF_8)); // the stream breaks here
            out.close();
        });
        server.start();
        List<String> shown = new CopyOnWriteArrayList<>();
        try (ModelRouter router = router("http://127.0.0.1:" + server.getAddress().getPort() + "/v1")) {
            LlmUnavailableException error = catchThrowableOfType(
                    () -> router.chatStreaming("openai/gpt-4o", hello(), shown::add), LlmUnavailableException.class);

            assertThat(shown).containsExactly("The first half");
            assertThat(error.getMessage()).contains("broke off after it had begun", "nothing is repeated");
            assertThat(requests).hasValue(1);
        } finally {
            server.stop(0);
        }
    }

    private static ModelRouter routerWithFallback(String primaryBase, String backupBase) {
        List<LlmProvider> providers = List.of(new LoopbackOpenAiProvider("openai"), new LoopbackOpenAiProvider("backup"));
        return new ModelRouter(() -> providers, () -> 1L, Config.of(Map.of("OPENAI_API_KEY_1", KEY_A,
                "OPENAI_API_BASE", primaryBase, "BACKUP_API_KEY", "sk-backup-key-00000000000007",
                "BACKUP_API_BASE", backupBase)),
                new RotationSettings(true, 0, 1, Duration.ofSeconds(10), Optional.empty(), List.of("backup/small-model")),
                Clock.systemUTC());
    }

    @Test
    void whenTheProviderFailsBeforeAnyTextTheFallbackModelStreamsTheAnswerAfterTheNotice() {
        List<String> shown = new CopyOnWriteArrayList<>();
        try (FakeOpenAi openAi = FakeOpenAi.start(); FakeOpenAi backup = FakeOpenAi.start();
             ModelRouter router = routerWithFallback(openAi.baseUrl(), backup.baseUrl())) {
            openAi.rejectKey(KEY_A);
            backup.enqueue(Reply.text("backup answer, in pieces").inChunksOf(4));

            String complete = router.chatStreaming("openai/gpt-4o", hello(), shown::add).aiMessage().text();

            String notice = "_(openai/gpt-4o is unavailable right now; this answer comes from backup/small-model.)_";
            assertThat(shown).hasSizeGreaterThan(3).first().isEqualTo(notice + "\n\n");
            assertThat(String.join("", shown)).isEqualTo(notice + "\n\nbackup answer, in pieces");
            assertThat(complete).isEqualTo(String.join("", shown));
            assertThat(backup.lastRequest().isStream()).isTrue();
            assertThat(backup.lastRequest().body().path("model").asText()).isEqualTo("small-model");
        }
    }

    @Test
    void aStreamThatBreaksAfterTextIsNotStartedOverOnTheFallbackModel() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/chat/completions", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            out.write(("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\","
                    + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"The first half\"}}]}\n\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            out.write("data: {not json at all\n\n".getBytes(StandardCharsets.UTF_8));
            out.close();
        });
        server.start();
        List<String> shown = new CopyOnWriteArrayList<>();
        try (FakeOpenAi backup = FakeOpenAi.start();
             ModelRouter router = routerWithFallback("http://127.0.0.1:" + server.getAddress().getPort() + "/v1",
                     backup.baseUrl())) {
            backup.enqueue(Reply.text("a second answer"));

            LlmUnavailableException error = catchThrowableOfType(
                    () -> router.chatStreaming("openai/gpt-4o", hello(), shown::add), LlmUnavailableException.class);

            assertThat(shown).containsExactly("The first half");
            assertThat(error.getMessage()).contains("broke off after it had begun");
            assertThat(backup.chatRequests()).isEmpty();
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aStopWhileStreamingEndsTheAnswerWithTheTextShownSoFar() {
        List<String> shown = new CopyOnWriteArrayList<>();
        try (FakeOpenAi openAi = FakeOpenAi.start(); ModelRouter router = router(openAi.baseUrl())) {
            openAi.enqueue(Reply.text("one two three four five six seven eight nine ten").inChunksOf(4)
                    .pausedBetweenChunks(Duration.ofMillis(100)));
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            long start = System.nanoTime();

            dev.langchain4j.model.chat.response.ChatResponse response = router.chatStreaming("openai/gpt-4o", hello(),
                    piece -> {
                        shown.add(piece);
                        if (shown.size() == 3) {
                            stop.set(true);
                        }
                    }, stop::get);

            assertThat(response.aiMessage().text()).isEqualTo("one two thre").isEqualTo(String.join("", shown));
            assertThat(response.finishReason()).isEqualTo(dev.langchain4j.model.output.FinishReason.OTHER);
            // Returned at the stop, not when the model would have finished (13 chunks, 1.2 s).
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(900));
            assertThat(openAi.chatRequests()).hasSize(1);
        }
    }
}
