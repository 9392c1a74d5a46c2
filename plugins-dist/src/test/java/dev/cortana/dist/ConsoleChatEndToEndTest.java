package dev.cortana.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.testkit.wire.FakeOpenAi;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAdjusters;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The walk-through, end to end: console line -> agent -> the todos plugin's JAR -> the embedded PostgreSQL in
 * the workspace -> reply; then a restart finds the todo again.
 */
class ConsoleChatEndToEndTest {

    @TempDir
    Path workspace;

    @TempDir
    Path workingDir;

    private FakeOpenAi openAi;
    private final LocalDate friday = LocalDate.now().with(TemporalAdjusters.next(DayOfWeek.FRIDAY));
    private final String shownDue = DateTimeFormatter.ofPattern("EEE yyyy-MM-dd", Locale.ENGLISH).format(friday);

    @BeforeEach
    void startModel() {
        openAi = FakeOpenAi.start();
        openAi.respondWith(new ScriptedModel(friday));
    }

    @AfterEach
    void stopModel() {
        openAi.close();
    }

    private Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        env.put("WORKSPACE_DIR", workspace.toString());
        env.put("PLUGINS_DIR", ConsoleSession.bundledPlugins().toString());
        env.put("OPENAI_API_KEY", "sk-test-console-0001");
        env.put("OPENAI_API_BASE", openAi.baseUrl());
        env.put("LLM_MODEL_NAME", "gpt-4o");
        return env;
    }

    @Test
    void aTodoAddedOnTheConsoleIsListedAndSurvivesARestartOnTheEmbeddedDatabase() {
        ConsoleSession.Result first = ConsoleSession.run(environment(), workingDir,
                "add \"buy milk\" to my todos, due Friday",
                "what's on my list?");

        assertThat(first.exitCode()).as(first.stderr()).isZero();
        assertThat(first.stdout()).isEqualTo("Added \"buy milk\" (due " + shownDue + ").\n"
                + "1. buy milk — due " + shownDue + "\n");
        assertThat(openAi.chatRequests().get(0).toolNames()).contains("add_todo", "list_todos");
        assertThat(workspace.resolve(".postgres")).isDirectory();

        ConsoleSession.Result second = ConsoleSession.run(environment(), workingDir, "what's on my list?");

        assertThat(second.exitCode()).as(second.stderr()).isZero();
        assertThat(second.stdout()).isEqualTo("1. buy milk — due " + shownDue + "\n");
    }

    @Test
    void theSystemPromptCarriesTheWorkspaceFilesAndTheMessageTheCurrentDate() {
        ConsoleSession.run(environment(), workingDir, "hello");

        String prompt = openAi.chatRequests().get(0).systemPrompt();
        assertThat(prompt).contains("You are Cortana").contains("# Tool policy")
                .doesNotContain(LocalDate.now().toString());
        assertThat(openAi.chatRequests().get(0).lastUserMessageAsSent()).startsWith("Now: ")
                .contains(LocalDate.now().toString()).endsWith("\nhello");
    }

    @Test
    void commandsAreAnsweredWithoutTheModel() {
        ConsoleSession.Result result = ConsoleSession.run(environment(), workingDir, "/plugins", "/help");

        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout()).contains("todos").contains("add_todo").contains("provider-openai")
                .contains("/reset");
        assertThat(result.stdout()).as("what each bundled plugin declares it reads, in /plugins")
                .contains("  settings: TODOS_*").contains("  settings: LLM_REQUEST_TIMEOUT, *_API_BASE");
        assertThat(openAi.chatRequests()).isEmpty();
    }
}
