package dev.cortana.plugins.coding;

import static dev.cortana.plugins.coding.BashToolTest.tool;
import static dev.cortana.plugins.coding.CodingContexts.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cortana.api.Approvals;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import dev.cortana.testkit.TestContext;

class WriteFileToolsTest {

    @RegisterExtension
    final CodingContexts contexts = new CodingContexts();

    @TempDir
    Path workspace;

    private String run(String toolName, Object... arguments) throws Exception {
        return tool(contexts.open(workspace, Map.of()), toolName).handler().handle(call(toolName, arguments));
    }

    @Test
    void writeCreatesParentFoldersAndReportsBytes() throws Exception {
        assertThat(run("write_file", "path", "skills/new/SKILL.md", "content", "héllo"))
                .isEqualTo("Wrote 6 bytes to skills/new/SKILL.md");
        assertThat(workspace.resolve("skills/new/SKILL.md")).hasContent("héllo");
    }

    @Test
    void writeOverwrites() throws Exception {
        Files.writeString(workspace.resolve("a.txt"), "old content");

        run("write_file", "path", "a.txt", "content", "new");

        assertThat(workspace.resolve("a.txt")).hasContent("new");
    }

    @Test
    void soulAndUserAreWritable() throws Exception {
        run("write_file", "path", "SOUL.md", "content", "curious");
        assertThat(workspace.resolve("SOUL.md")).hasContent("curious");
    }

    @ParameterizedTest
    @ValueSource(strings = {"IDENTITY.md", "./IDENTITY.md", "TOOLS.md", "skills/../IDENTITY.md", "alias.md",
            "up/TOOLS.md", "notes/./../TOOLS.md"})
    void readOnlyPromptFilesAreRefusedForWritingHoweverSpelled(String spelled) throws Exception {
        contexts.open(workspace, Map.of()); // opens the workspace as the host does: the prompt files are seeded
        Files.createSymbolicLink(workspace.resolve("alias.md"), workspace.resolve("IDENTITY.md"));
        Files.createSymbolicLink(workspace.resolve("up"), workspace);
        byte[] identity = Files.readAllBytes(workspace.resolve("IDENTITY.md"));
        byte[] tools = Files.readAllBytes(workspace.resolve("TOOLS.md"));

        assertThatThrownBy(() -> run("write_file", "path", spelled, "content", "pwned"))
                .hasMessageEndingWith("is read-only: the agent may not change it");
        assertThatThrownBy(() -> run("edit_file", "path", spelled, "old_text", "Cortana", "new_text", "pwned"))
                .hasMessageEndingWith("is read-only: the agent may not change it");
        String absolute = workspace.resolve("IDENTITY.md").toString();
        assertThatThrownBy(() -> run("write_file", "path", absolute, "content", "pwned"))
                .hasMessageEndingWith("is read-only: the agent may not change it");

        assertThat(Files.readAllBytes(workspace.resolve("IDENTITY.md"))).isEqualTo(identity);
        assertThat(Files.readAllBytes(workspace.resolve("TOOLS.md"))).isEqualTo(tools);
    }

    @Test
    void editReplacesTheOnlyOccurrenceAndShowsADiff() throws Exception {
        Files.writeString(workspace.resolve("app.py"), "a = 1\nb = 2\nc = 3\n");

        String result = run("edit_file", "path", "app.py", "old_text", "b = 2", "new_text", "b = 20");

        assertThat(workspace.resolve("app.py")).hasContent("a = 1\nb = 20\nc = 3\n");
        assertThat(result).isEqualTo("Edited app.py\n    1 a = 1\n-   2 b = 2\n+   2 b = 20\n    3 c = 3");
    }

    @Test
    void editWithNoMatchLeavesTheFileUntouched() throws Exception {
        Files.writeString(workspace.resolve("app.py"), "a = 1\n");

        assertThatThrownBy(() -> run("edit_file", "path", "app.py", "old_text", "z = 9", "new_text", "x"))
                .hasMessageStartingWith("old_text not found in app.py");
        assertThat(workspace.resolve("app.py")).hasContent("a = 1\n");
    }

    @Test
    void editWithSeveralMatchesNamesTheCountAndLeavesTheFileUntouched() throws Exception {
        Files.writeString(workspace.resolve("app.py"), "x = 1\nx = 1\nx = 1\n");

        assertThatThrownBy(() -> run("edit_file", "path", "app.py", "old_text", "x = 1", "new_text", "y = 2"))
                .hasMessageStartingWith("old_text occurs 3 times in app.py");
        assertThat(workspace.resolve("app.py")).hasContent("x = 1\nx = 1\nx = 1\n");
    }

    @Test
    void editThatChangesNothingIsAnError() throws Exception {
        Files.writeString(workspace.resolve("app.py"), "a = 1\n");

        assertThatThrownBy(() -> run("edit_file", "path", "app.py", "old_text", "a = 1", "new_text", "a = 1"))
                .hasMessageStartingWith("no changes");
    }

    @Test
    void editPreservesBomAndCrlfLineEndings() throws Exception {
        Path file = workspace.resolve("win.txt");
        Files.write(file, "\uFEFFfirst\r\nsecond\r\nthird\r\n".getBytes(StandardCharsets.UTF_8));

        run("edit_file", "path", "win.txt", "old_text", "first\nsecond", "new_text", "one\ntwo");

        assertThat(new String(Files.readAllBytes(file), StandardCharsets.UTF_8)).isEqualTo("\uFEFFone\r\ntwo\r\nthird\r\n");
    }

    @Test
    void editOfAMissingFileIsAClearError() {
        assertThatThrownBy(() -> run("edit_file", "path", "nope.txt", "old_text", "a", "new_text", "b"))
                .hasMessage("File not found: nope.txt");
    }

    @Test
    void withApprovalAskADeniedWriteIsNotWrittenAndTheModelIsTold() throws Exception {
        TestContext context = contexts.open(workspace, Map.of("BASH_APPROVAL", "ask"),
                Approvals.Decision.DENIED);

        String result = tool(context, "write_file").handler()
                .handle(call("write_file", "path", "notes/plan.md", "content", "line one\nline two\n"));

        assertThat(result).isEqualTo("Not written: the user denied.");
        assertThat(workspace.resolve("notes")).doesNotExist();
        assertThat(context.questions()).containsExactly(
                "Write this file?\nnotes/plan.md (18 bytes, a new file)\n```\nline one\nline two\n```");
    }

    @Test
    void withApprovalAskAnUnansweredEditIsNotMadeAndTheQuestionShowsTheDiff() throws Exception {
        Files.writeString(workspace.resolve("app.py"), "a = 1\nb = 2\n");
        TestContext context = contexts.open(workspace, Map.of("BASH_APPROVAL", "ask"),
                Approvals.Decision.TIMED_OUT);

        String result = tool(context, "edit_file").handler()
                .handle(call("edit_file", "path", "app.py", "old_text", "b = 2", "new_text", "b = 3"));

        assertThat(result).isEqualTo("Not edited: the user did not answer in time.");
        assertThat(workspace.resolve("app.py")).hasContent("a = 1\nb = 2\n");
        assertThat(context.questions()).containsExactly(
                "Edit this file?\napp.py\n```diff\n    1 a = 1\n-   2 b = 2\n+   2 b = 3\n```");
    }

    @Test
    void withApprovalAskAnApprovedWriteIsWrittenAndTheQuestionNamesWhereALinkLeads() throws Exception {
        Files.createDirectories(workspace.resolve("real"));
        Files.writeString(workspace.resolve("real/target.md"), "old");
        Files.createSymbolicLink(workspace.resolve("link.md"), workspace.resolve("real/target.md"));
        TestContext context = contexts.open(workspace, Map.of("BASH_APPROVAL", "ask"),
                Approvals.Decision.APPROVED);

        String result = tool(context, "write_file").handler()
                .handle(call("write_file", "path", "link.md", "content", "x\n".repeat(25)));

        assertThat(result).isEqualTo("Wrote 50 bytes to link.md");
        assertThat(workspace.resolve("real/target.md")).hasContent("x\n".repeat(25));
        assertThat(context.questions()).singleElement().asString()
                .startsWith("Write this file?\nlink.md (-> " + workspace.toRealPath().resolve("real/target.md")
                        + ") (50 bytes, replacing 3 bytes)\n```\nx\n")
                .endsWith("x\n... (5 more lines)\n```");
    }

    @Test
    void withApprovalAskARefusedPathIsRefusedWithoutAsking() throws Exception {
        TestContext context = contexts.open(workspace, Map.of("BASH_APPROVAL", "ask"),
                Approvals.Decision.APPROVED);

        assertThatThrownBy(() -> tool(context, "write_file").handler()
                .handle(call("write_file", "path", "TOOLS.md", "content", "pwned")))
                .hasMessage("TOOLS.md is read-only: the agent may not change it");
        assertThat(context.questions()).isEmpty();
    }

    @Test
    void writingBelowAFileSaysThatItIsAFile() throws Exception {
        Files.writeString(workspace.resolve("notes.txt"), "a file");

        assertThatThrownBy(() -> run("write_file", "path", "notes.txt/child.md", "content", "x"))
                .hasMessage("notes.txt/child.md: notes.txt is a file, not a folder");
        assertThat(workspace.resolve("notes.txt")).hasContent("a file");
    }
}
