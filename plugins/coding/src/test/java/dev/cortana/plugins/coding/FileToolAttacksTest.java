package dev.cortana.plugins.coding;

import static dev.cortana.plugins.coding.BashToolTest.tool;
import static dev.cortana.plugins.coding.CodingContexts.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cortana.api.Approvals;
import dev.cortana.api.tools.AgentTool;
import dev.cortana.testkit.TestContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;
import dev.cortana.testkit.TestContext;

/**
 * The attacks on the file tools, made the way a model would make them (the link is made with {@code ln} by
 * {@code execute_bash}; here with plain Java), and what must keep working for a user's own links and file modes.
 */
class FileToolAttacksTest {

    @RegisterExtension
    final CodingContexts contexts = new CodingContexts();

    /** Tool calls and swaps each attack makes at least (thousands, as in the issue), within a generous time cap. */
    private static final int ATTEMPTS = 2000;
    private static final int SWAPS = 2000;
    private static final long CAP_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(90);

    @TempDir
    Path workspace;

    private TestContext context;

    /** One context per test (the attacks make thousands of calls), on the workspace opened as the host opens it. */
    private TestContext context() {
        if (context == null) {
            context = contexts.open(workspace, Map.of(), Approvals.Decision.APPROVED, Path.of(".postgres"));
        }
        return context;
    }

    private String run(String toolName, Object... arguments) throws Exception {
        return tool(context(), toolName).handler().handle(call(toolName, arguments));
    }

    @Test
    void aHardLinkToIdentityIsRefusedForWriteAndEdit() throws Exception {
        context();
        byte[] identity = Files.readAllBytes(workspace.resolve("IDENTITY.md"));
        Files.createLink(workspace.resolve("hard.md"), workspace.resolve("IDENTITY.md")); // ln IDENTITY.md hard.md

        assertThatThrownBy(() -> run("write_file", "path", "hard.md", "content", "You are Evil."))
                .hasMessage("hard.md is read-only: the agent may not change it");
        assertThatThrownBy(() -> run("edit_file", "path", "hard.md", "old_text", "Cortana", "new_text", "Evil"))
                .hasMessage("hard.md is read-only: the agent may not change it");

        assertThat(workspace.resolve("IDENTITY.md")).hasBinaryContent(identity);
    }

    @Test
    void swappingAFileForASymlinkToIdentityDuringWritesNeverChangesIdentity() throws Exception {
        context();
        Path identity = workspace.resolve("IDENTITY.md");
        byte[] original = Files.readAllBytes(identity);
        AgentTool writeFile = tool(context(), "write_file");
        AgentTool editFile = tool(context(), "edit_file");
        int written = 0;
        List<String> refusals = new ArrayList<>();
        try (LinkSwapper attacker = new LinkSwapper(workspace.resolve("x.md"), identity)) {
            AtomicInteger swaps = attacker.swaps;
            for (int attempt = 0; attacker.goesOn(attempt); attempt++) {
                try {
                    writeFile.handler().handle(call("write_file", "path", "x.md", "content", "You are Evil."));
                    written++;
                    editFile.handler().handle(call("edit_file", "path", "x.md", "old_text", "Evil", "new_text", "Bad"));
                } catch (IllegalArgumentException refused) {
                    refusals.add(refused.getMessage());
                }
                assertThat(Files.readAllBytes(identity)).as("IDENTITY.md after %d swaps", swaps.get()).isEqualTo(original);
            }
            assertThat(swaps.get()).as("swaps made while the tool ran").isGreaterThanOrEqualTo(SWAPS);
        }

        assertThat(written).as("writes that went through between swaps").isPositive();
        assertThat(refusals).allSatisfy(message -> assertThat(message).contains("x.md"));
        assertThat(identity).hasBinaryContent(original);
        assertThat(identity).isRegularFile();
    }

    @Test
    void swappingAFileForASymlinkToThePasswordFileDuringReadsNeverShowsThePassword() throws Exception {
        Files.createDirectories(workspace.resolve(".postgres"));
        Path password = Files.writeString(workspace.resolve(".postgres/cortana-superuser-password"), "pg-secret\n");
        AgentTool readFile = tool(context(), "read_file");
        int shown = 0;
        try (LinkSwapper attacker = new LinkSwapper(workspace.resolve("x.md"), password)) {
            for (int attempt = 0; attacker.goesOn(attempt); attempt++) {
                try {
                    String result = readFile.handler().handle(call("read_file", "path", "x.md"));
                    assertThat(result).isEqualTo("plain file");
                    shown++;
                } catch (IllegalArgumentException refused) {
                    assertThat(refused.getMessage()).doesNotContain("pg-secret");
                }
            }
            assertThat(attacker.swaps.get()).as("swaps made while the tool ran").isGreaterThanOrEqualTo(SWAPS);
        }
        assertThat(shown).isPositive();
    }

    @Test
    void writingAUsersSymlinkedFileUpdatesItsTargetAndTheLinkStaysALink() throws Exception {
        Path target = Files.writeString(Files.createDirectories(workspace.resolve("projects/app")).resolve("notes.md"),
                "old");
        Path link = Files.createSymbolicLink(workspace.resolve("notes.md"), Path.of("projects/app/notes.md"));

        run("write_file", "path", "notes.md", "content", "new\nlines\n");
        run("edit_file", "path", "notes.md", "old_text", "lines", "new_text", "words");

        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(target).hasContent("new\nwords\n");
        assertThat(run("read_file", "path", "notes.md")).isEqualTo("new\nwords");
    }

    @Test
    void writeAndEditKeepTheFilesPermissions() throws Exception {
        Path script = Files.writeString(workspace.resolve("run.sh"), "#!/bin/sh\necho one\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxrw----"));

        run("write_file", "path", "run.sh", "content", "#!/bin/sh\necho two\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(script))).isEqualTo("rwxrw----");
        run("edit_file", "path", "run.sh", "old_text", "two", "new_text", "three");

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(script))).isEqualTo("rwxrw----");
        assertThat(script).hasContent("#!/bin/sh\necho three\n");
        try (var entries = Files.list(workspace)) {
            assertThat(entries.map(p -> p.getFileName().toString())).noneMatch(name -> name.endsWith(".tmp"));
        }
    }

    @Test
    void aFolderSwappedForALinkBetweenCheckAndWriteIsNotFollowed() throws Exception {
        // The walk down to the checked folder never follows a link: a folder that became one is refused.
        Files.createDirectories(workspace.resolve(".postgres"));
        Files.createDirectories(workspace.resolve("d"));
        ConfinedFiles files = new ConfinedFiles(context().workspace(), List.of());
        ConfinedFiles.Target checked = files.resolve("d/cortana-superuser-password", ConfinedFiles.Access.WRITE);
        Files.delete(workspace.resolve("d"));
        Files.createSymbolicLink(workspace.resolve("d"), workspace.resolve(".postgres"));

        assertThatThrownBy(() -> files.openFolder(checked, true).close())
                .hasMessageStartingWith("d/cortana-superuser-password changed while it was being opened");
        assertThat(workspace.resolve(".postgres/cortana-superuser-password")).doesNotExist();
    }

    @Test
    void swappingAFolderForASymlinkToTheDatabaseFolderDuringWritesNeverWritesThere() throws Exception {
        Path database = Files.createDirectories(workspace.resolve(".postgres"));
        Path password = Files.writeString(database.resolve("cortana-superuser-password"), "pg-secret\n");
        Path d = workspace.resolve("d");
        Path link = workspace.resolve(".d-link");
        Path plain = workspace.resolve(".d-plain");
        Files.createDirectories(d);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger swaps = new AtomicInteger();
        // d is a folder, then a symlink to .postgres, then the folder again, ...
        Thread attacker = new Thread(() -> {
            while (!stop.get()) {
                try {
                    Files.deleteIfExists(link);
                    Files.createSymbolicLink(link, database);
                    Files.move(d, plain, StandardCopyOption.ATOMIC_MOVE);
                    Files.move(link, d, StandardCopyOption.ATOMIC_MOVE);
                    Files.delete(d);
                    Files.move(plain, d, StandardCopyOption.ATOMIC_MOVE);
                    swaps.incrementAndGet();
                } catch (java.io.IOException collided) {
                    // write_file made d while it was briefly away: clear it and put the folder back
                    try {
                        if (Files.exists(plain)) {
                            if (Files.isDirectory(d, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                                try (var inside = Files.list(d)) {
                                    for (Path file : inside.toList()) {
                                        Files.delete(file);
                                    }
                                }
                            }
                            Files.deleteIfExists(d);
                            Files.move(plain, d, StandardCopyOption.ATOMIC_MOVE);
                        }
                    } catch (java.io.IOException again) {
                        // next round
                    }
                }
            }
        });
        AgentTool writeFile = tool(context(), "write_file");
        int written = 0;
        attacker.start();
        try {
            long cap = System.nanoTime() + CAP_NANOS;
            for (int attempt = 0; (attempt < ATTEMPTS || swaps.get() < SWAPS) && attacker.isAlive()
                    && System.nanoTime() < cap; attempt++) {
                try {
                    writeFile.handler().handle(call("write_file", "path", "d/cortana-superuser-password",
                            "content", "mine\n"));
                    written++;
                } catch (IllegalArgumentException | java.nio.file.NoSuchFileException refused) {
                    // refused, or d was briefly away
                }
            }
        } finally {
            stop.set(true);
            attacker.join();
        }

        assertThat(swaps.get()).as("swaps made while the tool ran").isGreaterThanOrEqualTo(SWAPS);
        assertThat(written).isPositive();
        assertThat(password).hasContent("pg-secret\n");
        try (var entries = Files.list(database)) {
            assertThat(entries.map(p -> p.getFileName().toString())).containsExactly("cortana-superuser-password");
        }
    }

    /**
     * The attacker's loop, on a thread of its own until closed: {@code file} is a regular file, then (atomically, by
     * rename) a symbolic link to {@code target}, then a regular file again, ...
     */
    private static final class LinkSwapper implements AutoCloseable {
        final AtomicInteger swaps = new AtomicInteger();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Thread thread;
        private final long cap = System.nanoTime() + CAP_NANOS;

        LinkSwapper(Path file, Path target) throws IOException {
            Path link = file.resolveSibling("." + file.getFileName() + "-link");
            Path plain = file.resolveSibling("." + file.getFileName() + "-plain");
            Files.writeString(file, "plain file");
            thread = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        Files.deleteIfExists(link);
                        Files.createSymbolicLink(link, target);
                        Files.move(link, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                        Files.writeString(plain, "plain file");
                        Files.move(plain, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                        swaps.incrementAndGet();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            thread.start();
        }

        /** Whether to try once more: until enough attempts and swaps, while the attacker runs, within the time cap. */
        boolean goesOn(int attempt) {
            return (attempt < ATTEMPTS || swaps.get() < SWAPS) && thread.isAlive() && System.nanoTime() < cap;
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join();
        }
    }
}
