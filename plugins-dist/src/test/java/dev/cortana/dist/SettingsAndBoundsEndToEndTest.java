package dev.cortana.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.testkit.wire.FakeOpenAi;
import dev.cortana.testkit.wire.FakeOpenAi.Reply;
import dev.cortana.host.testing.TestDatabase;
import dev.cortana.host.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundled bot against bad settings and a hostile model server: one clear line instead of a stack trace or a
 * silently disabled feature, files that are Cortana's own, and an answer too large to keep.
 */
class SettingsAndBoundsEndToEndTest {

    private static TestDatabase database;

    @TempDir
    Path workspace;

    @TempDir
    Path workingDir;

    @BeforeAll
    static void startDatabase() {
        database = TestPostgres.newDatabase();
    }

    @AfterAll
    static void dropDatabase() {
        database.close();
    }

    private Map<String, String> environment(String... pairs) {
        Map<String, String> env = new HashMap<>();
        env.put("WORKSPACE_DIR", workspace.toString());
        env.put("PLUGINS_DIR", ConsoleSession.bundledPlugins().toString());
        env.put("DATABASE_URL", database.postgresUrl());
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    @Test
    void aZeroRequestTimeoutStopsStartUpInsteadOfSilentlyDisablingEveryProvider() {
        ConsoleSession.Result result = ConsoleSession.run(environment("OPENAI_API_KEY", "sk-test-timeout-0001",
                "LLM_REQUEST_TIMEOUT", "0"), workingDir, "hi");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr().strip()).isEqualTo("Configuration error: LLM_REQUEST_TIMEOUT='0' is not valid: "
                + "expected a whole number of seconds from 1 to 3600");
        assertThat(result.stdout()).isEmpty();
    }

    @Test
    void anInvalidRotatorValueIsOneLineNotAStackTrace() {
        ConsoleSession.Result result = ConsoleSession.run(environment("ROTATOR_MAX_RETRIES", "lots"), workingDir, "hi");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr().strip()).isEqualTo("Configuration error: ROTATOR_MAX_RETRIES='lots' is not valid: "
                + "expected a whole number of attempts per key, from 1 to 100");
    }

    @Test
    void aMalformedDotenvLineIsNamedButItsSecretIsNotEchoed() throws Exception {
        Files.writeString(workingDir.resolve(".env"), "LLM_MODEL_NAME=gpt-4o\nOPENAI_API_KEY sk-live-never-echo-9999\n");

        ConsoleSession.Result result = ConsoleSession.run(environment(), workingDir, "hi");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr()).contains("line 2 is not one").doesNotContain("sk-live-never-echo-9999");
    }

    @Test
    void aUsageLedgerPointedAtIdentityMdStopsStartUpAndLeavesTheFileAlone() throws Exception {
        Path identity = workspace.resolve("IDENTITY.md");
        Files.writeString(identity, "# Identity\nYou are Cortana.\n");

        ConsoleSession.Result result = ConsoleSession.run(environment("OPENAI_API_KEY", "sk-test-ledger-0001",
                "ROTATOR_USAGE_FILE_PATH", identity.toString()), workingDir, "hi");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr().strip()).isEqualTo("Configuration error: ROTATOR_USAGE_FILE_PATH='" + identity
                + "' is not valid: expected the key usage file Cortana writes (JSON), or a path where it may create "
                + "one; it is not JSON, so Cortana leaves it alone");
        assertThat(Files.readString(identity)).isEqualTo("# Identity\nYou are Cortana.\n");
        try (Stream<Path> files = Files.list(workspace)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("IDENTITY.md."));
        }
    }

    @Test
    void aPluginsBadSettingIsItsFailureReasonInPluginsAndOneLogLine() throws Exception {
        ConsoleSession.Result result = ConsoleSession.run(environment("BASH_TIMEOUT_DEFAULT", "0"), workingDir,
                "/plugins");

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).contains(
                "coding 0.1.0 — failed: BASH_TIMEOUT_DEFAULT='0' is not valid: expected a whole number from 1 to 3600");
        String log = Files.readString(workspace.resolve("logs/cortana.log"));
        assertThat(log.lines().filter(l -> l.contains("BASH_TIMEOUT_DEFAULT='0'"))).singleElement()
                .asString().contains(" WARN ");
        assertThat(log).doesNotContain("\tat ");
    }

    @Test
    void aFifteenMegabyteAnswerIsRefusedKeptNowhereAndTheNextMessageIsAnswered() throws Exception {
        try (FakeOpenAi openAi = FakeOpenAi.start()) {
            openAi.enqueue(Reply.text("x".repeat(15_000_000)), Reply.text("fine again"));
            // Not streamed: nothing of the answer reaches the user (streamed: see the next test).
            Map<String, String> env = environment("OPENAI_API_KEY", "sk-test-bounds-0001", "OPENAI_API_BASE",
                    openAi.baseUrl(), "LLM_MODEL_NAME", "gpt-4o", "STREAM_REPLIES", "false");

            ConsoleSession.Result result = ConsoleSession.run(env, workingDir, "write me something huge", "and now?");

            assertThat(result.exitCode()).as(result.stderr()).isZero();
            assertThat(result.stdout()).isEqualTo("The model's answer was larger than 8 MB, so it was dropped; "
                    + "nothing was kept. Ask again, perhaps for a shorter answer.\nfine again\n");
            Path cache = workspace.resolve(".conversation_cache");
            try (Stream<Path> files = Files.list(cache)) {
                assertThat(files.filter(f -> f.toString().endsWith(".json"))).singleElement().satisfies(file -> {
                    assertThat(Files.size(file)).isLessThan(20_000);
                    assertThat(mode(file)).isEqualTo("rw-------");
                });
            }
            assertThat(mode(cache)).isEqualTo("rwx------");
            assertThat(mode(workspace.resolve("logs"))).isEqualTo("rwx------");
            assertThat(mode(workspace.resolve("logs/cortana.log"))).isEqualTo("rw-------");

            ConsoleSession.Result restarted = ConsoleSession.run(env, workingDir, "still there?");
            assertThat(restarted.exitCode()).as(restarted.stderr()).isZero();
        }
    }

    @Test
    void aFifteenMegabyteStreamedAnswerIsCutWithTheSameSentenceAndKeptNowhere() throws Exception {
        try (FakeOpenAi openAi = FakeOpenAi.start()) {
            openAi.enqueue(Reply.text("x".repeat(15_000_000)), Reply.text("fine again"));
            Map<String, String> env = environment("OPENAI_API_KEY", "sk-test-bounds-0002", "OPENAI_API_BASE",
                    openAi.baseUrl(), "LLM_MODEL_NAME", "gpt-4o");

            ConsoleSession.Result result = ConsoleSession.run(env, workingDir, "write me something huge", "and now?");

            assertThat(result.exitCode()).as(result.stderr()).isZero();
            // what streamed before the bound was shown; then the same sentence, and the next message is answered
            assertThat(result.stdout()).endsWith("The model's answer was larger than 8 MB, so it was dropped; "
                    + "nothing was kept. Ask again, perhaps for a shorter answer.\nfine again\n");
            try (Stream<Path> files = Files.list(workspace.resolve(".conversation_cache"))) {
                assertThat(files.filter(f -> f.toString().endsWith(".json"))).singleElement()
                        .satisfies(file -> assertThat(Files.size(file)).isLessThan(20_000));
            }
        }
    }

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
