package dev.cortana.bench;

import dev.cortana.host.Cortana;
import dev.cortana.host.config.Config;
import dev.cortana.host.config.CortanaConfig;
import dev.cortana.host.testing.MutableClock;
import dev.cortana.testkit.wire.FakeOpenAi;
import dev.cortana.testkit.wire.FakeOpenAi.RecordedRequest;
import dev.cortana.testkit.wire.FakeOpenAi.Reply;
import dev.cortana.host.testing.TestDatabase;
import dev.cortana.host.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Issue 12 target: how much of each model request the next one repeats as its prefix, read in the order providers
 * build their prompt (tools, system, messages), over one conversation that crosses changes of minute and calls a
 * tool on every other message. The host runs with all bundled plugins against a loopback OpenAI server and a real
 * PostgreSQL; the clock is the host's own, moved on 25 s per message. Prints every follow-up's share and the
 * minimum (target: at least 95%).
 *
 * <p>Run from the repository root after {@code mvn -B -q -DskipTests package}:
 * {@code java -cp bench/target/cortana-bench.jar dev.cortana.bench.PromptPrefixBenchmark [messages]}
 */
public final class PromptPrefixBenchmark {

    public static void main(String[] args) throws Exception {
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : 6;
        Path workspace = Files.createTempDirectory("cortana-bench-prefix");
        MutableClock clock = new MutableClock(Instant.parse("2026-12-01T12:00:40Z"));
        try (FakeOpenAi openAi = FakeOpenAi.start(); TestDatabase database = TestPostgres.newDatabase()) {
            openAi.respondWith(request -> {
                if (request.lastToolResult() != null) {
                    return Reply.text("Done: " + request.lastToolResult());
                }
                return request.lastUserMessage().contains("todo")
                        ? Reply.toolCall("add_todo", "{\"title\":\"benchmark todo\",\"due\":\"2026-12-02\"}")
                        : Reply.text("Noted. Anything else?");
            });
            Map<String, String> env = new HashMap<>();
            env.put("WORKSPACE_DIR", workspace.toString());
            env.put("PLUGINS_DIR", Path.of("plugins-dist/target/plugins").toAbsolutePath().toString());
            env.put("DATABASE_URL", database.postgresUrl());
            env.put("OPENAI_API_KEY", "sk-bench-0001");
            env.put("OPENAI_API_BASE", openAi.baseUrl());
            Config config = Config.of(env);
            try (Cortana cortana = Cortana.start(config, CortanaConfig.from(config, workspace), clock)) {
                for (int i = 0; i < messages; i++) {
                    cortana.agent().reply("console", i % 2 == 0 ? "add a todo number " + i : "just chatting, " + i);
                    clock.advance(Duration.ofSeconds(25));
                }
            }
            List<RecordedRequest> requests = openAi.chatRequests();
            double min = 1.0;
            for (int i = 1; i < requests.size(); i++) {
                double share = requests.get(i - 1).shareRepeatedBy(requests.get(i));
                min = Math.min(min, share);
                System.out.printf("request %d repeats %.1f%% of request %d (%d of %d characters)%n", i, share * 100,
                        i - 1, requests.get(i - 1).sharedPrefix(requests.get(i)),
                        String.join("\n", requests.get(i - 1).promptInProviderOrder()).length());
            }
            System.out.printf("minimum share of a request repeated as the prefix of the next, %d requests over %d "
                    + "messages and %d s: %.1f%%%n", requests.size(), messages, messages * 25, min * 100);
        }
    }
}
