package dev.cortana.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The workspace a test context hands a plugin: private and skills paths as the host wires them. */
class TestContextWorkspaceTest {

    @TempDir
    Path workingDir;

    @Test
    void pathsOutsideTheWorkspaceAreMadePrivateAsTheHostMakesEnvAndTheConfigFilePrivate() throws Exception {
        Path workspace = Files.createDirectories(workingDir.resolve("workspace"));
        Path env = workingDir.resolve(".env");

        try (TestContext context = TestContext.builder().pluginId("notes").workspace(workspace).privatePaths(env).build()) {
            assertThat(context.workspace().isPrivate(env)).isTrue();
            assertThat(context.workspace().isPrivate(workspace.resolve(".postgres/pg_hba.conf"))).isTrue();
            assertThat(context.workspace().isPrivate(workspace.resolve("notes.md"))).isFalse();
            assertThat(context.workspace().isPrivate(workingDir.resolve("elsewhere.txt"))).isFalse();
        }
    }

    @Test
    void cortanasProgramIsPrivateInEveryContext() throws Exception {
        Path hostCode = Path.of(dev.cortana.host.workspace.HostWorkspace.class.getProtectionDomain().getCodeSource()
                .getLocation().toURI());

        try (TestContext context = TestContext.builder().pluginId("notes").build()) {
            assertThat(context.workspace().isPrivate(hostCode)).isTrue();
        }
    }

    @Test
    void theSkillsFolderMayLieOutsideTheWorkspace() throws Exception {
        Path global = workingDir.resolve("global-skills");

        try (TestContext context = TestContext.builder().pluginId("notes").skillsDir(global).build()) {
            assertThat(context.workspace().skillsDir()).isEqualTo(global);
        }
        try (TestContext context = TestContext.builder().pluginId("notes").build()) {
            assertThat(context.workspace().skillsDir()).isEqualTo(context.workspace().root().resolve("skills"));
        }
    }

    @Test
    void theDefaultDatabaseIsMadeWhenThePluginFirstConnects() throws Exception {
        try (TestContext context = TestContext.builder().pluginId("notes").build();
             Connection connection = context.dataSource().getConnection()) {
            assertThat(connection.isValid(5)).isTrue();
            assertThat(connection.getCatalog()).startsWith("plugin_test_");
        }
    }
}
