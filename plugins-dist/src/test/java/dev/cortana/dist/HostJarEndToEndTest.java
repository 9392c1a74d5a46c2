package dev.cortana.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.testkit.wire.FakeOpenAi;
import dev.cortana.host.testing.TestDatabase;
import dev.cortana.host.testing.TestPostgres;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built jar, run the way the README runs it, with piped standard input. */
class HostJarEndToEndTest {

    @TempDir
    Path workspace;

    @Test
    void theHostJarAnswersPipedLinesInOrderAndExitsZeroAtEndOfInput() throws Exception {
        Path jar = ConsoleSession.hostJar();
        assertThat(jar).exists();
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
            builder.environment().put("PLUGINS_DIR", ConsoleSession.bundledPlugins().toString());
            builder.environment().put("DATABASE_URL", database.postgresUrl());
            builder.environment().put("OPENAI_API_KEY", "sk-test-jar-0003");
            builder.environment().put("OPENAI_API_BASE", openAi.baseUrl());
            Process process = builder.start();
            try (OutputStream in = process.getOutputStream()) {
                in.write(String.join("\n", List.of("hello there", "/reset", "add \"feed the cat\" now", "")).getBytes(StandardCharsets.UTF_8));
            }
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String err = Files.readString(workspace.resolve("stderr.txt"));

            assertThat(process.exitValue()).as(err).isZero();
            assertThat(out.lines().toList()).containsExactly(
                    "You said: hello there",
                    "Started a fresh conversation. Your todos and settings are untouched.",
                    "Added \"feed the cat\" (due " + LocalDate.now().plusDays(3).format(
                            java.time.format.DateTimeFormatter.ofPattern("EEE yyyy-MM-dd", java.util.Locale.ENGLISH)) + ").");
            assertThat(err).contains("is ready in").doesNotContain("sk-test-jar-0003");
            assertThat(workspace.resolve("ws/logs/cortana.log")).exists();
            assertThat(Files.readString(workspace.resolve("ws/logs/cortana.log"))).doesNotContain("sk-test-jar-0003")
                    .doesNotContain(TestPostgres.PASSWORD);
        }
    }
}
