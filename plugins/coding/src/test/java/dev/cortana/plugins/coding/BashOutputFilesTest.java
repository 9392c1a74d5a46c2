package dev.cortana.plugins.coding;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BashOutputFilesTest {

    @TempDir
    Path workspace;

    private final Instant now = Instant.parse("2026-11-25T06:00:00Z");
    private BashOutputFiles files;

    @BeforeEach
    void outputFilesAtAFixedTime() {
        files = new BashOutputFiles(workspace, Clock.fixed(now, ZoneOffset.UTC));
    }

    private Path oldFile(String name, Duration age) throws Exception {
        Path file = Files.createDirectories(workspace.resolve(".bash-output")).resolve(name);
        Files.writeString(file, "output");
        Files.setLastModifiedTime(file, FileTime.from(now.minus(age)));
        return file;
    }

    private Stream<String> names() throws Exception {
        return Files.list(workspace.resolve(".bash-output")).map(p -> p.getFileName().toString()).sorted();
    }

    @Test
    void aNewOutputFileGoesIntoTheWorkspaceBashOutputFolder() throws Exception {
        Path file = files.create();

        assertThat(file.getParent()).isEqualTo(workspace.resolve(".bash-output"));
        assertThat(file.getFileName().toString()).startsWith("cortana-bash-").endsWith(".log");
        assertThat(file).isEmptyFile();
    }

    @Test
    void writingANewFileRemovesOutputFilesOlderThanADay() throws Exception {
        oldFile("cortana-bash-old.log", Duration.ofHours(25));
        Path recent = oldFile("cortana-bash-recent.log", Duration.ofHours(23));

        Path created = files.create();

        assertThat(names()).containsExactlyInAnyOrder(recent.getFileName().toString(), created.getFileName().toString());
    }

    @Test
    void otherFilesInTheFolderAreLeftAlone() throws Exception {
        oldFile("notes.txt", Duration.ofDays(30));

        Path created = files.create();

        assertThat(names()).containsExactlyInAnyOrder("notes.txt", created.getFileName().toString());
    }

    @Test
    void outputFilesAre0600InA0700Folder() throws Exception {
        Path file = files.create();

        assertThat(mode(file)).isEqualTo("rw-------");
        assertThat(mode(file.getParent())).isEqualTo("rwx------");
    }

    @Test
    void aFolderAndFilesLeftWiderByAnOlderVersionAreTightenedWhenThePluginStarts() throws Exception {
        Path old = oldFile("cortana-bash-earlier.log", Duration.ofHours(1));
        java.nio.file.Files.setPosixFilePermissions(old, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        java.nio.file.Files.setPosixFilePermissions(old.getParent(),
                java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));

        new BashOutputFiles(workspace, Clock.fixed(now, ZoneOffset.UTC));

        assertThat(mode(old)).isEqualTo("rw-------");
        assertThat(mode(old.getParent())).isEqualTo("rwx------");
    }

    private static String mode(Path path) throws Exception {
        return java.nio.file.attribute.PosixFilePermissions.toString(java.nio.file.Files.getPosixFilePermissions(path));
    }

    @Test
    void aLinkWhereTheFolderShouldBeIsMovedAsideAndItsTargetIsNeverWrittenNorCleanedUp() throws Exception {
        Path elsewhere = Files.createDirectories(workspace.resolve("elsewhere"));
        Path victim = Files.writeString(elsewhere.resolve("cortana-bash-victim.log"), "keep me");
        Files.setLastModifiedTime(victim, FileTime.from(now.minus(Duration.ofDays(3))));
        Files.createSymbolicLink(workspace.resolve(".bash-output"), elsewhere);

        Path created = files.create();

        assertThat(created.getParent()).isEqualTo(workspace.resolve(".bash-output"));
        assertThat(Files.isSymbolicLink(workspace.resolve(".bash-output"))).isFalse();
        assertThat(workspace.resolve(".bash-output")).isDirectory();
        assertThat(victim).hasContent("keep me");
        try (Stream<Path> inside = Files.list(elsewhere)) {
            assertThat(inside).containsExactly(victim);
        }
    }
}
