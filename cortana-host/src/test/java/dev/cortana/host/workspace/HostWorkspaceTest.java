package dev.cortana.host.workspace;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostWorkspaceTest {

    @TempDir
    Path dir;

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
}
