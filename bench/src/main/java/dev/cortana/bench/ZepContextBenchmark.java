package dev.cortana.bench;

import dev.cortana.host.Cortana;
import dev.cortana.host.config.Config;
import dev.cortana.host.config.CortanaConfig;
import dev.cortana.host.testing.TestDatabase;
import dev.cortana.host.testing.TestPostgres;
import dev.cortana.testkit.wire.FakeOpenAi;
import dev.cortana.testkit.wire.FakeOpenAi.Reply;
import dev.cortana.testkit.wire.FakeZep;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * What Zep memory adds to a message: the console's reply time (a loopback model answering at once, no tool) with the
 * bundled plugins and {@code memory-zep} inactive (no key), active against a loopback Zep holding 20 facts about the
 * user (one context call per message, the turn queued and sent in the background), and active with Zep hanging (the
 * context call gives up at {@code ZEP_CONTEXT_TIMEOUT_MS}, then Zep counts as away until the next try).
 *
 * <p>Run from the repository root after {@code mvn -B -q -DskipTests package}:
 * {@code java -cp bench/target/cortana-bench.jar dev.cortana.bench.ZepContextBenchmark [warmup] [messages]}
 */
public final class ZepContextBenchmark {

    private static final String KEY = "z_bench_key_0001";

    public static void main(String[] args) throws Exception {
        int warmup = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        int messages = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        try (FakeOpenAi openAi = FakeOpenAi.start(); FakeZep zep = FakeZep.start(KEY)) {
            openAi.respondWith(request -> Reply.text("ok"));
            run("memory-zep inactive (no ZEP_API_KEY)", openAi, null, warmup, messages);
            run("memory-zep on a loopback Zep, 20 facts", openAi, zep, warmup, messages);
            zep.hang();
            run("memory-zep, Zep hanging (ZEP_CONTEXT_TIMEOUT_MS=800)", openAi, zep, 2, Math.min(10, messages));
            zep.up();
        }
    }

    private static void run(String name, FakeOpenAi openAi, FakeZep zep, int warmup, int messages) throws Exception {
        Path workspace = Files.createTempDirectory("cortana-bench-zep");
        try (TestDatabase database = TestPostgres.newDatabase()) {
            Map<String, String> env = new HashMap<>();
            env.put("WORKSPACE_DIR", workspace.toString());
            env.put("PLUGINS_DIR", Path.of("plugins-dist/target/plugins").toAbsolutePath().toString());
            env.put("DATABASE_URL", database.postgresUrl());
            env.put("OPENAI_API_KEY", "sk-bench-0001");
            env.put("OPENAI_API_BASE", openAi.baseUrl());
            env.put("MEMORY_PROVIDER", "zep");
            if (zep != null) {
                env.put("ZEP_API_KEY", KEY);
                env.put("ZEP_API_URL", zep.baseUrl());
            }
            Config config = Config.of(env);
            try (Cortana cortana = Cortana.start(config, CortanaConfig.from(config, workspace), Clock.systemDefaultZone())) {
                String user = cortana.config().consoleUserId();
                cortana.agent().reply(user, "hello"); // creates the Zep user and thread (in the background)
                if (zep != null && zep.facts(user).isEmpty()) {
                    Thread.sleep(500);
                    for (int i = 0; i < 20; i++) {
                        zep.addFact(user, "The user mentioned preference number " + i + " about travel and food");
                    }
                }
                double[] millis = new double[messages];
                for (int i = 0; i < warmup + messages; i++) {
                    if (i % 20 == 0) {
                        cortana.commands().run(user, "/reset");
                    }
                    long start = System.nanoTime();
                    cortana.agent().reply(user, "message " + i);
                    if (i >= warmup) {
                        millis[i - warmup] = (System.nanoTime() - start) / 1e6;
                    }
                }
                System.out.println(name + ": " + Stats.of(millis).format("ms"));
            }
        }
    }
}
