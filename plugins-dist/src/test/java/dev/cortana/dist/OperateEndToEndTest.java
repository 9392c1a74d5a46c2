package dev.cortana.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cortana.host.testing.TestDatabase;
import dev.cortana.host.testing.TestPostgres;
import dev.cortana.testkit.wire.FakeOpenAi;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built jar operated the way a container runs it: no input at all and no Discord token (docker compose up -d),
 * the health endpoint, LOG_FORMAT=json, and SIGTERM (docker stop) in console mode.
 */
class OperateEndToEndTest {

    @TempDir
    Path workspace;

    @Test
    void noTokenAndNoInputWaitsHealthySaysNotConfiguredAndStopsCleanlyOnSigterm() throws Exception {
        try (FakeOpenAi openAi = FakeOpenAi.start(); TestDatabase database = TestPostgres.newDatabase()) {
            int port = freePort();
            Map<String, String> env = env(openAi);
            env.put("DATABASE_URL", database.postgresUrl());
            env.put("HEALTH_PORT", String.valueOf(port));
            env.put("LOG_FORMAT", "json");
            Process process = start(env);
            process.getOutputStream().close(); // standard input at its end before any line, as under docker compose up -d

            awaitStderr("Not configured", Duration.ofSeconds(60));
            assertThat(process.isAlive()).as("waits instead of exiting (no restart loop)").isTrue();
            HttpResponse<String> health = get(port);
            JsonNode body = new ObjectMapper().readTree(health.body());
            assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
            assertThat(body.get("status").asText()).isEqualTo("not configured");
            assertThat(body.get("channel").asText()).isEqualTo("not configured");
            assertThat(body.get("database").get("reachable").asBoolean()).isTrue();
            assertThat(body.get("llm").get("usable").asBoolean()).isTrue();
            assertThat(body.get("plugins").findValuesAsText("id")).contains("todos", "provider-openai");
            assertThat(health.body()).doesNotContain("sk-test-operate-0005").doesNotContain(TestPostgres.PASSWORD);

            process.destroy(); // SIGTERM, typically while memory-local is still loading its model
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("stops within 30 s of SIGTERM").isTrue();
            assertThat(process.exitValue()).as("exit code after SIGTERM (134: the JVM crashed)").isEqualTo(143);
            try (var files = Files.list(workspace)) {
                assertThat(files.map(f -> f.getFileName().toString())).as("no JVM crash report")
                        .noneMatch(name -> name.startsWith("hs_err"));
            }
            String stderr = Files.readString(workspace.resolve("stderr.txt"));
            List<String> lines = stderr.lines().filter(l -> !l.isBlank()).toList();
            assertThat(lines).as("LOG_FORMAT=json: every line of standard error is one JSON object").allSatisfy(line -> {
                JsonNode event = new ObjectMapper().readTree(line);
                assertThat(event.has("time") && event.has("level") && event.has("logger") && event.has("message")).isTrue();
            });
            assertThat(stderr).contains("Stopped and unloaded").contains("is ready in")
                    .doesNotContain("sk-test-operate-0005");
        }
    }

    @Test
    void sigtermInTheConsoleStopsPluginsAndTheEmbeddedPostgresAndKeepsTheData() throws Exception {
        try (FakeOpenAi openAi = FakeOpenAi.start()) {
            openAi.respondWith(new ScriptedModel(LocalDate.now().plusDays(3)));
            Map<String, String> env = env(openAi);
            Process process = start(env);
            OutputStream in = process.getOutputStream();
            List<String> out = new CopyOnWriteArrayList<>();
            Thread reader = new Thread(() -> new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8)).lines().forEach(out::add));
            reader.start();
            in.write("add \"water the plants\" now\n".getBytes(StandardCharsets.UTF_8));
            in.flush(); // and standard input stays open, as under docker run -i
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (out.stream().noneMatch(l -> l.startsWith("Added")) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(out).as(Files.readString(workspace.resolve("stderr.txt"))).anyMatch(l -> l.startsWith("Added \"water the plants\""));

            process.destroy(); // SIGTERM
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("stops within 30 s of SIGTERM").isTrue();
            String log = Files.readString(workspace.resolve("ws/logs/cortana.log"));
            assertThat(log).contains("Stop requested (SIGTERM)").contains("Stopped and unloaded");
            assertThat(workspace.resolve("ws/.postgres/postmaster.pid")).as("PostgreSQL shut down").doesNotExist();

            ConsoleSession.Result next = ConsoleSession.runJar(env, workspace, "what's on my list?");
            assertThat(next.exitCode()).as(next.stderr()).isZero();
            assertThat(next.stdout()).contains("water the plants");
        }
    }

    private Map<String, String> env(FakeOpenAi openAi) {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("HOME", workspace.toString());
        env.put("WORKSPACE_DIR", workspace.resolve("ws").toString());
        env.put("PLUGINS_DIR", ConsoleSession.bundledPlugins().toString());
        env.put("OPENAI_API_KEY", "sk-test-operate-0005");
        env.put("OPENAI_API_BASE", openAi.baseUrl());
        return env;
    }

    private Process start(Map<String, String> env) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", ConsoleSession.hostJar().toString())
                .directory(workspace.toFile())
                .redirectError(workspace.resolve("stderr.txt").toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        return builder.start();
    }

    private void awaitStderr(String text, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Path stderr = workspace.resolve("stderr.txt");
        while (System.nanoTime() < deadline) {
            if (Files.exists(stderr) && Files.readString(stderr).contains(text)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no '" + text + "' on standard error: " + Files.readString(stderr));
    }

    private static HttpResponse<String> get(int port) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
