package dev.cortana.plugins.coding;

import dev.cortana.api.Workspace;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Where the file tools may go, and how they get there without being redirected on the way.
 *
 * <p>A path is resolved once: symbolic links are followed to the real file, which must lie inside the workspace
 * (or {@code FILE_TOOLS_ROOT}, or {@code SKILLS_DIR}), must not be one of Cortana's private files, and for writing
 * must not be a read-only prompt file — the workspace compares file identity (device and inode), so a hard link is
 * the file it links to. Then the checked folder is opened by walking down from the allowed root one name at a time
 * without following links ({@code openat} with {@code O_NOFOLLOW}, through {@link SecureDirectoryStream}): a link
 * swapped in after the check makes the walk fail instead of leading elsewhere. Inside that folder handle a file is
 * read with {@code O_NOFOLLOW} and its identity compared with the checked one, and a file is written as a new file
 * renamed over the old name: a rename replaces a symbolic link or a hard-link entry instead of writing through it,
 * so an existing file's content is never opened for writing and a protected file cannot change.
 */
final class ConfinedFiles {

    /** What the caller means to do with the file. */
    enum Access { READ, WRITE }

    private static final int MAX_LINK_HOPS = 40;

    private final Workspace workspace;
    private final List<Path> extraRoots;

    /**
     * @param workspace  the workspace: its root is always allowed, and it says what is private or read-only
     * @param extraRoots more folders the file tools may use ({@code FILE_TOOLS_ROOT}, {@code SKILLS_DIR})
     */
    ConfinedFiles(Workspace workspace, List<Path> extraRoots) {
        this.workspace = workspace;
        this.extraRoots = List.copyOf(extraRoots);
    }

    /**
     * A checked file: the path as asked (resolved against the workspace), its real path (links followed), the allowed root it lies in, and its attributes when it exists
     * (taken without following links: the real path's last name is not a link).
     */
    record Target(String spelled, Path asked, Path path, Path root, BasicFileAttributes attributes) {

        boolean exists() {
            return attributes != null;
        }

        String name() {
            return path.getFileName().toString();
        }

        Object fileKey() {
            return attributes == null ? null : attributes.fileKey();
        }
    }

    /** Resolves and checks {@code spelled}; throws {@link IllegalArgumentException} with the reason when refused. */
    Target resolve(String spelled, Access access) throws IOException {
        Path asked = spelled.equals("~") || spelled.startsWith("~/")
                ? Path.of(System.getProperty("user.home") + spelled.substring(1)).toAbsolutePath().normalize()
                : workspace.resolve(spelled);
        Path real = realPath(asked, 0);
        if (workspace.isPrivate(real)) {
            throw new IllegalArgumentException(spelled + " is Cortana's own file (settings, database, logs, key "
                    + "ledger, conversations, plugins or program): the agent may neither read nor change it.");
        }
        if (access == Access.WRITE && workspace.isReadOnly(real)) {
            throw new IllegalArgumentException(spelled + " is read-only: the agent may not change it");
        }
        Path root = rootOf(real);
        if (root == null) {
            throw new IllegalArgumentException(spelled + " is outside the workspace (" + workspace.root()
                    + "): the file tools read and write only inside it"
                    + (extraRoots.isEmpty() ? "" : " and " + String.join(", ", extraRoots.stream().map(Path::toString).toList()))
                    + ". FILE_TOOLS_ROOT names a folder to allow as well.");
        }
        if (real.equals(root)) {
            throw new IllegalArgumentException(spelled + " is a directory");
        }
        BasicFileAttributes attributes = null;
        try {
            attributes = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (FileSystemException e) {
            // a new file (or a folder on the way is a file: opening the folder says so)
        }
        return new Target(spelled, asked, real, root, attributes);
    }

    /** The allowed root {@code real} lies in (the deepest one), or null. */
    private Path rootOf(Path real) {
        Path found = null;
        List<Path> roots = new ArrayList<>(extraRoots.size() + 1);
        roots.add(workspace.root());
        roots.addAll(extraRoots);
        for (Path root : roots) {
            Path realRoot = realPath(root, 0);
            if (real.startsWith(realRoot) && (found == null || realRoot.getNameCount() > found.getNameCount())) {
                found = realRoot;
            }
        }
        return found;
    }

    /**
     * Follows symbolic links as the file system would on open: the existing part of the path to its real path, a
     * dangling link to where it points; the names that do not exist yet are kept.
     */
    private static Path realPath(Path absolute, int hops) {
        if (hops > MAX_LINK_HOPS) {
            throw new IllegalArgumentException(absolute + ": too many levels of symbolic links");
        }
        try {
            if (Files.exists(absolute)) { // cheap (no exception) for the common case of a path not there yet
                return absolute.toRealPath();
            }
        } catch (IOException gone) {
            // removed meanwhile: as if missing
        }
        try {
            if (Files.isSymbolicLink(absolute)) { // dangling: the file system would create where it points
                Path link = Files.readSymbolicLink(absolute);
                Path pointsTo = link.isAbsolute() ? link : realPath(absolute.getParent(), hops + 1).resolve(link);
                return realPath(pointsTo.normalize(), hops + 1);
            }
        } catch (IOException unreadable) {
            // as if missing
        }
        Path parent = absolute.getParent();
        return parent == null ? absolute : realPath(parent, hops).resolve(absolute.getFileName());
    }

    /**
     * Opens the folder of {@code target} by walking down from its root without following links; with
     * {@code create}, missing folders are made on the way.
     */
    Folder openFolder(Target target, boolean create) throws IOException {
        Path folder = target.path().getParent();
        if (create) {
            Files.createDirectories(target.root()); // SKILLS_DIR before its first skill; the workspace exists
        }
        DirectoryStream<Path> top = Files.newDirectoryStream(target.root());
        if (!(top instanceof SecureDirectoryStream)) {
            top.close();
            // No openat on this platform: path-based, still never writing through an existing file.
            if (create) {
                Files.createDirectories(folder);
            }
            return new PathFolder(target, folder);
        }
        SecureDirectoryStream<Path> current = (SecureDirectoryStream<Path>) top;
        Path at = target.root();
        try {
            for (Path name : folder.equals(target.root()) ? List.<Path>of() : target.root().relativize(folder)) {
                SecureDirectoryStream<Path> next;
                try {
                    next = descend(current, name, target, at);
                } catch (NoSuchFileException e) {
                    if (!create) {
                        throw e;
                    }
                    // No mkdirat in java.nio: made by path, then entered through the handle. Should a folder above
                    // have been swapped for a link, the new folder is not in the handle and nothing is written.
                    try {
                        Files.createDirectory(at.resolve(name));
                    } catch (FileAlreadyExistsException raced) {
                        // made meanwhile; descending checks what it is
                    }
                    try {
                        next = descend(current, name, target, at);
                    } catch (NoSuchFileException elsewhere) {
                        throw changed(target, elsewhere);
                    }
                }
                current.close();
                current = next;
                at = at.resolve(name);
            }
        } catch (IOException | RuntimeException e) {
            current.close();
            throw e;
        }
        return new SecureFolder(target, current);
    }

    /** Opens the folder {@code name} inside {@code current}, refusing a link (O_NOFOLLOW) and saying what it is instead. */
    private static SecureDirectoryStream<Path> descend(SecureDirectoryStream<Path> current, Path name, Target target,
                                                       Path at) throws IOException {
        try {
            return current.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw e;
        } catch (AccessDeniedException e) {
            throw new IllegalArgumentException(target.spelled() + ": permission denied on the folder "
                    + target.root().relativize(at.resolve(name)));
        } catch (FileSystemException e) {
            BasicFileAttributes entry;
            try {
                entry = current.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                        .readAttributes();
            } catch (IOException gone) {
                throw changed(target, e);
            }
            if (entry.isSymbolicLink() || entry.isDirectory()) {
                throw changed(target, e);
            }
            throw new IllegalArgumentException(target.spelled() + ": " + target.root().relativize(at.resolve(name))
                    + " is a file, not a folder");
        }
    }

    private static IllegalArgumentException changed(Target target, Exception cause) {
        return new IllegalArgumentException(target.spelled() + " changed while it was being opened (a folder on the "
                + "way became a link); nothing was done. Try again.");
    }

    /** One folder, opened once; names inside it are never followed when they are links. */
    abstract static class Folder implements AutoCloseable {

        final Target target;

        Folder(Target target) {
            this.target = target;
        }

        /** The entry's attributes, not following a link ({@link PosixFileAttributes} where supported); null if absent. */
        abstract BasicFileAttributes attributes(String name) throws IOException;

        abstract SeekableByteChannel openForReading(String name) throws IOException;

        abstract SeekableByteChannel createNew(String name) throws IOException;

        abstract void setPermissions(String name, Set<PosixFilePermission> permissions) throws IOException;

        abstract void rename(String from, String to) throws IOException;

        abstract void delete(String name) throws IOException;

        @Override
        public abstract void close() throws IOException;

        /**
         * Opens the checked file for reading: still a regular file, still the same file (identity) as when it was
         * checked, before and after the open.
         */
        SeekableByteChannel openChecked() throws IOException {
            Object key = target.fileKey();
            BasicFileAttributes before = attributes(target.name());
            if (before == null || !before.isRegularFile() || !Objects.equals(before.fileKey(), key)) {
                throw replaced();
            }
            SeekableByteChannel channel;
            try {
                channel = openForReading(target.name());
            } catch (AccessDeniedException e) {
                throw new IllegalArgumentException(target.spelled() + ": permission denied");
            } catch (IOException e) { // a link now (O_NOFOLLOW: ELOOP), or gone
                throw replaced();
            }
            BasicFileAttributes after = attributes(target.name());
            if (after == null || !Objects.equals(after.fileKey(), key)) {
                channel.close();
                throw replaced();
            }
            return channel;
        }

        /** The checked file's bytes, read through {@link #openChecked()}. */
        byte[] readChecked() throws IOException {
            try (SeekableByteChannel channel = openChecked()) {
                return Channels.newInputStream(channel).readAllBytes();
            }
        }

        /**
         * Writes {@code bytes} as the file's new content: a new file beside it, with the old file's permissions,
         * renamed over the name.
         */
        void replace(byte[] bytes) throws IOException {
            String name = target.name();
            BasicFileAttributes existing = attributes(name);
            if (existing != null && existing.isDirectory()) {
                throw new IllegalArgumentException(target.spelled() + " is a directory");
            }
            if (existing != null && existing.isRegularFile() && !Files.isWritable(target.path())) {
                // A rename could replace it anyway (the folder is writable): respect the file's own permissions.
                throw new IllegalArgumentException(target.spelled() + " is not writable (its permissions); not changed");
            }
            Set<PosixFilePermission> permissions = existing instanceof PosixFileAttributes posix
                    && existing.isRegularFile() ? posix.permissions() : null;
            String temporary = (name.length() > 200 ? "" : "." + name) + ".cortana-"
                    + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp";
            boolean renamed = false;
            try {
                try (SeekableByteChannel channel = createNew(temporary)) {
                    ByteBuffer buffer = ByteBuffer.wrap(bytes);
                    while (buffer.hasRemaining()) {
                        channel.write(buffer);
                    }
                }
                if (permissions != null) {
                    setPermissions(temporary, permissions);
                }
                rename(temporary, name);
                renamed = true;
            } finally {
                if (!renamed) {
                    try {
                        delete(temporary);
                    } catch (IOException ignored) {
                        // never created, or already gone
                    }
                }
            }
        }

        private IllegalArgumentException replaced() {
            return new IllegalArgumentException(target.spelled() + " was replaced while it was being opened; "
                    + "nothing was done. Try again.");
        }
    }

    private static final class SecureFolder extends Folder {

        private final SecureDirectoryStream<Path> directory;

        SecureFolder(Target target, SecureDirectoryStream<Path> directory) {
            super(target);
            this.directory = directory;
        }

        @Override
        BasicFileAttributes attributes(String name) throws IOException {
            try {
                return directory.getFileAttributeView(Path.of(name), PosixFileAttributeView.class,
                        LinkOption.NOFOLLOW_LINKS).readAttributes();
            } catch (NoSuchFileException e) {
                return null;
            }
        }

        @Override
        SeekableByteChannel openForReading(String name) throws IOException {
            return directory.newByteChannel(Path.of(name), Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
        }

        @Override
        SeekableByteChannel createNew(String name) throws IOException {
            return directory.newByteChannel(Path.of(name), EnumSet.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE));
        }

        @Override
        void setPermissions(String name, Set<PosixFilePermission> permissions) throws IOException {
            directory.getFileAttributeView(Path.of(name), PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .setPermissions(permissions);
        }

        @Override
        void rename(String from, String to) throws IOException {
            directory.move(Path.of(from), directory, Path.of(to));
        }

        @Override
        void delete(String name) throws IOException {
            directory.deleteFile(Path.of(name));
        }

        @Override
        public void close() throws IOException {
            directory.close();
        }
    }

    /** For platforms without {@code openat}: the same steps by path. */
    private static final class PathFolder extends Folder {

        private final Path folder;

        PathFolder(Target target, Path folder) {
            super(target);
            this.folder = folder;
        }

        @Override
        BasicFileAttributes attributes(String name) throws IOException {
            Path file = folder.resolve(name);
            try {
                return Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (UnsupportedOperationException e) {
                return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                return null;
            }
        }

        @Override
        SeekableByteChannel openForReading(String name) throws IOException {
            return Files.newByteChannel(folder.resolve(name), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        }

        @Override
        SeekableByteChannel createNew(String name) throws IOException {
            return Files.newByteChannel(folder.resolve(name), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }

        @Override
        void setPermissions(String name, Set<PosixFilePermission> permissions) throws IOException {
            Files.setPosixFilePermissions(folder.resolve(name), permissions);
        }

        @Override
        void rename(String from, String to) throws IOException {
            Files.move(folder.resolve(from), folder.resolve(to), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }

        @Override
        void delete(String name) throws IOException {
            Files.deleteIfExists(folder.resolve(name));
        }

        @Override
        public void close() {
        }
    }
}
