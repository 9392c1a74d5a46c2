package dev.cortana.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cortana.host.config.Config;
import dev.cortana.host.config.CortanaConfig;
import dev.cortana.host.testing.TestPluginJars;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A start-up that fails leaves nothing running: no plugin, no thread, no PostgreSQL, whether it fails after the plugins
 * started or while the embedded PostgreSQL is still starting (it starts on its own thread while the rest is made).
 */
class CortanaStartFailureTest {

    @TempDir
    Path dir;

    @Test
    void aFailureAfterThePluginsStartedStopsThePluginsTheThreadsAndTheEmbeddedPostgres() throws Exception {
        Path workspace = dir.resolve("ws");
        Path plugins = dir.resolve("plugins");
        Path marks = Files.createDirectories(dir.resolve("marks"));
        Files.createDirectories(workspace);
        // Start-up fails after the plugins started: the conversation cache folder cannot be created over a file.
        Files.writeString(workspace.resolve(".conversation_cache"), "not a folder");
        TestPluginJars.plugin("witness").pluginClass("test.witness.WitnessPlugin", witnessPlugin(workspace, marks))
                .toolProvider("test.witness.Tools", "witness_tool")
                .writeTo(Files.createDirectories(plugins));
        Config config = Config.of(Map.of("WORKSPACE_DIR", workspace.toString(), "PLUGINS_DIR", plugins.toString()));

        assertThatThrownBy(() -> Cortana.start(config, CortanaConfig.from(config, dir), Clock.systemUTC()))
                .hasMessageContaining("conversation cache folder");

        assertThat(marks.resolve("started")).as("the plugin had started, so the failure came after it").exists();
        assertThat(marks.resolve("stopped")).as("its stop() ran").exists();
        long postmaster = Long.parseLong(Files.readString(marks.resolve("started")).strip());
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                ProcessHandle.of(postmaster).map(ProcessHandle::isAlive).orElse(false))
                .as("the embedded PostgreSQL (pid %d) is shut down", postmaster).isFalse());
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(cortanaThreads())
                .as("no thread of that Cortana is left").isEmpty());
    }

    @Test
    void aFailureWhileTheEmbeddedPostgresIsStillStartingStopsItOnceStarted() throws Exception {
        Path workspace = Files.createDirectories(dir.resolve("ws"));
        // MODEL_LIMITS is read when the model router is made, which happens while the database starts.
        Config config = Config.of(Map.of("WORKSPACE_DIR", workspace.toString(),
                "PLUGINS_DIR", Files.createDirectories(dir.resolve("plugins")).toString(), "MODEL_LIMITS", "nonsense"));

        assertThatThrownBy(() -> Cortana.start(config, CortanaConfig.from(config, dir), Clock.systemUTC()))
                .hasMessageContaining("MODEL_LIMITS");

        assertThat(workspace.resolve(".postgres/PG_VERSION")).as("the database had begun to start").exists();
        String dataDir = workspace.resolve(".postgres").toString();
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains(dataDir)).toList())
                .as("no PostgreSQL process of that workspace is left").isEmpty());
        assertThat(Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.equals("cortana-database-start") || name.equals("cortana-postgres-supervisor")))
                .as("no database thread is left").isEmpty();
        assertThat(workspace.resolve(".postgres/postmaster.pid")).as("PostgreSQL was shut down cleanly").doesNotExist();
    }

    private static List<String> cortanaThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.startsWith("scheduler-") || name.startsWith("memory-")
                        || name.equals("cortana-plugin-watcher") || name.equals("cortana-postgres-supervisor")
                        || name.startsWith("tool-"))
                .toList();
    }

    /** Writes the postmaster's pid to {@code marks/started} when started and {@code marks/stopped} when stopped. */
    private static String witnessPlugin(Path workspace, Path marks) {
        return """
                package test.witness;
                import java.nio.file.*;
                public class WitnessPlugin extends org.pf4j.Plugin {
                    @Override public void start() {
                        try {
                            String pid = Files.readAllLines(Path.of(%s).resolve(".postgres/postmaster.pid")).get(0);
                            Files.writeString(Path.of(%s).resolve("started"), pid);
                        } catch (java.io.IOException e) { throw new java.io.UncheckedIOException(e); }
                    }
                    @Override public void stop() {
                        try { Files.writeString(Path.of(%s).resolve("stopped"), "yes"); }
                        catch (java.io.IOException e) { throw new java.io.UncheckedIOException(e); }
                    }
                }
                """.formatted(quoted(workspace), quoted(marks), quoted(marks));
    }

    private static String quoted(Path path) {
        return "\"" + path.toAbsolutePath().toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
