package dev.cortana.plugins.coding;

import static dev.cortana.plugins.coding.BashToolTest.tool;
import static dev.cortana.plugins.coding.CodingContexts.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cortana.api.Approvals;
import dev.cortana.testkit.TestContextBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import dev.cortana.testkit.TestContext;

/**
 * The file-tool column of the README's table "What the agent may touch", row by row, with the workspace's private
 * paths wired the way {@code Cortana.start} wires them: the working folder holds {@code .env} and
 * {@code cortana.yml}, the workspace sits inside it, the plugins folder beside it.
 */
class WhatTheAgentMayTouchTest {

    @RegisterExtension
    final CodingContexts contexts = new CodingContexts();

    private static final String OWN = "is Cortana's own file (settings, database, logs, key ledger, conversations, plugins or "
            + "program): the agent may neither read nor change it.";

    @TempDir
    Path workingDir;

    Path workspace;
    Path plugins;
    final Map<String, String> settings = new HashMap<>();

    @BeforeEach
    void cortanasFiles() throws Exception {
        workspace = Files.createDirectories(workingDir.resolve("workspace"));
        plugins = Files.createDirectories(workingDir.resolve("plugins"));
        Files.writeString(workingDir.resolve(".env"), "OPENAI_API_KEY=sk-secret-env\n");
        Files.writeString(workingDir.resolve("cortana.yml"), "BASH_APPROVAL: ask\n");
        Files.writeString(plugins.resolve("todos.jar"), "jar bytes");
        Files.createDirectories(workspace.resolve(".postgres"));
        Files.writeString(workspace.resolve(".postgres/cortana-superuser-password"), "pg-secret-password\n");
        Files.writeString(workspace.resolve(".postgres/postgresql.conf"), "archive_command = ''\n");
        Files.writeString(workspace.resolve("key_usage.json"), "{\"keys\":{}}");
        Files.createDirectories(workspace.resolve(".conversation_cache"));
        Files.writeString(workspace.resolve(".conversation_cache/master.json"), "{\"messages\":[\"my secret\"]}");
        Files.createDirectories(workspace.resolve("logs"));
        Files.writeString(workspace.resolve("logs/cortana.log"), "a log line\n");
    }

    /** The workspace with Cortana's files elsewhere private, as {@code Cortana.start} wires it. */
    private TestContextBuilder hostWorkspace() {
        TestContextBuilder builder = TestContext.builder().workspace(workspace).privatePaths(workingDir.resolve(".env"),
                workingDir.resolve("cortana.yml"), workingDir.resolve("cortana.yaml"), plugins);
        return skillsDir == null ? builder : builder.skillsDir(skillsDir); // SKILLS_DIR, as the host resolves it
    }

    /** The host's {@code SKILLS_DIR}, when a test sets one. */
    private Path skillsDir;

    private String run(String toolName, Object... arguments) throws Exception {
        TestContext context = contexts.open(hostWorkspace(), settings, Approvals.Decision.APPROVED);
        return tool(context, toolName).handler().handle(call(toolName, arguments));
    }

    private void assertAllThreeRefused(String path, String message) throws Exception {
        assertThatThrownBy(() -> run("read_file", "path", path)).hasMessage(path + " " + message);
        assertThatThrownBy(() -> run("write_file", "path", path, "content", "pwned")).hasMessage(path + " " + message);
        assertThatThrownBy(() -> run("edit_file", "path", path, "old_text", "a", "new_text", "pwned"))
                .hasMessage(path + " " + message);
    }

    @Test
    void workspaceFilesAreReadWrittenAndEdited() throws Exception {
        assertThat(run("write_file", "path", "notes/plan.md", "content", "step one\n"))
                .isEqualTo("Wrote 9 bytes to notes/plan.md");
        assertThat(run("edit_file", "path", "notes/plan.md", "old_text", "one", "new_text", "two"))
                .startsWith("Edited notes/plan.md");
        assertThat(run("read_file", "path", "notes/plan.md")).isEqualTo("step two");
        assertThat(run("write_file", "path", "SOUL.md", "content", "curious")).isEqualTo("Wrote 7 bytes to SOUL.md");
    }

    @Test
    void identityAndToolsAreReadButNeverWritten() throws Exception {
        contexts.open(hostWorkspace(), settings, Approvals.Decision.APPROVED); // seeds the prompt files
        byte[] identity = Files.readAllBytes(workspace.resolve("IDENTITY.md"));

        assertThat(run("read_file", "path", "IDENTITY.md")).contains("Cortana");
        assertThat(run("read_file", "path", "TOOLS.md")).isNotEmpty();
        assertThatThrownBy(() -> run("write_file", "path", "TOOLS.md", "content", "pwned"))
                .hasMessage("TOOLS.md is read-only: the agent may not change it");
        assertThatThrownBy(() -> run("edit_file", "path", "IDENTITY.md", "old_text", "Cortana", "new_text", "pwned"))
                .hasMessage("IDENTITY.md is read-only: the agent may not change it");
        assertThat(workspace.resolve("IDENTITY.md")).hasBinaryContent(identity);
    }

    @ParameterizedTest
    @ValueSource(strings = {".postgres/cortana-superuser-password", ".postgres/postgresql.conf", ".postgres/pg_hba.conf",
            "./.postgres/../.postgres/cortana-superuser-password"})
    void theEmbeddedDatabasesFolderIsNeitherReadNorWritten(String path) throws Exception {
        assertAllThreeRefused(path, OWN);
        assertThat(workspace.resolve(".postgres/cortana-superuser-password")).hasContent("pg-secret-password\n");
        assertThat(workspace.resolve(".postgres/postgresql.conf")).hasContent("archive_command = ''\n");
        assertThat(workspace.resolve(".postgres/pg_hba.conf")).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(strings = {"../.env", "../cortana.yml", "../cortana.yaml"})
    void theSettingsFilesAreNeitherReadNorWritten(String path) throws Exception {
        assertAllThreeRefused(path, OWN);
        assertThat(workingDir.resolve(".env")).hasContent("OPENAI_API_KEY=sk-secret-env\n");
        assertThat(workingDir.resolve("cortana.yml")).hasContent("BASH_APPROVAL: ask\n");
        assertThat(workingDir.resolve("cortana.yaml")).doesNotExist();
    }

    @Test
    void theSettingsFilesStayPrivateInsideAWiderFileToolsRoot() throws Exception {
        settings.put("FILE_TOOLS_ROOT", workingDir.toString());

        assertThat(run("write_file", "path", "../notes.md", "content", "beside the workspace"))
                .isEqualTo("Wrote 20 bytes to ../notes.md");
        assertThat(run("read_file", "path", workingDir.resolve("notes.md").toString())).isEqualTo("beside the workspace");
        assertAllThreeRefused("../cortana.yml", OWN);
        assertAllThreeRefused(workingDir.resolve(".env").toString(), OWN);
        assertAllThreeRefused("../plugins/todos.jar", OWN);
        assertThat(workingDir.resolve("cortana.yml")).hasContent("BASH_APPROVAL: ask\n");
    }

    @Test
    void theUsageLedgerIsNeitherReadNorWrittenNotEvenThroughAHardLink() throws Exception {
        Files.createLink(workspace.resolve("ledger-copy.json"), workspace.resolve("key_usage.json"));

        assertAllThreeRefused("key_usage.json", OWN);
        assertAllThreeRefused("ledger-copy.json", OWN);
        assertThat(workspace.resolve("key_usage.json")).hasContent("{\"keys\":{}}");
    }

    @Test
    void aHardLinkToTheDatabasePasswordFileIsStillThePasswordFile() throws Exception {
        Files.createLink(workspace.resolve("innocent.txt"), workspace.resolve(".postgres/cortana-superuser-password"));

        assertAllThreeRefused("innocent.txt", OWN);
    }

    @Test
    void aSymbolicLinkToAPrivateFileIsThePrivateFile() throws Exception {
        Files.createSymbolicLink(workspace.resolve("pw.txt"), workspace.resolve(".postgres/cortana-superuser-password"));
        Files.createSymbolicLink(workspace.resolve("db"), workspace.resolve(".postgres"));
        Files.createSymbolicLink(workspace.resolve("new.conf"), workspace.resolve(".postgres/new.conf"));

        assertAllThreeRefused("pw.txt", OWN);
        assertAllThreeRefused("db/cortana-superuser-password", OWN);
        assertThatThrownBy(() -> run("write_file", "path", "new.conf", "content", "x")).hasMessage("new.conf " + OWN);
        assertThat(workspace.resolve(".postgres/new.conf")).doesNotExist();
    }

    @Test
    void theConversationCacheIsNeitherReadNorWritten() throws Exception {
        assertAllThreeRefused(".conversation_cache/master.json", OWN);
        assertThatThrownBy(() -> run("write_file", "path", ".conversation_cache/other.json", "content", "{}"))
                .hasMessage(".conversation_cache/other.json " + OWN);
        assertThat(workspace.resolve(".conversation_cache/other.json")).doesNotExist();
    }

    @Test
    void logsAreNeitherReadNorWritten() throws Exception {
        assertAllThreeRefused("logs/cortana.log", OWN);
        assertThat(workspace.resolve("logs/cortana.log")).hasContent("a log line\n");
    }

    @Test
    void thePluginsFolderIsNeitherReadNorWritten() throws Exception {
        String jar = plugins.resolve("todos.jar").toString();
        String dropIn = plugins.resolve("evil.jar").toString();

        assertAllThreeRefused(jar, OWN);
        assertThatThrownBy(() -> run("write_file", "path", dropIn, "content", "PK")).hasMessage(dropIn + " " + OWN);
        assertThat(plugins.resolve("evil.jar")).doesNotExist();
        assertThat(plugins.resolve("todos.jar")).hasContent("jar bytes");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../outside.txt", "/etc/passwd", "~/.bashrc", "../workspace/../outside.txt"})
    void filesOutsideTheWorkspaceAreRefused(String path) throws Exception {
        Files.writeString(workingDir.resolve("outside.txt"), "not the agent's");

        assertThatThrownBy(() -> run("read_file", "path", path))
                .hasMessageStartingWith(path + " is outside the workspace (" + workspace + ")");
        assertThatThrownBy(() -> run("write_file", "path", path, "content", "pwned"))
                .hasMessageStartingWith(path + " is outside the workspace")
                .hasMessageEndingWith("FILE_TOOLS_ROOT names a folder to allow as well.");
        assertThatThrownBy(() -> run("edit_file", "path", path, "old_text", "a", "new_text", "b"))
                .hasMessageStartingWith(path + " is outside the workspace");
        assertThat(workingDir.resolve("outside.txt")).hasContent("not the agent's");
        assertThat(workspace.resolve("~")).doesNotExist();
    }

    @Test
    void aLinkInTheWorkspaceLeadingOutsideIsRefused() throws Exception {
        Path elsewhere = Files.createDirectories(workingDir.resolve("elsewhere"));
        Files.createSymbolicLink(workspace.resolve("out"), elsewhere);
        Files.createSymbolicLink(workspace.resolve("dangling.md"), elsewhere.resolve("new.md"));

        assertThatThrownBy(() -> run("write_file", "path", "out/x.md", "content", "pwned"))
                .hasMessageStartingWith("out/x.md is outside the workspace");
        assertThatThrownBy(() -> run("write_file", "path", "dangling.md", "content", "pwned"))
                .hasMessageStartingWith("dangling.md is outside the workspace");
        assertThat(elsewhere).isEmptyDirectory();
    }

    @Test
    void procAndOtherSystemFilesAreOutsideEvenThroughALink() throws Exception {
        Files.createSymbolicLink(workspace.resolve("env.txt"), Path.of("/proc/self/environ"));

        assertThatThrownBy(() -> run("read_file", "path", "env.txt")).hasMessageStartingWith("env.txt is outside the workspace");
        assertThatThrownBy(() -> run("read_file", "path", "/proc/self/environ"))
                .hasMessageStartingWith("/proc/self/environ is outside the workspace");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/usr", "/etc"})
    void aFileToolsRootHoldingSystemFoldersStopsThePluginWithItsName(String root) {
        settings.put("FILE_TOOLS_ROOT", root);

        assertThatThrownBy(() -> run("read_file", "path", "x"))
                .hasMessageStartingWith("FILE_TOOLS_ROOT='" + root + "' is not valid: expected a folder of your data, "
                        + "not one holding ")
                .hasMessageEndingWith("(the agent could change programs Cortana runs outside any sandbox)");
    }

    @Test
    void aFileToolsRootHoldingTheJavaRuntimeStopsThePlugin() {
        settings.put("FILE_TOOLS_ROOT", Path.of(System.getProperty("java.home")).getParent().toString());

        assertThatThrownBy(() -> run("read_file", "path", "x"))
                .hasMessageContaining("not one holding " + Path.of(System.getProperty("java.home")));
    }

    /** Cortana's code among the workspace's private paths: the host's JAR, or its classes folder in a build. */
    private Path cortanasCode() {
        List<Path> privatePaths = contexts.open(hostWorkspace(), Map.of(), Approvals.Decision.DENIED).workspace()
                .privatePaths();
        return privatePaths.stream()
                .filter(path -> Files.isDirectory(path.resolve("dev/cortana/host"))
                        || Files.isRegularFile(path) && path.getFileName().toString().startsWith("cortana-host"))
                .findFirst().orElseThrow(() -> new AssertionError("Cortana's code is not private: " + privatePaths));
    }

    @Test
    void cortanasProgramIsPrivateInsideAWiderFileToolsRoot() throws Exception {
        Path code = cortanasCode();
        Path widened = code.getParent();
        settings.put("FILE_TOOLS_ROOT", widened.toString());
        String program = Files.isDirectory(code) ? code.resolve("dev/cortana/host/Main.class").toString() : code.toString();

        assertThatThrownBy(() -> run("read_file", "path", program)).hasMessage(program + " " + OWN);
        assertThatThrownBy(() -> run("write_file", "path", program, "content", "x")).hasMessage(program + " " + OWN);
    }

    @Test
    void skillsAreReadAndWrittenEvenInASkillsFolderOutsideTheWorkspace() throws Exception {
        Path global = workingDir.resolve("global-skills"); // made by the first skill written
        skillsDir = global;
        String skill = global.resolve("weather/SKILL.md").toString();

        assertThat(run("write_file", "path", skill, "content", "---\nname: weather\ndescription: d\n---\n"))
                .startsWith("Wrote ");
        assertThat(run("read_file", "path", skill, "offset", 2)).startsWith("name: weather");
        assertThat(run("write_file", "path", "skills/mine/SKILL.md", "content", "x")).startsWith("Wrote ");
    }

    @Test
    void aFileToolsRootThatIsNotAnExistingFolderStopsThePluginWithItsName() {
        settings.put("FILE_TOOLS_ROOT", "relative/path");

        assertThatThrownBy(() -> run("read_file", "path", "x"))
                .hasMessage("FILE_TOOLS_ROOT='relative/path' is not valid: expected the absolute path of an existing folder");
    }
}
