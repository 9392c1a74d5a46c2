package dev.cortana.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.testkit.wire.FakeOpenAi;
import dev.cortana.testkit.wire.FakeOpenAi.Reply;
import dev.cortana.host.testing.TestDatabase;
import dev.cortana.host.testing.TestPostgres;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The conversation survives the host process being killed with SIGKILL mid-chat. */
class ConversationRecoveryEndToEndTest {

    @TempDir
    Path workspace;

    @Test
    void aConversationSurvivesKillNineAndARestart() throws Exception {
        try (FakeOpenAi openAi = FakeOpenAi.start(); TestDatabase database = TestPostgres.newDatabase()) {
            openAi.respondWith(request -> Reply.text(request.rawBody().contains("my locker code is 4711")
                    ? "Your locker code is 4711." : "I don't know your locker code."));

            Process first = start(openAi, database);
            OutputStream in = first.getOutputStream();
            BufferedReader out = new BufferedReader(new InputStreamReader(first.getInputStream(), StandardCharsets.UTF_8));
            in.write("my locker code is 4711\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
            assertThat(out.readLine()).isEqualTo("Your locker code is 4711.");
            first.destroyForcibly(); // SIGKILL: no shutdown hooks, no flushing
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(first.exitValue()).isEqualTo(137);

            Process second = start(openAi, database);
            try (OutputStream secondIn = second.getOutputStream()) {
                secondIn.write("what is my locker code?\n".getBytes(StandardCharsets.UTF_8));
            }
            String answer = new String(second.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();

            assertThat(answer.lines().toList()).containsExactly("Your locker code is 4711.");
            assertThat(Files.readString(workspace.resolve("ws/logs/cortana.log"))).contains("Restored 1 conversation(s)")
                    .doesNotContain("sk-test-recovery-0005");
        }
    }

    private int runs;

    private Process start(FakeOpenAi openAi, TestDatabase database) throws Exception {
        Path jar = ConsoleSession.hostJar();
        runs++;
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString())
                .directory(workspace.toFile())
                .redirectError(workspace.resolve("stderr-" + runs + ".txt").toFile());
        builder.environment().clear();
        builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        builder.environment().put("HOME", workspace.toString());
        builder.environment().put("WORKSPACE_DIR", workspace.resolve("ws").toString());
        builder.environment().put("PLUGINS_DIR", ConsoleSession.bundledPlugins().toString());
        builder.environment().put("DATABASE_URL", database.postgresUrl());
        builder.environment().put("OPENAI_API_KEY", "sk-test-recovery-0005");
        builder.environment().put("OPENAI_API_BASE", openAi.baseUrl());
        return builder.start();
    }
}
