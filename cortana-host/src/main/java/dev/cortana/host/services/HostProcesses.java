package dev.cortana.host.services;

import dev.cortana.api.SandboxedProcesses;
import dev.cortana.api.Workspace;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SandboxedProcesses} for one plugin: bubblewrap when it works here (probed once per JVM), else a plain child
 * process with a watchdog. Every process is started from one long-lived launcher thread, because bwrap's
 * {@code --die-with-parent} (PR_SET_PDEATHSIG) fires when the <em>thread</em> that forked it ends, not only the JVM.
 * {@link #close()} (the plugin stops) and a JVM shutdown hook kill what is still running.
 */
public final class HostProcesses implements SandboxedProcesses, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HostProcesses.class);

    static final Set<String> BASIC_VARIABLES =
            Set.of("PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LANGUAGE", "TERM", "TZ");
    private static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";

    private static final ExecutorService LAUNCHER = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "cortana-process-launcher");
        thread.setDaemon(true);
        return thread;
    });
    private static final Set<Process> ALL = ConcurrentHashMap.newKeySet();
    private static volatile Probe probe;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> ALL.forEach(HostProcesses::kill),
                "cortana-process-reaper"));
    }

    private final String pluginId;
    private final Workspace workspace;
    private final Set<Process> started = ConcurrentHashMap.newKeySet();

    public HostProcesses(String pluginId, Workspace workspace) {
        this.pluginId = Objects.requireNonNull(pluginId, "pluginId");
        this.workspace = Objects.requireNonNull(workspace, "workspace");
    }

    @Override
    public Process start(List<String> command, Map<String, String> environment, Path workingDirectory)
            throws IOException {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("command is empty");
        }
        Map<String, String> env = environment(environment);
        Probe sandbox = probe();
        List<String> argv = sandbox.bwrap().isPresent()
                ? bwrapCommand(sandbox.bwrap().get(), command, workingDirectory)
                : command;
        ProcessBuilder builder = new ProcessBuilder(argv).directory(workingDirectory.toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        if (sandbox.bwrap().isEmpty()) {
            resolveProgram(builder, env);
        }
        Process process = launch(builder);
        started.add(process);
        ALL.add(process);
        process.onExit().thenRun(() -> {
            started.remove(process);
            ALL.remove(process);
        });
        if (sandbox.bwrap().isEmpty()) {
            startWatchdog(process);
        }
        log.info("Plugin {} started {} (pid {}) {}", pluginId, command.get(0), process.pid(), description());
        return process;
    }

    @Override
    public boolean sandboxed() {
        return probe().bwrap().isPresent();
    }

    @Override
    public String description() {
        Probe p = probe();
        return p.bwrap().isPresent() ? "in a bubblewrap sandbox" : "WITHOUT a sandbox: " + p.reason();
    }

    /** Kills every process this plugin started that is still running. */
    @Override
    public void close() {
        for (Process process : List.copyOf(started)) {
            kill(process);
        }
    }

    static Map<String, String> environment(Map<String, String> requested) {
        Map<String, String> env = new HashMap<>();
        System.getenv().forEach((name, value) -> {
            if (BASIC_VARIABLES.contains(name) || name.startsWith("LC_")) {
                env.put(name, value);
            }
        });
        env.putIfAbsent("PATH", DEFAULT_PATH);
        env.putAll(requested);
        return env;
    }

    private List<String> bwrapCommand(Path bwrap, List<String> command, Path workingDirectory) throws IOException {
        Path root = workspace.root().toRealPath();
        List<String> argv = new ArrayList<>(List.of(bwrap.toString(),
                "--die-with-parent", "--new-session",
                "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
                "--cap-drop", "ALL",
                "--ro-bind", "/", "/",
                "--dev", "/dev",
                "--proc", "/proc",
                "--tmpfs", "/tmp"));
        record Mount(Path target, String option, String source) { }
        List<Mount> mounts = new ArrayList<>();
        mounts.add(new Mount(root, "--bind", root.toString()));
        for (Path file : workspace.readOnlyFiles()) {
            real(file).ifPresent(p -> mounts.add(new Mount(p, "--ro-bind", p.toString())));
        }
        List<Path> emptyFolders = new ArrayList<>();
        for (Path secret : workspace.privatePaths()) {
            Optional<Path> p = real(secret);
            if (p.isEmpty() || p.get().getNameCount() == 0) {
                continue;
            }
            if (Files.isDirectory(p.get())) {
                mounts.add(new Mount(p.get(), "--tmpfs", null));
                emptyFolders.add(p.get());
            } else {
                mounts.add(new Mount(p.get(), "--ro-bind", "/dev/null"));
            }
        }
        mounts.sort(Comparator.comparingInt(m -> m.target().getNameCount()));
        for (Mount mount : mounts) {
            argv.add(mount.option());
            if (mount.source() != null) {
                argv.add(mount.source());
            }
            argv.add(mount.target().toString());
        }
        for (Path folder : emptyFolders) {
            argv.addAll(List.of("--remount-ro", folder.toString()));
        }
        argv.addAll(List.of("--chdir", workingDirectory.toAbsolutePath().toString(), "--"));
        argv.addAll(command);
        return argv;
    }

    private static Optional<Path> real(Path path) {
        try {
            return Files.exists(path) ? Optional.of(path.toRealPath()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Without bwrap the child's PATH (the entry's own, if it names one) decides which program runs, as in a shell. */
    private static void resolveProgram(ProcessBuilder builder, Map<String, String> env) {
        String program = builder.command().get(0);
        if (program.contains("/")) {
            return;
        }
        for (String dir : env.getOrDefault("PATH", DEFAULT_PATH).split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                List<String> command = new ArrayList<>(builder.command());
                command.set(0, candidate.toString());
                builder.command(command);
                return;
            }
        }
    }

    private static Process launch(ProcessBuilder builder) throws IOException {
        Future<Process> future = LAUNCHER.submit(builder::start);
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            throw new IOException("interrupted while starting " + builder.command().get(0), e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IOException("could not start " + builder.command().get(0) + " within 30 s", e);
        }
    }

    /**
     * A plain child is not killed with a SIGKILLed JVM: this {@code sh} loop (not a child of the server, and not
     * sharing its pipes) watches both and ends the server, with its descendants, once Cortana is gone.
     */
    private static void startWatchdog(Process process) {
        long jvm = ProcessHandle.current().pid();
        String script = "while kill -0 \"$0\" 2>/dev/null && kill -0 \"$1\" 2>/dev/null; do sleep 0.5; done; "
                + "kill -0 \"$1\" 2>/dev/null || exit 0; pkill -TERM -P \"$1\"; kill -TERM \"$1\"; sleep 1; "
                + "pkill -KILL -P \"$1\"; kill -KILL \"$1\" 2>/dev/null";
        ProcessBuilder watchdog = new ProcessBuilder("sh", "-c", script, Long.toString(jvm),
                Long.toString(process.pid()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        try {
            Process dog = launch(watchdog);
            process.onExit().thenRun(dog::destroy);
        } catch (IOException e) {
            log.warn("No watchdog for pid {} ({}): it may outlive Cortana if Cortana is killed", process.pid(),
                    e.getMessage());
        }
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(2, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private static Probe probe() {
        Probe p = probe;
        if (p == null) {
            synchronized (HostProcesses.class) {
                if (probe == null) {
                    probe = Probe.run();
                }
                p = probe;
            }
        }
        return p;
    }

    /** Whether bwrap runs a trivial command in the sandbox here; {@code CORTANA_PROCESS_SANDBOX=off} skips it. */
    private record Probe(Optional<Path> bwrap, String reason) {
        static Probe run() {
            if ("off".equalsIgnoreCase(System.getProperty("cortana.process.sandbox",
                    System.getenv().getOrDefault("CORTANA_PROCESS_SANDBOX", "")))) {
                return new Probe(Optional.empty(), "switched off (CORTANA_PROCESS_SANDBOX=off)");
            }
            Optional<Path> bwrap = java.util.Arrays.stream(
                            System.getenv().getOrDefault("PATH", DEFAULT_PATH).split(File.pathSeparator))
                    .map(dir -> Path.of(dir.isEmpty() ? "." : dir, "bwrap"))
                    .filter(Files::isExecutable).findFirst();
            if (bwrap.isEmpty()) {
                return new Probe(Optional.empty(), "bubblewrap (bwrap) is not installed");
            }
            try {
                Process test = launch(new ProcessBuilder(bwrap.get().toString(), "--die-with-parent",
                        "--unshare-pid", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
                        "--", "true").redirectErrorStream(true));
                if (!test.waitFor(5, TimeUnit.SECONDS)) {
                    test.destroyForcibly();
                    return new Probe(Optional.empty(), "bwrap did not answer within 5 s");
                }
                String output = new String(test.getInputStream().readAllBytes()).trim();
                if (test.exitValue() != 0) {
                    return new Probe(Optional.empty(), "bubblewrap does not work here: "
                            + (output.isEmpty() ? "exit " + test.exitValue() : output.lines().findFirst().orElse("")));
                }
                return new Probe(bwrap, "");
            } catch (IOException e) {
                return new Probe(Optional.empty(), "bwrap could not start: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Probe(Optional.empty(), "interrupted while checking bwrap");
            }
        }
    }
}
