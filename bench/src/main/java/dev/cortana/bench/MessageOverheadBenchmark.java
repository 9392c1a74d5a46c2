package dev.cortana.bench;

import dev.cortana.host.Cortana;
import dev.cortana.host.config.Config;
import dev.cortana.host.config.CortanaConfig;
import dev.cortana.host.testing.FakeOpenAi;
import dev.cortana.host.testing.FakeOpenAi.Reply;
import dev.cortana.host.testing.TestDatabase;
import dev.cortana.host.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * Issue 2 target: host overhead per message with a loopback model that answers at once and one tool call that
 * writes to PostgreSQL (two model round trips, one todo insert). Also prints the size of one model request with all
 * bundled plugins loaded (the brief's budget: 12 KB).
 *
 * <p>Run from the repository root after {@code mvn -B -q -DskipTests package}:
 * {@code java -cp bench/target/cortana-bench.jar dev.cortana.bench.MessageOverheadBenchmark [warmup] [messages]}
 */
public final class MessageOverheadBenchmark {

    public static void main(String[] args) throws Exception {
        int warmup = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        int messages = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        Path workspace = Files.createTempDirectory("cortana-bench-message");
        try (FakeOpenAi openAi = FakeOpenAi.start(); TestDatabase database = TestPostgres.newDatabase()) {
            openAi.respondWith(request -> request.lastToolResult() != null
                    ? Reply.text(request.lastToolResult())
                    : Reply.toolCall("add_todo", "{\"title\":\"benchmark todo\",\"due\":\"2026-11-27\"}"));
            Map<String, String> env = new HashMap<>();
            env.put("WORKSPACE_DIR", workspace.toString());
            env.put("PLUGINS_DIR", Path.of("plugins-dist/target/plugins").toAbsolutePath().toString());
            env.put("DATABASE_URL", database.postgresUrl());
            env.put("OPENAI_API_KEY", "sk-bench-0001");
            env.put("OPENAI_API_BASE", openAi.baseUrl());
            Config config = Config.of(env);
            try (Cortana cortana = Cortana.start(config, CortanaConfig.from(config, workspace), Clock.systemDefaultZone())) {
                for (int i = 0; i < warmup; i++) {
                    cortana.commands().run("console", "/reset");
                    send(cortana, i);
                }
                double[] millis = new double[messages];
                for (int i = 0; i < messages; i++) {
                    cortana.commands().run("console", "/reset"); // the same history length for every sample
                    long start = System.nanoTime();
                    send(cortana, i);
                    millis[i] = (System.nanoTime() - start) / 1e6;
                }
                System.out.println("message with one tool call writing to PostgreSQL (2 loopback model calls): "
                        + Stats.of(millis).format("ms"));
                FakeOpenAi.RecordedRequest first = openAi.chatRequests().get(openAi.chatRequests().size() - 2);
                System.out.printf("model request size with all bundled plugins: %d bytes (system prompt %d chars, %d tools)%n",
                        first.rawBody().length(), first.systemPrompt().length(), first.toolNames().size());
            }
        }
    }

    private static void send(Cortana cortana, int i) {
        String reply = cortana.agent().reply("console", "add benchmark todo " + i);
        if (!reply.startsWith("Added")) {
            throw new IllegalStateException("unexpected reply: " + reply);
        }
    }
}
