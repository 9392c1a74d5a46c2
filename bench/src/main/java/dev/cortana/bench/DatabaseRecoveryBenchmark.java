package dev.cortana.bench;

import dev.cortana.host.Cortana;
import dev.cortana.host.config.Config;
import dev.cortana.host.config.CortanaConfig;
import dev.cortana.testkit.wire.FakeOpenAi;
import dev.cortana.testkit.wire.FakeOpenAi.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * Issue 9 target: recovery after {@code kill -9} of the embedded PostgreSQL. The real host with all bundled plugins
 * and its own embedded PostgreSQL (no {@code DATABASE_URL}); a loopback model that always calls {@code add_todo}.
 * Each round kills the postmaster with SIGKILL, then sends messages back to back until one's todo is added; the
 * sample is the time from the kill to the end of that reply. Target: at most 10 s.
 *
 * <p>Run from the repository root after {@code mvn -B -q -DskipTests package}:
 * {@code java -cp bench/target/cortana-bench.jar dev.cortana.bench.DatabaseRecoveryBenchmark [rounds]}
 */
public final class DatabaseRecoveryBenchmark {

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        Path workspace = Files.createTempDirectory("cortana-bench-recovery");
        try (FakeOpenAi openAi = FakeOpenAi.start()) {
            openAi.respondWith(request -> request.lastToolResult() != null
                    ? Reply.text(request.lastToolResult())
                    : Reply.toolCall("add_todo", "{\"title\":\"after the crash\",\"due\":\"2026-11-27\"}"));
            Map<String, String> env = new HashMap<>();
            env.put("WORKSPACE_DIR", workspace.toString());
            env.put("PLUGINS_DIR", Path.of("plugins-dist/target/plugins").toAbsolutePath().toString());
            env.put("OPENAI_API_KEY", "sk-bench-0009");
            env.put("OPENAI_API_BASE", openAi.baseUrl());
            Config config = Config.of(env);
            try (Cortana cortana = Cortana.start(config, CortanaConfig.from(config, workspace), Clock.systemDefaultZone())) {
                send(cortana); // warm: the todo path works before the first kill
                double[] recovery = new double[rounds];
                int[] messages = new int[rounds];
                for (int round = 0; round < rounds; round++) {
                    Thread.sleep(1000); // the pool settles: idle connections, as between a user's messages
                    long pid = Long.parseLong(Files.readAllLines(workspace.resolve(".postgres/postmaster.pid")).get(0).strip());
                    ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow();
                    long killed = System.nanoTime();
                    postmaster.destroyForcibly(); // SIGKILL, as kill -9
                    int sent = 0;
                    String reply;
                    do {
                        reply = send(cortana);
                        sent++;
                        if ((System.nanoTime() - killed) > 120_000_000_000L) {
                            throw new IllegalStateException("No recovery within 120 s; last reply: " + reply);
                        }
                    } while (!reply.startsWith("Added"));
                    recovery[round] = (System.nanoTime() - killed) / 1e6;
                    messages[round] = sent;
                    System.out.printf("round %d: first successful todo %.0f ms after the kill (message %d)%n",
                            round + 1, recovery[round], sent);
                }
                System.out.println("kill -9 of the embedded PostgreSQL -> first successful message needing the database: "
                        + Stats.of(recovery).format("ms"));
            }
        }
    }

    private static String send(Cortana cortana) {
        cortana.commands().run("console", "/reset");
        return cortana.agent().reply("console", "add a todo");
    }
}
