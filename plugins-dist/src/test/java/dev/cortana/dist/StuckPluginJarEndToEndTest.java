package dev.cortana.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.testkit.wire.FakeOpenAi;
import dev.cortana.host.testing.TestDatabase;
import dev.cortana.host.testing.TestPluginJars;
import dev.cortana.host.testing.TestPostgres;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built jar with a plugin whose {@code start()} never returns and one whose {@code stop()} never returns in its
 * plugins folder: it still becomes ready, answers, reports the stuck plugin in {@code /plugins}, and exits 0 at the
 * end of piped input.
 */
class StuckPluginJarEndToEndTest {

    private static final String FOREVER = "while (true) { try { Thread.sleep(1_000_000); } catch (InterruptedException ignored) { } }";

    @TempDir
    Path workspace;

    @Test
    void theJarBecomesReadyAnswersAndExitsZeroWithStuckPluginsInTheFolder() throws Exception {
        Path jar = ConsoleSession.hostJar();
        assertThat(jar).exists();
        Path plugins = Files.createDirectories(workspace.resolve("plugins"));
        for (Path bundled : Files.newDirectoryStream(ConsoleSession.bundledPlugins(), "*.jar")) {
            Files.copy(bundled, plugins.resolve(bundled.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        TestPluginJars.plugin("sleepy").pluginClass("test.sleepy.SleepyPlugin", """
                package test.sleepy;
                public class SleepyPlugin extends org.pf4j.Plugin {
                    @Override public void start() { %s }
                }
                """.formatted(FOREVER)).toolProvider("test.sleepy.SleepyTools", "sleepy_tool").writeTo(plugins);
        TestPluginJars.plugin("sticky").pluginClass("test.sticky.StickyPlugin", """
                package test.sticky;
                public class StickyPlugin extends org.pf4j.Plugin {
                    @Override public void stop() { %s }
                }
                """.formatted(FOREVER)).toolProvider("test.sticky.StickyTools", "sticky_tool").writeTo(plugins);

        try (FakeOpenAi openAi = FakeOpenAi.start(); TestDatabase database = TestPostgres.newDatabase()) {
            openAi.respondWith(new ScriptedModel(LocalDate.now().plusDays(3)));
            ProcessBuilder builder = new ProcessBuilder(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString())
                    .directory(workspace.toFile())
                    .redirectError(workspace.resolve("stderr.txt").toFile());
            builder.environment().clear();
            builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
            builder.environment().put("HOME", workspace.toString());
            builder.environment().put("WORKSPACE_DIR", workspace.resolve("ws").toString());
            builder.environment().put("PLUGINS_DIR", plugins.toString());
            builder.environment().put("DATABASE_URL", database.postgresUrl());
            builder.environment().put("OPENAI_API_KEY", "sk-test-stuck-0004");
            builder.environment().put("OPENAI_API_BASE", openAi.baseUrl());
            builder.environment().put("PLUGIN_START_TIMEOUT", "2");
            long started = System.nanoTime();
            Process process = builder.start();
            try (OutputStream in = process.getOutputStream()) {
                in.write(String.join("\n", List.of("hello there", "/plugins", "call sticky_tool", ""))
                        .getBytes(StandardCharsets.UTF_8));
            }
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            boolean exited = process.waitFor(60, TimeUnit.SECONDS);
            if (!exited) {
                process.destroyForcibly();
            }
            String err = Files.readString(workspace.resolve("stderr.txt"));

            assertThat(exited).as("exited at the end of input; stderr: " + err).isTrue();
            assertThat(process.exitValue()).as(err).isZero();
            // Start-up waits 2 s for sleepy, shutdown 2 s for sticky: far below the 60 s a hang would take.
            assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)).isLessThan(45);
            assertThat(err).contains("is ready in");
            assertThat(out).startsWith("You said: hello there\n")
                    .contains("sleepy 0.1.0 — failed: start() did not return within 2 s")
                    .contains("sticky 0.1.0 — started")
                    .contains("sticky_tool done");
        }
    }
}
