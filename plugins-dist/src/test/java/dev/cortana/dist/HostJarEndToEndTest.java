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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;
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

    /**
     * The OpenAI-protocol plugins carry no tokenizer (the host counts tokens; issue 17's image size): a DeepSeek model
     * through provider-openai-compatible, and gpt-4o through provider-openai, answer and call tools from the built jar.
     */
    @Test
    void bothOpenAiProtocolPluginsChatAndCallToolsFromTheBuiltJarWithoutATokenizerOfTheirOwn() throws Exception {
        for (String plugin : List.of("cortana-plugin-provider-openai.jar", "cortana-plugin-provider-openai-compatible.jar")) {
            try (ZipFile jar = new ZipFile(ConsoleSession.bundledPlugins().resolve(plugin).toFile())) {
                assertThat(jar.stream().map(java.util.zip.ZipEntry::getName))
                        .as(plugin).noneMatch(name -> name.startsWith("com/knuddels/") || name.contains("TokenCountEstimator"))
                        .contains("dev/langchain4j/model/openai/OpenAiChatModel.class");
            }
        }
        LocalDate due = LocalDate.now().plusDays(2);
        String shown = due.format(java.time.format.DateTimeFormatter.ofPattern("EEE yyyy-MM-dd", java.util.Locale.ENGLISH));
        for (String model : List.of("deepseek/deepseek-chat", "gpt-4o")) {
            try (FakeOpenAi server = FakeOpenAi.start(); TestDatabase database = TestPostgres.newDatabase()) {
                server.respondWith(new ScriptedModel(due));
                Path dir = Files.createDirectories(workspace.resolve(model.replace('/', '-')));
                Map<String, String> env = new HashMap<>();
                env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
                env.put("HOME", dir.toString());
                env.put("WORKSPACE_DIR", dir.resolve("ws").toString());
                env.put("PLUGINS_DIR", ConsoleSession.bundledPlugins().toString());
                env.put("DATABASE_URL", database.postgresUrl());
                env.put("LLM_MODEL_NAME", model);
                env.put("DEEPSEEK_API_KEY", "sk-test-deepseek-0004");
                env.put("DEEPSEEK_API_BASE", server.baseUrl());
                env.put("OPENAI_API_KEY", "sk-test-openai-0005");
                env.put("OPENAI_API_BASE", server.baseUrl());

                ConsoleSession.Result result = ConsoleSession.runJar(env, dir, "hello there", "add \"water the " + model
                        + "\" now");

                assertThat(result.exitCode()).as(result.stderr()).isZero();
                assertThat(result.stdout().lines().toList()).as(model).containsExactly("You said: hello there",
                        "Added \"water the " + model + "\" (due " + shown + ").");
                assertThat(result.stderr()).doesNotContain("NoClassDefFoundError").doesNotContain("jtokkit");
                String bareModel = model.substring(model.indexOf('/') + 1);
                assertThat(server.chatRequests()).allSatisfy(request -> {
                    assertThat(request.body().path("model").asText()).isEqualTo(bareModel);
                    assertThat(request.apiKey()).isEqualTo(model.startsWith("deepseek/") ? "sk-test-deepseek-0004"
                            : "sk-test-openai-0005");
                });
            }
        }
    }
}
