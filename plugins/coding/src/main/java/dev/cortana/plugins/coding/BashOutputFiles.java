package dev.cortana.plugins.coding;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.LinkOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The folder ({@code WORKSPACE_DIR/.bash-output}) holding the full output of commands whose output was cut. The
 * model is told the file's path and may read it in a later turn, so files are kept for a day; each new file
 * removes the ones older than that, so they do not pile up.
 */
final class BashOutputFiles {

    static final String FOLDER = ".bash-output";
    static final Duration KEPT_FOR = Duration.ofDays(1);
    private static final String PREFIX = "cortana-bash-";
    private static final String SUFFIX = ".log";
    private static final Set<PosixFilePermission> PRIVATE_FOLDER = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> PRIVATE_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Logger log = LoggerFactory.getLogger(BashOutputFiles.class);

    private final Path folder;
    private final Clock clock;

    BashOutputFiles(Path workspaceRoot, Clock clock) {
        this.folder = workspaceRoot.resolve(FOLDER);
        this.clock = clock;
        if (Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
            try {
                tighten(); // at start, not only at the next long output
            } catch (IOException e) {
                log.warn("execute_bash: could not make {} private: {}", folder, e.getMessage());
            }
        }
    }

    /** A new empty file for one command's output, after removing this folder's output files older than a day. */
    Path create() throws IOException {
        makePrivate();
        removeOlderThan(clock.instant().minus(KEPT_FOR));
        // createTempFile makes the file rw------- (0600) on POSIX file systems.
        return Files.createTempFile(folder, PREFIX, SUFFIX);
    }

    /**
     * Makes sure the folder is there, a real folder (the sandbox mounts it read-only, so it must exist before a
     * command starts); failures are logged, and the next long output tries again.
     */
    void prepare() {
        try {
            makePrivate();
        } catch (IOException e) {
            log.warn("execute_bash: could not prepare {}: {}", folder, e.getMessage());
        }
    }

    /**
     * The folder rwx------ (0700) and the output files in it 0600: a command's output may hold anything the user's
     * files hold. Created that way, and tightened where an older version left them wider. A link where the folder
     * should be is moved aside first: Cortana's own writes and clean-up must never follow a link a
     * command made.
     */
    private void makePrivate() throws IOException {
        boolean posix = folder.getFileSystem().supportedFileAttributeViews().contains("posix");
        if (Files.isSymbolicLink(folder)) {
            Path aside = folder.resolveSibling(FOLDER + ".moved-" + clock.millis());
            Files.move(folder, aside, LinkOption.NOFOLLOW_LINKS);
            log.warn("execute_bash: {} was a link, not a folder; moved it aside to {}", folder, aside);
        }
        if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(folder.getParent());
            try {
                if (posix) {
                    Files.createDirectory(folder, PosixFilePermissions.asFileAttribute(PRIVATE_FOLDER));
                } else {
                    Files.createDirectory(folder);
                }
            } catch (FileAlreadyExistsException raced) {
                if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
                    throw raced; // a file where the folder should be
                }
            }
        }
        tighten();
    }

    private void tighten() throws IOException {
        if (!folder.getFileSystem().supportedFileAttributeViews().contains("posix")
                || Files.getPosixFilePermissions(folder, LinkOption.NOFOLLOW_LINKS).equals(PRIVATE_FOLDER)) {
            return;
        }
        Files.setPosixFilePermissions(folder, PRIVATE_FOLDER);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, PREFIX + "*" + SUFFIX)) {
            for (Path file : files) {
                if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    Files.setPosixFilePermissions(file, PRIVATE_FILE);
                }
            }
        }
    }

    /** Only files named like ours: anything else someone put in the folder is left alone. */
    private void removeOlderThan(Instant cutoff) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, PREFIX + "*" + SUFFIX)) {
            for (Path file : files) {
                try {
                    if (Files.getLastModifiedTime(file).toInstant().isBefore(cutoff)) {
                        Files.delete(file);
                    }
                } catch (NoSuchFileException e) {
                    // Another command's clean-up got there first.
                } catch (IOException e) {
                    log.warn("execute_bash: could not remove the old output file {}: {}", file, e.getMessage());
                }
            }
        } catch (IOException e) {
            log.warn("execute_bash: could not clean up {}: {}", folder, e.getMessage());
        }
    }
}
