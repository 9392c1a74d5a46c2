package dev.cortana.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cortana.host.Cortana;
import dev.cortana.host.config.Config;
import dev.cortana.host.config.CortanaConfig;
import dev.cortana.testkit.wire.FakeOpenAi;
import dev.cortana.host.testing.TestDatabase;
import dev.cortana.host.testing.TestPluginJars;
import dev.cortana.host.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user drops plugin JARs into the plugins folder of a running Cortana: good ones are offered to the model on the
 * next message, removed ones disappear, broken ones are reported and everything else keeps working.
 */
class PluginDropInEndToEndTest {

    @TempDir
    Path workspace;

    @TempDir
    Path pluginsDir;

    private FakeOpenAi openAi;
    private TestDatabase database;
    private Cortana cortana;

    @BeforeEach
    void start() throws Exception {
        for (Path jar : Files.newDirectoryStream(ConsoleSession.bundledPlugins(), "*.jar")) {
            Files.copy(jar, pluginsDir.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        openAi = FakeOpenAi.start();
        openAi.respondWith(new ScriptedModel(LocalDate.now().plusDays(2)));
        database = TestPostgres.newDatabase();
        Map<String, String> env = new HashMap<>();
        env.put("WORKSPACE_DIR", workspace.toString());
        env.put("PLUGINS_DIR", pluginsDir.toString());
        env.put("DATABASE_URL", database.postgresUrl());
        env.put("OPENAI_API_KEY", "sk-test-dropin-0002");
        env.put("OPENAI_API_BASE", openAi.baseUrl());
        env.put("TOOL_TIMEOUT_SECONDS", "1");
        Config config = Config.of(env);
        cortana = Cortana.start(config, CortanaConfig.from(config, workspace), Clock.systemDefaultZone());
    }

    @AfterEach
    void stop() {
        cortana.close();
        openAi.close();
        database.close();
    }

    private String say(String text) {
        return cortana.agent().reply("console", text);
    }

    private List<String> toolsOfferedOnNextMessage() {
        say("hello");
        return openAi.lastRequest().toolNames();
    }

    @Test
    void aJarCopiedInWhileRunningIsOfferedOnTheNextMessageAndGoneOnceRemoved() {
        assertThat(toolsOfferedOnNextMessage()).contains("add_todo").doesNotContain("roll_die");

        Path jar = TestPluginJars.plugin("dice").toolProvider("test.dice.DiceTools", "roll_die").writeTo(pluginsDir);

        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(100))
                .until(() -> toolsOfferedOnNextMessage().contains("roll_die"));
        assertThat(say("call roll_die")).isEqualTo("roll_die done");
        assertThat(cortana.commands().run("console", "/plugins")).contains("dice 0.1.0").contains("roll_die");

        jar.toFile().delete();

        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(100))
                .until(() -> !toolsOfferedOnNextMessage().contains("roll_die"));
        assertThat(toolsOfferedOnNextMessage()).contains("add_todo");
    }

    @Test
    void brokenJarsAreReportedAndSkippedWhileEverythingElseKeepsWorking() {
        TestPluginJars.notAZip(pluginsDir, "garbage.jar");
        TestPluginJars.withoutDescriptor(pluginsDir, "library.jar");
        TestPluginJars.failingStart("crashy", "database of crashy not found").writeTo(pluginsDir);
        TestPluginJars.plugin("future").requires(">=99.0.0").toolProvider("test.future.FutureTools", "time_travel")
                .writeTo(pluginsDir);

        await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> assertThat(cortana.commands().run("console", "/plugins"))
                .contains("garbage.jar").contains("library.jar").contains("crashy").contains("future"));
        String report = cortana.commands().run("console", "/plugins");
        assertThat(report).contains("99.0.0").contains("database of crashy not found");
        assertThat(toolsOfferedOnNextMessage()).contains("add_todo").doesNotContain("time_travel");
        assertThat(say("add \"water plants\" please")).startsWith("Added \"water plants\"");
    }

    @Test
    void aToolThatThrowsOrHangsBecomesAnErrorTheModelReadsAndTheTurnGoesOn() {
        TestPluginJars.plugin("flaky").source("test.flaky.FlakyTools", """
                package test.flaky;
                @org.pf4j.Extension
                public class FlakyTools implements dev.cortana.api.tools.ToolProvider {
                    @Override public java.util.List<Object> tools() { return java.util.List.of(this); }
                    @dev.langchain4j.agent.tool.Tool("Always fails")
                    public String explode() { throw new IllegalStateException("the flux capacitor is empty"); }
                    @dev.langchain4j.agent.tool.Tool("Never returns")
                    public String stall() throws Exception { Thread.sleep(60_000); return "late"; }
                }
                """).writeTo(pluginsDir);
        await().atMost(Duration.ofSeconds(2)).until(() -> toolsOfferedOnNextMessage().contains("explode"));

        assertThat(say("call explode")).isEqualTo("Error: the flux capacitor is empty");
        assertThat(say("call stall")).startsWith("Error: the tool stall did not finish within 1 seconds");
        assertThat(say("what's on my list?")).isNotBlank();
    }
}
