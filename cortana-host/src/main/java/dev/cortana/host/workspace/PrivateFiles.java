package dev.cortana.host.workspace;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files only Cortana's own user may read: conversations and logs hold what the user said and what tools printed.
 * Folders are {@code rwx------} (0700) and files {@code rw-------} (0600), set at creation so there is never a moment
 * when they are readable by others, and tightened at start-up where an older version left them wider. On a file
 * system without POSIX permissions these calls do nothing more than create.
 */
public final class PrivateFiles {

    public static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwx------");
    public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private PrivateFiles() {
    }

    /**
     * Creates {@code dir} (and missing parents, those with the usual mode) as a private folder, or tightens it when
     * it exists, together with the regular files directly inside it.
     */
    public static Path folder(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir.toAbsolutePath().getParent());
            try {
                Files.createDirectory(dir, attribute(dir, FOLDER));
            } catch (FileAlreadyExistsException raced) {
                // created meanwhile: tightened below
            }
        }
        tighten(dir, FOLDER);
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                if (Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
                    tighten(entry, FILE);
                }
            }
        }
        return dir;
    }

    /** Creates {@code file} empty and private when absent, else makes it private. */
    public static Path file(Path file) throws IOException {
        try {
            Files.createFile(file, attribute(file, FILE));
        } catch (FileAlreadyExistsException exists) {
            tighten(file, FILE);
        }
        return file;
    }

    /** The attribute that creates a private file or folder, or none where the file system has no POSIX modes. */
    public static FileAttribute<?>[] attribute(Path path, Set<PosixFilePermission> mode) {
        return posix(path) ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(mode)} : new FileAttribute<?>[0];
    }

    private static void tighten(Path path, Set<PosixFilePermission> mode) throws IOException {
        if (posix(path) && !Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS).equals(mode)) {
            Files.setPosixFilePermissions(path, mode);
        }
    }

    private static boolean posix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
