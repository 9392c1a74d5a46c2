package dev.cortana.plugins.coding;

import dev.cortana.api.Workspace;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bubblewrap ({@code bwrap}) sandbox {@code execute_bash} runs in: its own PID namespace with a fresh
 * {@code /proc} (no process of Cortana to read or signal), no capabilities, a new session (no terminal to inject
 * input into), the whole file system read-only, a private {@code /tmp}, the workspace writable except
 * {@code IDENTITY.md} and {@code TOOLS.md} (read-only bind mounts), and every {@linkplain Workspace#privatePaths()
 * private path} hidden (an empty read-only folder over a folder, {@code /dev/null} over a file). The environment is
 * built from an {@linkplain #ALLOWED_VARIABLES allow-list}. When the command ends or is killed, the sandbox's first
 * process dies and the kernel kills everything else in its PID namespace, background jobs included.
 *
 * <p>A path that does not exist when a command starts cannot be covered by a mount (bwrap would create it on the
 * real disk as a mount point). A missing read-only file is left out, and whatever the command put at its name is
 * moved aside when the command is over ({@link #moveAsideCreated}): Cortana only creates the prompt files at
 * start-up, so anything new there came from the command. A missing private path is skipped: Cortana creates its own
 * state before the first command can run (database folder, logs, conversation cache, and the ledger with the first
 * model answer), and a missing settings file in a working directory outside the workspace cannot be created, as the
 * file system is read-only there.
 */
final class BashSandbox {

    private static final Logger log = LoggerFactory.getLogger(BashSandbox.class);

    /** Passed on from Cortana's environment; everything else is left out. */
    static final Set<String> ALLOWED_VARIABLES =
            Set.of("PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LANGUAGE", "TERM", "COLORTERM", "TZ");
    private static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";
    private static final File NULL_DEVICE = new File("/dev/null");
    private static final long PROBE_TIMEOUT_SECONDS = 5;

    private final Path bwrap;
    private final Workspace workspace;
    private final boolean network;

    BashSandbox(Path bwrap, Workspace workspace, boolean network) {
        this.bwrap = bwrap;
        this.workspace = workspace;
        this.network = network;
    }

    /** The command line that runs {@code bash -c command} in the sandbox, from the workspace. */
    List<String> command(String command) throws IOException {
        Path root = workspace.root().toRealPath();
        List<String> argv = new ArrayList<>(List.of(bwrap.toString(),
                "--die-with-parent", "--new-session",
                "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"));
        if (!network) {
            argv.add("--unshare-net");
        }
        argv.addAll(List.of("--cap-drop", "ALL",
                "--ro-bind", "/", "/",
                "--dev", "/dev",
                "--proc", "/proc",
                "--tmpfs", "/tmp"));
        // A mount only changes what lies under its path: applied from the shallowest path to the deepest (and in
        // this order for the same path), a private folder that holds the workspace hides the rest of that folder
        // only, and the masks inside the workspace win over its writable bind.
        List<Mount> mounts = new ArrayList<>();
        mounts.add(new Mount(root, "--bind", root.toString()));
        for (Path file : workspace.readOnlyFiles()) {
            existing(file).ifPresent(real -> mounts.add(new Mount(real, "--ro-bind", real.toString())));
        }
        // Cortana writes the full output of long commands here while they run: readable, but the command can
        // neither write into it nor swap the folder for a link that would send Cortana's writes elsewhere.
        Path outputFolder = root.resolve(BashOutputFiles.FOLDER);
        if (Files.isDirectory(outputFolder, LinkOption.NOFOLLOW_LINKS)) {
            mounts.add(new Mount(outputFolder, "--ro-bind", outputFolder.toString()));
        }
        List<Path> emptyFolders = new ArrayList<>();
        for (Path secret : workspace.privatePaths()) {
            Optional<Path> real = existing(secret);
            if (real.isEmpty() || real.get().getNameCount() == 0) {
                continue;
            }
            if (Files.isDirectory(real.get())) {
                mounts.add(new Mount(real.get(), "--tmpfs", null));
                emptyFolders.add(real.get());
            } else {
                mounts.add(new Mount(real.get(), "--ro-bind", "/dev/null"));
            }
        }
        mounts.sort(Comparator.comparingInt(mount -> mount.target().getNameCount()));
        for (Mount mount : mounts) {
            argv.add(mount.option());
            if (mount.source() != null) {
                argv.add(mount.source());
            }
            argv.add(mount.target().toString());
        }
        // Last, so that mounts below these folders could still create their mount points.
        for (Path folder : emptyFolders) {
            argv.addAll(List.of("--remount-ro", folder.toString()));
        }
        argv.addAll(List.of("--chdir", root.toString(), "--", "bash", "-c", command));
        return argv;
    }

    /**
     * Gives each read-only file that has other names (a hard link made while the sandbox was off, or by hand) a
     * fresh inode with the same content and permissions, so that no other name reaches the prompt file: inside the
     * sandbox a hard link is just another workspace file, writable. Costs one {@code stat} per file when there is
     * nothing to do.
     */
    void separateHardLinks() {
        for (Path file : workspace.readOnlyFiles()) {
            try {
                if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
                        || ((Number) Files.getAttribute(file, "unix:nlink", LinkOption.NOFOLLOW_LINKS)).intValue() <= 1) {
                    continue;
                }
                Path copy = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".unlinked");
                try {
                    Files.copy(file, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                            java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                    Files.move(copy, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                } finally {
                    Files.deleteIfExists(copy);
                }
                log.warn("execute_bash: {} had other names (hard links); it now has a file of its own, and the other "
                        + "names keep the old copy", file);
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
                log.warn("execute_bash: could not check {} for hard links: {}", file, e.toString());
            }
        }
    }

    /** The read-only files that are missing now: nothing there, not even a link. */
    List<Path> missingReadOnlyFiles() {
        return workspace.readOnlyFiles().stream()
                .filter(file -> !Files.exists(file, LinkOption.NOFOLLOW_LINKS)).toList();
    }

    /**
     * After the command (everything in the sandbox has exited): moves what now stands at the names of
     * {@code missing} aside to {@code <name>.created-by-execute_bash}, so it never becomes a prompt file.
     *
     * @return what the command is told, one sentence per file; empty when it created none
     */
    List<String> moveAsideCreated(List<Path> missing) {
        List<String> notes = new ArrayList<>();
        for (Path file : missing) {
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            Path aside = file.resolveSibling(file.getFileName() + ".created-by-execute_bash");
            try {
                deleteIfPresent(aside);
                Files.move(file, aside, LinkOption.NOFOLLOW_LINKS);
                log.warn("execute_bash: a command created the read-only {}; moved aside to {}", file, aside);
                notes.add(file.getFileName() + " is read-only: what this command created there was moved to "
                        + aside.getFileName() + ".");
            } catch (IOException e) {
                log.error("execute_bash: a command created the read-only {} and it could not be moved aside: {}",
                        file, e.toString());
                notes.add(file.getFileName() + " is read-only, but what this command created there could not be "
                        + "moved aside: remove it.");
            }
        }
        return notes;
    }

    private static void deleteIfPresent(Path path) throws IOException {
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            try (var inside = Files.walk(path)) {
                for (Path each : inside.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(each);
                }
            }
        } else {
            Files.deleteIfExists(path);
        }
    }

    /** The variables a sandboxed command gets: the allow-listed ones of {@code parent}, and {@code LC_*}. */
    static Map<String, String> environment(Map<String, String> parent) {
        Map<String, String> allowed = new LinkedHashMap<>();
        parent.forEach((name, value) -> {
            if (ALLOWED_VARIABLES.contains(name) || name.startsWith("LC_")) {
                allowed.put(name, value);
            }
        });
        BashRunner.withoutSecrets(allowed);
        allowed.putIfAbsent("PATH", DEFAULT_PATH);
        return allowed;
    }

    private static Optional<Path> existing(Path path) {
        try {
            return Optional.of(path.toRealPath());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** One bwrap mount option: {@code option [source] target}. */
    private record Mount(Path target, String option, String source) {
    }

    /** Whether the sandbox is in force, and what the user is told about it. */
    record Decision(Optional<BashSandbox> sandbox, boolean offerBash, String note) {
    }

    /**
     * Decides once, at plugin start, how commands run: for {@code auto} and {@code required} bwrap is looked up on
     * {@code PATH} and tried with a trivial command in the full sandbox (inside a container, namespaces or mounts
     * may be refused).
     */
    static Decision decide(SandboxSettings settings, Workspace workspace, Map<String, String> environment) {
        if (settings.mode() == SandboxSettings.Mode.OFF) {
            return new Decision(Optional.empty(), true,
                    "execute_bash runs without a sandbox (BASH_SANDBOX=off): commands can read and write everything "
                            + "Cortana's user can");
        }
        Optional<Path> bwrap = find(environment.getOrDefault("PATH", DEFAULT_PATH));
        String problem;
        if (bwrap.isEmpty()) {
            problem = "bwrap (bubblewrap) is not installed";
        } else {
            BashSandbox sandbox = new BashSandbox(bwrap.get(), workspace, settings.network());
            Optional<String> failure = sandbox.probe(environment);
            if (failure.isEmpty()) {
                return new Decision(Optional.of(sandbox), true, "execute_bash runs in a bubblewrap sandbox (network "
                        + (settings.network() ? "on" : "off") + ")");
            }
            problem = "bubblewrap does not work here: " + failure.get();
        }
        if (settings.mode() == SandboxSettings.Mode.REQUIRED) {
            return new Decision(Optional.empty(), false, "execute_bash is not offered: BASH_SANDBOX=required, but "
                    + problem);
        }
        return new Decision(Optional.empty(), true, "execute_bash runs WITHOUT a sandbox: " + problem
                + " (BASH_SANDBOX=auto; commands can read and write everything Cortana's user can)");
    }

    /** Runs {@code true} in the sandbox; empty when that worked, else bwrap's complaint. */
    Optional<String> probe(Map<String, String> parentEnvironment) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command("true"))
                    .redirectErrorStream(true).redirectInput(NULL_DEVICE);
            builder.environment().clear();
            builder.environment().putAll(environment(parentEnvironment));
            Process process = builder.start();
            if (!process.waitFor(PROBE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return Optional.of("a trivial command did not finish within " + PROBE_TIMEOUT_SECONDS + " seconds");
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (process.exitValue() == 0) {
                return Optional.empty();
            }
            String firstLine = output.lines().findFirst().orElse("exit code " + process.exitValue());
            return Optional.of(firstLine.length() > 200 ? firstLine.substring(0, 200) + "..." : firstLine);
        } catch (IOException e) {
            return Optional.of("cannot run " + bwrap + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while trying it");
        }
    }

    /** The first executable {@code bwrap} on {@code path} (absolute entries only). */
    static Optional<Path> find(String path) {
        for (String entry : path.split(File.pathSeparator)) {
            if (entry.startsWith("/")) {
                Path candidate = Path.of(entry, "bwrap");
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }
}
