package dev.cortana.plugins.coding;

import static dev.cortana.plugins.coding.BashToolTest.tool;
import static dev.cortana.plugins.coding.CodingContexts.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

class ReadFileToolTest {

    @RegisterExtension
    final CodingContexts contexts = new CodingContexts();

    @TempDir
    Path workspace;

    @BeforeEach
    void numbers() throws Exception {
        Files.createDirectories(workspace.resolve("notes"));
        Files.writeString(workspace.resolve("notes/numbers.txt"),
                IntStream.rangeClosed(1, 30).mapToObj(i -> "line " + i).collect(Collectors.joining("\n", "", "\n")));
    }

    private String read(Map<String, String> settings, Object... arguments) throws Exception {
        return tool(contexts.open(workspace, settings), "read_file").handler().handle(call("read_file", arguments));
    }

    @Test
    void relativePathsResolveAgainstTheWorkspace() throws Exception {
        Files.writeString(workspace.resolve("hello.txt"), "hello\nworld\n");

        assertThat(read(Map.of(), "path", "hello.txt")).isEqualTo("hello\nworld");
    }

    @Test
    void offsetAndLimitShowAWindowWithAHintToContinue() throws Exception {
        assertThat(read(Map.of(), "path", "notes/numbers.txt", "offset", 10, "limit", 3))
                .isEqualTo("line 10\nline 11\nline 12\n\n[Showing lines 10-12 of 30. Use offset=13 to continue.]");
    }

    @Test
    void windowReachingTheEndHasNoHint() throws Exception {
        assertThat(read(Map.of(), "path", "notes/numbers.txt", "offset", 29)).isEqualTo("line 29\nline 30");
    }

    @Test
    void fileReadMaxLinesCapsOneCall() throws Exception {
        assertThat(read(Map.of("FILE_READ_MAX_LINES", "5"), "path", "notes/numbers.txt", "limit", 100))
                .endsWith("line 5\n\n[Showing lines 1-5 of 30. Use offset=6 to continue.]");
    }

    @Test
    void byteLimitCutsOnAWholeLine() throws Exception {
        String line = "x".repeat(999);
        Files.writeString(workspace.resolve("wide.txt"), (line + "\n").repeat(200));

        String result = read(Map.of(), "path", "wide.txt");

        assertThat(result).endsWith("\n\n[Showing lines 1-51 of 200. Use offset=52 to continue.]");
    }

    @Test
    void offsetPastTheEndNamesTheLineCount() {
        assertThatThrownBy(() -> read(Map.of(), "path", "notes/numbers.txt", "offset", 31))
                .hasMessage("offset 31 is past the end of notes/numbers.txt (30 lines)");
    }

    @Test
    void missingFileIsAClearError() {
        assertThatThrownBy(() -> read(Map.of(), "path", "nope.txt")).hasMessage("File not found: nope.txt");
    }

    @Test
    void binaryFileIsNotDumpedAsText() throws Exception {
        Files.write(workspace.resolve("image.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 13, (byte) 0xFF});

        assertThat(read(Map.of(), "path", "image.png")).isEqualTo("image.png is a binary file (9 bytes); not shown as text.");
    }

    @Test
    void utf8TextWithABomIsReadWithoutIt() throws Exception {
        Files.writeString(workspace.resolve("bom.txt"), "\uFEFFgrüße\n");

        assertThat(read(Map.of(), "path", "bom.txt")).isEqualTo("grüße");
    }

    @Test
    void readOnlyPromptFilesCanBeRead() throws Exception {
        assertThat(read(Map.of(), "path", "IDENTITY.md")).contains("Cortana");
    }

    @Test
    void baseDirInASkillIsReplacedByTheSkillsFolder() throws Exception {
        Path skill = Files.createDirectories(workspace.resolve("skills/pdf-tools"));
        Files.writeString(skill.resolve("SKILL.md"), "---\nname: pdf-tools\ndescription: PDFs\n---\nRun {baseDir}/extract.sh\n");

        assertThat(read(Map.of(), "path", "skills/pdf-tools/SKILL.md", "offset", 5))
                .isEqualTo("Run " + skill.toAbsolutePath().normalize() + "/extract.sh");
    }
}
