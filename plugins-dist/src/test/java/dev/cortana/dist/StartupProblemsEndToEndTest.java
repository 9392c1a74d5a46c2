package dev.cortana.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.host.testing.TestDatabase;
import dev.cortana.host.testing.TestPostgres;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a user sees when something is missing or wrong at start-up: one clear line, and no stack trace. */
class StartupProblemsEndToEndTest {

    @TempDir
    Path workspace;

    @TempDir
    Path workingDir;

    private Map<String, String> environment(String... pairs) {
        Map<String, String> env = new HashMap<>();
        env.put("WORKSPACE_DIR", workspace.toString());
        env.put("PLUGINS_DIR", ConsoleSession.bundledPlugins().toString());
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    @Test
    void aMalformedValueStopsStartUpWithOneLineNamingTheVariable() {
        ConsoleSession.Result result = ConsoleSession.run(environment("MAX_TOOL_ROUNDS", "lots"), workingDir, "hi");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr().strip()).isEqualTo(
                "Configuration error: MAX_TOOL_ROUNDS='lots' is not valid: expected a whole number of model round trips per message, at least 1");
        assertThat(result.stdout()).isEmpty();
    }

    @Test
    void aMalformedValueInDotenvIsReportedTheSameWay() throws Exception {
        Files.writeString(workingDir.resolve(".env"), "TOOL_TIMEOUT_SECONDS=ten\n");

        ConsoleSession.Result result = ConsoleSession.run(environment(), workingDir, "hi");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr()).contains("TOOL_TIMEOUT_SECONDS='ten' is not valid");
    }

    @Test
    void anUnreachableDatabaseUrlFailsStartUpNamingDatabaseUrlWithoutThePassword() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        ConsoleSession.Result result = ConsoleSession.run(
                environment("DATABASE_URL", "postgresql://cortana:s3cret-pw@127.0.0.1:" + closedPort + "/cortana"),
                workingDir, "hi");

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.stderr()).contains("DATABASE_URL").contains("127.0.0.1:" + closedPort)
                .doesNotContain("s3cret-pw");
    }

    @Test
    void withNoLlmKeyCortanaStartsAndSaysWhichVariablesToSet() {
        try (TestDatabase database = TestPostgres.newDatabase()) {
            ConsoleSession.Result result = ConsoleSession.run(environment("DATABASE_URL", database.postgresUrl()),
                    workingDir, "hello", "/help");

            assertThat(result.exitCode()).isZero();
            assertThat(result.stderr()).contains("Note: No LLM is configured: set OPENAI_API_KEY");
            assertThat(result.stdout()).contains("No LLM is configured: set OPENAI_API_KEY")
                    .contains("OPENAI_API_BASE").contains("LLM_MODEL_NAME").contains("/plugins");
        }
    }
}
