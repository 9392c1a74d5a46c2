package dev.cortana.host.workspace;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostWorkspaceTest {

    @TempDir
    Path dir;

    @TempDir
    Path workingDir;

    @Test
    void firstStartCopiesTheDefaultPromptFilesAndNeverOverwrites() throws Exception {
        Files.writeString(dir.resolve("SOUL.md"), "my own soul");

        HostWorkspace workspace = HostWorkspace.open(dir);

        assertThat(dir.resolve("IDENTITY.md")).content().contains("You are Cortana");
        assertThat(dir.resolve("TOOLS.md")).exists();
        assertThat(dir.resolve("USER.md")).exists();
        assertThat(dir.resolve("SOUL.md")).hasContent("my own soul");
        assertThat(workspace.root()).isEqualTo(dir.toAbsolutePath().normalize());
    }

    @Test
    void identityAndToolsAreReadOnlyHoweverThePathIsSpelled() throws Exception {
        HostWorkspace workspace = HostWorkspace.open(dir);
        Files.createDirectories(dir.resolve("skills/x"));
        Files.createSymbolicLink(dir.resolve("alias.md"), dir.resolve("IDENTITY.md"));
        Files.createSymbolicLink(dir.resolve("skills/up"), dir);

        assertThat(workspace.isReadOnly(Path.of("IDENTITY.md"))).isTrue();
        assertThat(workspace.isReadOnly(Path.of("./TOOLS.md"))).isTrue();
        assertThat(workspace.isReadOnly(Path.of("skills/x/../../IDENTITY.md"))).isTrue();
        assertThat(workspace.isReadOnly(dir.resolve("TOOLS.md"))).isTrue();
        assertThat(workspace.isReadOnly(Path.of("alias.md"))).isTrue();
        assertThat(workspace.isReadOnly(Path.of("skills/up/TOOLS.md"))).isTrue();

        assertThat(workspace.isReadOnly(Path.of("SOUL.md"))).isFalse();
        assertThat(workspace.isReadOnly(Path.of("USER.md"))).isFalse();
        assertThat(workspace.isReadOnly(Path.of("skills/IDENTITY.md"))).isFalse();
    }

    @Test
    void aHardLinkToIdentityIsReadOnly() throws Exception {
        HostWorkspace workspace = HostWorkspace.open(dir);
        Files.createLink(dir.resolve("hard.md"), dir.resolve("IDENTITY.md"));
        Files.createDirectories(dir.resolve("deep"));
        Files.createLink(dir.resolve("deep/tools-copy.md"), dir.resolve("TOOLS.md"));

        assertThat(workspace.isReadOnly(Path.of("hard.md"))).isTrue();
        assertThat(workspace.isReadOnly(Path.of("deep/tools-copy.md"))).isTrue();
        assertThat(workspace.isReadOnly(Path.of("SOUL.md"))).isFalse();
    }

    @Test
    void privatePathsArePrivateByNameLinkAndIdentity() throws Exception {
        Path env = Files.writeString(workingDir.resolve(".env"), "OPENAI_API_KEY=sk-x\n");
        HostWorkspace workspace = HostWorkspace.open(dir).withPrivatePaths(List.of(env));
        Files.createDirectories(dir.resolve(".postgres"));
        Files.writeString(dir.resolve(".postgres/cortana-superuser-password"), "pw\n");
        Files.writeString(dir.resolve("key_usage.json"), "{}");
        Files.createLink(dir.resolve("ledger.json"), dir.resolve("key_usage.json"));
        Files.createLink(dir.resolve("pw.txt"), dir.resolve(".postgres/cortana-superuser-password"));
        Files.createLink(dir.resolve("env.txt"), env);
        Files.createSymbolicLink(dir.resolve("db"), dir.resolve(".postgres"));
        Files.createSymbolicLink(dir.resolve("future.conf"), dir.resolve(".postgres/future.conf"));
        Files.writeString(dir.resolve("mine.txt"), "mine");
        Files.createLink(dir.resolve("mine-too.txt"), dir.resolve("mine.txt"));

        assertThat(workspace.isPrivate(Path.of(".postgres/cortana-superuser-password"))).isTrue();
        assertThat(workspace.isPrivate(Path.of(".postgres/not-yet"))).isTrue();
        assertThat(workspace.isPrivate(Path.of("logs/cortana.log"))).isTrue();
        assertThat(workspace.isPrivate(Path.of("cache/memory-local/1.19.0-beta29/all-minilm-l6-v2-q.onnx")))
                .as("plugins' caches: the embedding model memory-local loads").isTrue();
        assertThat(workspace.isPrivate(env)).isTrue();
        assertThat(workspace.isPrivate(Path.of("ledger.json"))).as("hard link to the ledger").isTrue();
        assertThat(workspace.isPrivate(Path.of("pw.txt"))).as("hard link into .postgres").isTrue();
        assertThat(workspace.isPrivate(Path.of("env.txt"))).as("hard link to .env").isTrue();
        assertThat(workspace.isPrivate(Path.of("db/cortana-superuser-password"))).isTrue();
        assertThat(workspace.isPrivate(Path.of("future.conf"))).as("dangling link into .postgres").isTrue();

        assertThat(workspace.isPrivate(Path.of("mine.txt"))).isFalse();
        assertThat(workspace.isPrivate(Path.of("mine-too.txt"))).as("a user's own hard link").isFalse();
        assertThat(workspace.isPrivate(Path.of("skills/new/SKILL.md"))).isFalse();
        assertThat(workspace.isPrivate(Path.of("IDENTITY.md"))).isFalse();
    }
}
