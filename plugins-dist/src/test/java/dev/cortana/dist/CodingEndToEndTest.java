package dev.cortana.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cortana.host.channel.ApprovalTerminal;
import dev.cortana.testkit.wire.FakeOpenAi;
import dev.cortana.testkit.wire.FakeOpenAi.Reply;
import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coding plugin's JAR in the assembled bot: the model runs commands through {@code execute_bash}, the master
 * approves or denies them on the console ({@code BASH_APPROVAL=ask}), and workspace skills reach the prompt.
 */
class CodingEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path workspace;

    @TempDir
    Path workingDir;

    private FakeOpenAi openAi;

    @BeforeEach
    void startModel() {
        openAi = FakeOpenAi.start();
        openAi.respondWith(request -> {
            if (request.lastToolResult() != null) {
                return Reply.text(request.lastToolResult());
            }
            String said = request.lastUserMessage();
            if (said.startsWith("run ")) {
                return Reply.toolCall("execute_bash",
                        JSON.createObjectNode().put("command", said.substring(4)).toString());
            }
            if (said.startsWith("write ")) {
                return Reply.toolCall("write_file", JSON.createObjectNode().put("path", said.substring(6))
                        .put("content", "BASH_APPROVAL: never\n").toString());
            }
            if (said.startsWith("read ")) {
                return Reply.toolCall("read_file", JSON.createObjectNode().put("path", said.substring(5)).toString());
            }
            return Reply.text("You said: " + said);
        });
    }

    @AfterEach
    void stopModel() {
        openAi.close();
    }

    private Map<String, String> environment(String approval) {
        Map<String, String> env = new HashMap<>();
        env.put("WORKSPACE_DIR", workspace.toString());
        env.put("PLUGINS_DIR", ConsoleSession.bundledPlugins().toString());
        env.put("OPENAI_API_KEY", "sk-test-coding-0001");
        env.put("OPENAI_API_BASE", openAi.baseUrl());
        env.put("LLM_MODEL_NAME", "gpt-4o");
        env.put("BASH_APPROVAL", approval);
        return env;
    }

    @Test
    void theMasterApprovesOneCommandAndDeniesTheNextOnTheConsole() {
        ConsoleSession.Result result = ConsoleSession.runInteractive(environment("ask"), workingDir,
                "run echo approved > ran.txt", "y", "run touch denied.txt", "n", "hello");

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).isEqualTo(
                "> Approval needed: Run this command?\n```\necho approved > ran.txt\n```\n"
                        + "Allow? [y/N] (answer within 60 s)\nApproved.\n(no output)\n"
                        + "> Approval needed: Run this command?\n```\ntouch denied.txt\n```\n"
                        + "Allow? [y/N] (answer within 60 s)\nDenied.\nNot run: the user denied.\n"
                        + "> You said: hello\n> \n");
        assertThat(workspace.resolve("ran.txt")).hasContent("approved\n");
        assertThat(workspace.resolve("denied.txt")).doesNotExist();
    }

    @Test
    void onPipedInputWithNoTerminalAQuestionIsDeniedAndTheNextLineIsStillAMessage() {
        ConsoleSession.Result result = ConsoleSession.run(environment("ask"), workingDir,
                "run touch piped.txt", "y", "hello");

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).isEqualTo(
                "Approval needed: Run this command?\n```\ntouch piped.txt\n```\n"
                        + "Denied: approvals need a terminal or Discord; input is piped.\n"
                        + "Not run: the user denied.\n"
                        + "You said: y\n"
                        + "You said: hello\n");
        assertThat(workspace.resolve("piped.txt")).doesNotExist();
    }

    @Test
    void onPipedInputWithATerminalTheQuestionIsAskedThereAndPipedLinesStayMessages() throws Exception {
        PipedOutputStream typing = new PipedOutputStream();
        ByteArrayOutputStream screen = new ByteArrayOutputStream();
        ApprovalTerminal terminal = new ApprovalTerminal(new PipedInputStream(typing), screen);
        typing.write("y typed too early\n".getBytes(StandardCharsets.UTF_8)); // discarded: no question was asked yet
        Thread typist = new Thread(() -> {
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> screen.toString(StandardCharsets.UTF_8).contains("Allow?"));
                typing.write("y\n".getBytes(StandardCharsets.UTF_8));
                typing.flush();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        typist.start();

        ConsoleSession.Result result = ConsoleSession.runPipedWithTerminal(environment("ask"), workingDir, terminal,
                "run echo approved > ran.txt", "hello");
        typist.join(30_000);

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(screen.toString(StandardCharsets.UTF_8)).isEqualTo(
                "Approval needed: Run this command?\n```\necho approved > ran.txt\n```\n"
                        + "Allow? [y/N] (answer within 60 s)\nApproved.\n");
        assertThat(result.stdout()).isEqualTo("(no output)\nYou said: hello\n");
        assertThat(workspace.resolve("ran.txt")).hasContent("approved\n");
    }

    @Test
    void withoutApprovalCommandsRunAndAllFourToolsAreOffered() {
        ConsoleSession.Result result = ConsoleSession.run(environment("never"), workingDir, "run echo hi; exit 2");

        assertThat(result.stdout()).isEqualTo("hi\n\nExit code: 2\n");
        assertThat(openAi.chatRequests().get(0).toolNames())
                .contains("execute_bash", "read_file", "write_file", "edit_file");
    }

    @Test
    void aSkillInTheWorkspaceIsInTheSystemPromptAndListedBySkillsCommand() throws Exception {
        Path skill = Files.createDirectories(workspace.resolve("skills/weather"));
        Files.writeString(skill.resolve("SKILL.md"), "---\nname: weather\ndescription: Get the forecast.\n---\n");

        ConsoleSession.Result result = ConsoleSession.run(environment("never"), workingDir, "hello", "/skills");

        assertThat(openAi.chatRequests().get(0).systemPrompt())
                .contains("- weather: Get the forecast. (skills/weather/SKILL.md)");
        assertThat(result.stdout()).contains("- `weather` — Get the forecast. _(global, skills/weather/SKILL.md)_");
    }

    @Test
    void theStartupLineAndPluginsSaySandboxAndCommandsCannotReadSettingsDatabasePasswordOrPlugins() throws Exception {
        Files.writeString(workingDir.resolve(".env"), "GEMINI_API_KEY=sk-test-coding-env-file-0002\n");

        ConsoleSession.Result result = ConsoleSession.run(environment("never"), workingDir,
                "run cat " + workingDir.resolve(".env") + " .postgres/*; ls -A " + ConsoleSession.bundledPlugins()
                        + "; echo done", "/plugins");

        String readyLine = result.stderr().lines().filter(line -> line.contains("is ready in")).findFirst().orElseThrow();
        if (!readyLine.contains("coding: execute_bash runs in a bubblewrap sandbox (network on)")) {
            String why = "the sandbox is not in force here: " + readyLine;
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(why);
            }
            org.junit.jupiter.api.Assumptions.abort(why);
        }
        String password = Files.readString(workspace.resolve(".postgres/cortana-superuser-password")).strip();
        assertThat(result.stdout()).contains("done\n").doesNotContain("sk-test-coding-env-file-0002")
                .doesNotContain(password).doesNotContain("cortana-plugin-coding.jar")
                .contains("• coding 0.1.0 — started — tools: execute_bash, read_file, write_file, edit_file\n"
                        + "  execute_bash runs in a bubblewrap sandbox (network on)");
    }

    @Test
    void theModelCanNeitherRewriteTheSettingsFileNorReadTheDatabasePassword() throws Exception {
        Path inside = workingDir.resolve("workspace"); // so ../cortana.yml is the settings file Cortana reads
        Files.writeString(workingDir.resolve("cortana.yml"), "BASH_APPROVAL: ask\n");
        Map<String, String> env = environment("ask");
        env.remove("BASH_APPROVAL");
        env.put("WORKSPACE_DIR", inside.toString());

        ConsoleSession.Result result = ConsoleSession.run(env, workingDir,
                "write ../cortana.yml", "read .postgres/cortana-superuser-password", "write IDENTITY.md");

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).isEqualTo(
                "Error: ../cortana.yml is Cortana's own file (settings, database, logs, key ledger, conversations, plugins or "
                        + "program): the agent may neither read nor change it.\n"
                        + "Error: .postgres/cortana-superuser-password is Cortana's own file (settings, database, logs, "
                        + "key ledger, conversations, plugins or program): the agent may neither read nor change it.\n"
                        + "Error: IDENTITY.md is read-only: the agent may not change it\n");
        assertThat(workingDir.resolve("cortana.yml")).hasContent("BASH_APPROVAL: ask\n");
        String password = Files.readString(inside.resolve(".postgres/cortana-superuser-password")).strip();
        assertThat(password).isNotEmpty();
        assertThat(result.stdout() + result.stderr()).doesNotContain(password);
        assertThat(inside.resolve("IDENTITY.md")).content().doesNotContain("BASH_APPROVAL");
    }
}
