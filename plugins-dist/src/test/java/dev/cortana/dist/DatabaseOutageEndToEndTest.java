package dev.cortana.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cortana.host.Cortana;
import dev.cortana.host.config.Config;
import dev.cortana.host.config.CortanaConfig;
import dev.cortana.host.storage.DatabaseAvailability;
import dev.cortana.testkit.wire.FakeOpenAi;
import dev.cortana.host.testing.TcpProxy;
import dev.cortana.host.testing.TestDatabase;
import dev.cortana.host.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database dies under a running Cortana, with the real todos plugin: the embedded PostgreSQL killed with
 * {@code kill -9} is restarted and the next todo round trip succeeds within 10 s; while an external database is away
 * every message gets a model reply and one sentence saying the database is unavailable, and once it is back
 * everything works without a restart. The servers killed or cut off here are this test's own.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DatabaseOutageEndToEndTest {

    @TempDir
    Path workspace;

    @Test
    void afterKill9OfTheEmbeddedPostgresATodoRoundTripSucceedsWithin10Seconds() throws Exception {
        try (FakeOpenAi openAi = FakeOpenAi.start()) {
            openAi.respondWith(new ScriptedModel(LocalDate.now().plusDays(2)));
            try (Cortana cortana = start(openAi, null)) {
                assertThat(cortana.database().embedded()).isTrue();
                assertThat(say(cortana, "add \"water plants\" please")).startsWith("Added \"water plants\"");

                long pid = Long.parseLong(Files.readAllLines(workspace.resolve("ws/.postgres/postmaster.pid")).get(0).strip());
                assertThat(pid).isNotEqualTo(TestPostgres.server().postmasterPid().orElse(-1L));
                long killed = System.nanoTime();
                assertThat(ProcessHandle.of(pid).orElseThrow().destroyForcibly()).isTrue(); // SIGKILL

                AtomicReference<String> reply = new AtomicReference<>();
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                        .until(() -> {
                            reply.set(say(cortana, "add \"feed the cat\" now"));
                            return reply.get().startsWith("Added \"feed the cat\"");
                        });
                assertThat(Duration.ofNanos(System.nanoTime() - killed)).isLessThan(Duration.ofSeconds(10));
                assertThat(reply.get()).doesNotContain(DatabaseAvailability.OUTAGE_NOTICE);
                assertThat(say(cortana, "what's on my list?")).contains("water plants").contains("feed the cat")
                        .doesNotContain(DatabaseAvailability.OUTAGE_NOTICE);
            }
        }
    }

    @Test
    void whileAnExternalDatabaseIsAwayEachReplySaysSoOnceAndOnceBackEverythingWorks() {
        try (FakeOpenAi openAi = FakeOpenAi.start(); TestDatabase database = TestPostgres.newDatabase();
             TcpProxy proxy = TcpProxy.to(database.host(), database.port())) {
            openAi.respondWith(new ScriptedModel(LocalDate.now().plusDays(2)));
            String url = database.postgresUrl().replace(":" + database.port() + "/", ":" + proxy.port() + "/");
            try (Cortana cortana = start(openAi, url)) {
                assertThat(say(cortana, "add \"water plants\" please")).startsWith("Added \"water plants\"");

                proxy.stop();

                long started = System.nanoTime();
                assertThat(say(cortana, "hello")).as("chat without tools still gets the model's answer")
                        .isEqualTo("You said: hello\n\n" + DatabaseAvailability.OUTAGE_NOTICE);
                String failedAdd = say(cortana, "add \"feed the cat\" now");
                assertThat(Duration.ofNanos(System.nanoTime() - started)).as("two messages, no 10-20 s waits")
                        .isLessThan(Duration.ofSeconds(15));
                assertThat(failedAdd).startsWith("Error: ").contains("The database is unavailable right now")
                        .endsWith("\n\n" + DatabaseAvailability.OUTAGE_NOTICE);
                assertThat(failedAdd.split(java.util.regex.Pattern.quote(DatabaseAvailability.OUTAGE_NOTICE), -1))
                        .as("the sentence once per reply").hasSize(2);

                proxy.start();

                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                        .until(() -> say(cortana, "add \"feed the cat\" now").startsWith("Added \"feed the cat\""));
                assertThat(say(cortana, "what's on my list?")).contains("water plants").contains("feed the cat")
                        .doesNotContain(DatabaseAvailability.OUTAGE_NOTICE);
            }
        }
    }

    private Cortana start(FakeOpenAi openAi, String databaseUrl) {
        Map<String, String> env = new HashMap<>();
        env.put("WORKSPACE_DIR", workspace.resolve("ws").toString());
        env.put("PLUGINS_DIR", ConsoleSession.bundledPlugins().toString());
        if (databaseUrl != null) {
            env.put("DATABASE_URL", databaseUrl);
        }
        env.put("OPENAI_API_KEY", "sk-test-outage-0005");
        env.put("OPENAI_API_BASE", openAi.baseUrl());
        Config config = Config.of(env);
        return Cortana.start(config, CortanaConfig.from(config, workspace), Clock.systemDefaultZone());
    }

    private static String say(Cortana cortana, String text) {
        return cortana.agent().reply("console", text);
    }
}
