package dev.cortana.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.host.Main;
import dev.cortana.testkit.wire.FakeOpenAi;
import dev.cortana.testkit.wire.FakeOpenAi.Reply;
import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After the ready line Cortana warms up for the first message in the background (clients, tokenizer tables, one
 * request built and serialised by the real client code): no model is asked, no key is used, and the first message is
 * answered as it would have been without it.
 */
class FirstMessageWarmUpEndToEndTest {

    @TempDir
    Path workspace;

    @TempDir
    Path workingDir;

    private FakeOpenAi openAi;

    @BeforeEach
    void startModel() {
        openAi = FakeOpenAi.start();
        openAi.respondWith(request -> Reply.text("You said: " + request.lastUserMessage()));
    }

    @AfterEach
    void stopModel() {
        openAi.close();
    }

    private Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        env.put("WORKSPACE_DIR", workspace.toString());
        env.put("PLUGINS_DIR", ConsoleSession.bundledPlugins().toString());
        env.put("OPENAI_API_KEY", "sk-test-warm-up-0001");
        env.put("OPENAI_API_BASE", openAi.baseUrl());
        env.put("LLM_MODEL_NAME", "gpt-4o");
        env.put("MEMORY_EXTRACTION", "off"); // memory-local's extraction after the reply would be a second request
        return env;
    }

    @Test
    void theWarmUpAsksNoModelAndTheFirstMessageIsAnsweredAsUsual() throws Exception {
        PipedOutputStream typed = new PipedOutputStream();
        PipedInputStream stdin = new PipedInputStream(typed);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> Main.run(List.of(), environment(),
                workingDir, stdin, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false, false, Optional::empty));
        Path log = workspace.resolve("logs").resolve("cortana.log");

        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() ->
                Files.exists(log) && Files.readString(log).contains("Warmed up for the first message"));

        String warmUpLine = Files.readAllLines(log).stream().filter(l -> l.contains("Warmed up for the first message"))
                .findFirst().orElseThrow();
        assertThat(warmUpLine).as("every step ran, the model client's through the provider plugin")
                .contains("database", "prompt and tools", "tokenizer", "model client")
                .as("the memory in use (memory-local) warmed up last").containsPattern(", memory \\d+ ms\\)$");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("is ready in");
        assertThat(openAi.requests()).as("the warm-up sent nothing to the model's server").isEmpty();

        typed.write("hello, are you there?\n".getBytes(StandardCharsets.UTF_8));
        typed.close();

        assertThat(exit.get(60, TimeUnit.SECONDS)).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("You said: hello, are you there?\n");
        assertThat(openAi.requests()).hasSize(1);
        assertThat(openAi.chatRequests().get(0).apiKey()).isEqualTo("sk-test-warm-up-0001");
        assertThat(openAi.chatRequests().get(0).toolNames()).contains("add_todo");
        String ledger = Files.readString(workspace.resolve("key_usage.json"));
        assertThat(ledger).as("the usage ledger counts the one real request, nothing of the warm-up's")
                .contains("\"requests\" : 1", "\"failures\" : 0");
        assertThat(ledger.split("\"provider\"", -1)).as("one key in the ledger: the configured one").hasSize(2);
    }
}
