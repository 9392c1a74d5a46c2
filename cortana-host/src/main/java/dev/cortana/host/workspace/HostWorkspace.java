package dev.cortana.host.workspace;

import dev.cortana.api.Workspace;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
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
            List.of(".postgres", ".conversation_cache", "logs", "key_usage.json");

    private final Path root;
    private final List<Path> privatePaths;

    private HostWorkspace(Path root, List<Path> privatePaths) {
        this.root = root;
        this.privatePaths = List.copyOf(privatePaths);
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
        return new HostWorkspace(absolute, PRIVATE_IN_WORKSPACE.stream().map(absolute::resolve).toList());
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
        return new HostWorkspace(root, new ArrayList<>(all));
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

    @Override
    public boolean isReadOnly(Path path) {
        Path real = realPath(root.resolve(path).toAbsolutePath().normalize());
        Path realRoot = realPath(root);
        for (String name : READ_ONLY) {
            if (real.equals(realRoot.resolve(name))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean isPrivate(Path path) {
        Path real = realPath(root.resolve(path).toAbsolutePath().normalize());
        for (Path secret : privatePaths) {
            if (real.startsWith(realPath(secret))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Follows symbolic links as far as the file system allows, so a link (or a link to a parent folder) cannot
     * disguise a protected file; for a path that does not exist yet, its nearest existing parent is resolved.
     */
    private static Path realPath(Path path) {
        Path existing = path;
        Path rest = null;
        while (existing != null && !Files.exists(existing)) {
            Path name = existing.getFileName();
            rest = rest == null ? name : name.resolve(rest);
            existing = existing.getParent();
        }
        if (existing == null) {
            return path;
        }
        try {
            Path real = existing.toRealPath();
            return rest == null ? real : real.resolve(rest).normalize();
        } catch (IOException e) {
            return path;
        }
    }
}
