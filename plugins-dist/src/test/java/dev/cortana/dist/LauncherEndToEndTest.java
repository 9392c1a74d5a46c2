package dev.cortana.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.testkit.wire.FakeOpenAi;
import dev.cortana.testkit.wire.FakeOpenAi.Reply;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/cortana}, the README's run command: the built jar with class data sharing. The first run records the
 * archive when it ends, later runs start from it; standard output carries only replies either way, and a start-up
 * failure reads exactly as with {@code java -jar}.
 */
class LauncherEndToEndTest {

    @TempDir
    Path workspace;

    @TempDir
    Path workingDir;

    @TempDir
    Path archiveDir;

    private FakeOpenAi openAi;

    @BeforeEach
    void startModel() {
        openAi = FakeOpenAi.start();
        openAi.respondWith(request -> Reply.text("You said: " + request.lastUserMessage()));
    }

    @AfterEach
    void stopModel() {
        openAi.close();
    }

    private Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", System.getenv("PATH"));
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("CORTANA_JAR", ConsoleSession.hostJar().toString());
        env.put("CORTANA_CDS_ARCHIVE", archiveDir.resolve("cortana-host.jsa").toString());
        env.put("WORKSPACE_DIR", workspace.toString());
        env.put("PLUGINS_DIR", ConsoleSession.bundledPlugins().toString());
        env.put("OPENAI_API_KEY", "sk-test-launcher-0001");
        env.put("OPENAI_API_BASE", openAi.baseUrl());
        return env;
    }

    @Test
    void theFirstRunRecordsTheClassArchiveAndTheNextStartsFromItWithOnlyRepliesOnStandardOutput() throws Exception {
        Path archive = archiveDir.resolve("cortana-host.jsa");

        ConsoleSession.Result first = launch(environment(), "hello");

        assertThat(first.exitCode()).as(first.stderr()).isZero();
        assertThat(first.stdout()).isEqualTo("You said: hello\n");
        assertThat(first.stderr()).contains("recording class data for faster start-ups", "is ready in");
        assertThat(archive).as("recorded when the first run ended").isNotEmptyFile();

        Map<String, String> strict = environment();
        strict.put("JAVA_OPTS", "-Xshare:on"); // the JVM refuses to start if it cannot map the archive
        ConsoleSession.Result second = launch(strict, "hello again");

        assertThat(second.exitCode()).as(second.stderr()).isZero();
        assertThat(second.stdout()).isEqualTo("You said: hello again\n");
        assertThat(second.stderr()).doesNotContain("recording class data").contains("is ready in");
    }

    @Test
    void aStartUpFailureReadsAsWithJavaJarAndWritesNoArchive() throws Exception {
        Map<String, String> env = environment();
        env.put("MAX_TOOL_ROUNDS", "lots");

        ConsoleSession.Result result = launch(env, "hi");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stdout()).isEmpty();
        assertThat(result.stderr()).contains("Configuration error: MAX_TOOL_ROUNDS='lots' is not valid: expected a "
                + "whole number of model round trips per message, at least 1");
        assertThat(result.stderr()).doesNotContain("Exception", "\tat ");
    }

    @Test
    void aMissingJarIsNamedWithTheCommandThatBuildsIt() throws Exception {
        Map<String, String> env = environment();
        env.put("CORTANA_JAR", workingDir.resolve("nothing-here.jar").toString());

        ConsoleSession.Result result = launch(env, "hi");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr().strip()).isEqualTo("cortana: " + workingDir.resolve("nothing-here.jar")
                + " not found; build it first: mvn -B -q -DskipTests package");
    }

    @Test
    void theJvmCompilesWithC1AloneUnlessCortanaJitIsFull() throws Exception {
        Map<String, String> env = environment();
        env.put("CORTANA_CDS", "off");
        env.put("JAVA_OPTS", "-XX:+PrintCommandLineFlags"); // the JVM prints the flags it was given, first thing

        String byDefault = version(env);
        env.put("CORTANA_JIT", "full");
        String full = version(env);

        assertThat(byDefault).contains("-XX:TieredStopAtLevel=1").contains("Cortana ");
        assertThat(full).doesNotContain("TieredStopAtLevel").contains("Cortana ");
    }

    /** Standard output of {@code bin/cortana --version}. */
    private String version(Map<String, String> env) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(launcher().toString(), "--version").directory(workingDir.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().clear();
        builder.environment().putAll(env);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("bin/cortana --version exits").isTrue();
        assertThat(process.exitValue()).isZero();
        return out;
    }

    private ConsoleSession.Result launch(Map<String, String> env, String line) throws Exception {
        Path stderr = Files.createTempFile(workingDir, "stderr", ".txt");
        ProcessBuilder builder = new ProcessBuilder(launcher().toString()).directory(workingDir.toFile())
                .redirectError(stderr.toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        Process process = builder.start();
        try (OutputStream in = process.getOutputStream()) {
            in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            // it exited before reading its input (a start-up failure): what it printed is the result
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("bin/cortana did not exit 90 s after its input ended");
        }
        return new ConsoleSession.Result(process.exitValue(), out, Files.readString(stderr));
    }

    private static Path launcher() {
        return Path.of("..", "bin", "cortana").toAbsolutePath().normalize();
    }
}
