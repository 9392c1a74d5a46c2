package dev.cortana.plugins.coding;

import static dev.cortana.plugins.coding.CodingContexts.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cortana.api.Approvals;
import dev.cortana.api.tools.AgentTool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;
import dev.cortana.testkit.TestContext;
import dev.cortana.api.CortanaContext;

class BashToolTest {

    @RegisterExtension
    final CodingContexts contexts = new CodingContexts();

    @TempDir
    Path workspace;

    private String bash(Map<String, String> settings, Object... arguments) throws Exception {
        return tool(contexts.open(workspace, settings), "execute_bash").handler()
                .handle(call("execute_bash", arguments));
    }

    private String bash(String command) throws Exception {
        return bash(Map.of(), "command", command);
    }

    static AgentTool tool(CortanaContext context, String name) {
        return new CodingToolProvider(context).dynamicTools().stream()
                .filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void runsInTheWorkspaceAndReturnsItsOutput() throws Exception {
        assertThat(bash("pwd")).isEqualTo(workspace.toRealPath().toString());
    }

    @Test
    void stdoutAndStderrComeInTheOrderProduced() throws Exception {
        assertThat(bash("echo one; echo two >&2; echo three")).isEqualTo("one\ntwo\nthree");
    }

    @Test
    void emptyOutputSaysNoOutput() throws Exception {
        assertThat(bash("true")).isEqualTo("(no output)");
    }

    @Test
    void nonZeroExitCodeIsNamed() throws Exception {
        assertThat(bash("echo failing; exit 3")).isEqualTo("failing\n\nExit code: 3");
    }

    @Test
    void commandsGetNoStdinSoTheyDoNotHang() throws Exception {
        assertThat(bash("cat; echo done")).isEqualTo("done");
    }

    @Test
    void timeoutKillsTheWholeProcessGroupIncludingGrandchildren() throws Exception {
        // Without the sandbox (its own test is BashSandboxTest): the pid file holds a pid the host can look up.
        String result = bash(Map.of("BASH_SANDBOX", "off"), "command",
                "bash -c 'sleep 300 & echo $! > grandchild.pid; wait' & echo started; wait", "timeout", 1);

        assertThat(result).startsWith("started").endsWith("Command timed out after 1 seconds (killed).");
        long pid = Long.parseLong(Files.readString(workspace.resolve("grandchild.pid")).trim());
        Optional<ProcessHandle> grandchild = ProcessHandle.of(pid);
        if (grandchild.isPresent()) {
            grandchild.get().onExit().get(5, TimeUnit.SECONDS);
        }
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
    }

    @Test
    void defaultTimeoutComesFromBashTimeoutDefault() throws Exception {
        String result = bash(Map.of("BASH_TIMEOUT_DEFAULT", "1"), "command", "sleep 30");

        assertThat(result).isEqualTo("(no output)\n\nCommand timed out after 1 seconds (killed).");
    }

    @Test
    void longOutputKeepsTheLastLinesAndSavesEverythingToAFile() throws Exception {
        String result = bash(Map.of("BASH_OUTPUT_MAX_LINES", "100"), "command", "seq 1 1000");

        assertThat(result).startsWith("901\n902\n").contains("\n1000\n\n[Output cut: showing the last 100 of 1000 lines");
        Matcher saved = Pattern.compile("Full output: (\\S+)]").matcher(result);
        assertThat(saved.find()).isTrue();
        Path file = Path.of(saved.group(1));
        assertThat(Files.readAllLines(file)).hasSize(1000).startsWith("1", "2");
        assertThat(file.getParent()).isEqualTo(workspace.resolve(".bash-output"));
    }

    @Test
    void whenTheFullOutputCannotBeSavedTheTailIsStillReturned() throws Exception {
        Files.writeString(workspace.resolve(".bash-output"), "a file where the folder should be");

        String result = bash(Map.of("BASH_OUTPUT_MAX_LINES", "100"), "command", "seq 1 100000");

        assertThat(result).startsWith("99901\n").contains("\n100000\n\n[Output cut: showing the last 100 of 100000 lines")
                .doesNotContain("Full output").doesNotContain("timed out");
    }

    @Test
    void byteLimitCutsTheTailOnAUtf8CharacterBoundary() throws Exception {
        // Ten bytes of two-byte characters; keeping the last nine would start in the middle of the first one.
        String result = bash(Map.of("BASH_OUTPUT_MAX_BYTES", "9"), "command", "printf 'ééééé'");

        assertThat(result).startsWith("éééé\n\n[Output cut: showing the last 1 of 1 lines (10 bytes in all).");
        assertThat(result).doesNotContain("\uFFFD");
    }

    @Test
    void outputWithinTheLimitsIsNotCut() throws Exception {
        assertThat(bash(Map.of("BASH_OUTPUT_MAX_LINES", "3"), "command", "seq 1 3")).isEqualTo("1\n2\n3");
    }

    @Test
    void badTimeoutIsRefusedWithAClearMessage() {
        assertThatThrownBy(() -> bash(Map.of(), "command", "true", "timeout", 0))
                .hasMessageContaining("timeout must be a whole number of seconds from 1 to 3600");
    }

    @Test
    void deniedCommandIsNotRunAndTheModelIsTold() throws Exception {
        TestContext context = contexts.open(workspace, Map.of("BASH_APPROVAL", "ask"),
                Approvals.Decision.DENIED);

        String result = tool(context, "execute_bash").handler().handle(call("execute_bash", "command", "touch ran"));

        assertThat(result).isEqualTo("Not run: the user denied.");
        assertThat(context.questions()).containsExactly("Run this command?\n```\ntouch ran\n```");
        assertThat(workspace.resolve("ran")).doesNotExist();
    }

    @Test
    void unansweredApprovalMeansNotRun() throws Exception {
        TestContext context = contexts.open(workspace, Map.of("BASH_APPROVAL", "ask"),
                Approvals.Decision.TIMED_OUT);

        String result = tool(context, "execute_bash").handler().handle(call("execute_bash", "command", "touch ran"));

        assertThat(result).isEqualTo("Not run: the user did not answer in time.");
        assertThat(workspace.resolve("ran")).doesNotExist();
    }

    @Test
    void approvedCommandRuns() throws Exception {
        TestContext context = contexts.open(workspace, Map.of("BASH_APPROVAL", "ask"),
                Approvals.Decision.APPROVED);

        String result = tool(context, "execute_bash").handler().handle(call("execute_bash", "command", "touch ran"));

        assertThat(result).isEqualTo("(no output)");
        assertThat(workspace.resolve("ran")).exists();
    }

    @Test
    void withoutBashApprovalNobodyIsAsked() throws Exception {
        TestContext context = contexts.open(workspace, new HashMap<>());

        tool(context, "execute_bash").handler().handle(call("execute_bash", "command", "true"));

        assertThat(context.questions()).isEmpty();
    }

    @Test
    void anOutOfRangeNumberIsRefusedAtStartInTheOneMessageForm() {
        assertThatThrownBy(() -> new CodingToolProvider(contexts.open(workspace,
                Map.of("BASH_TIMEOUT_DEFAULT", "0"))))
                .isInstanceOf(dev.cortana.api.SettingException.class)
                .hasMessage("BASH_TIMEOUT_DEFAULT='0' is not valid: expected a whole number from 1 to 3600");
    }

    @Test
    void unknownBashApprovalValueIsRefusedAtStart() {
        assertThatThrownBy(() -> new CodingToolProvider(contexts.open(workspace, Map.of("BASH_APPROVAL", "maybe"))))
                .hasMessage("BASH_APPROVAL='maybe' is not valid: expected one of never or ask");
    }

    @Test
    void secretLookingVariablesAreNotPassedToCommands() {
        Map<String, String> environment = new HashMap<>(Map.of("OPENAI_API_KEY", "sk-1", "DISCORD_TOKEN", "t",
                "DATABASE_URL", "postgresql://u:p@h/db", "DB_PASSWORD", "p", "PATH", "/usr/bin", "HOME", "/home/c"));

        BashRunner.withoutSecrets(environment);

        assertThat(environment).containsOnlyKeys("PATH", "HOME");
    }
}
