package dev.cortana.host.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What runs in, and what an earlier run left in, the embedded PostgreSQL's data directory: its postmaster and
 * backends (found by their working directory under {@code /proc}), and the recovery that makes the directory
 * startable after a run that was killed. {@link EmbeddedPostgresServer} starts, supervises and stops the server.
 */
final class PostgresDataDirectory {

    /** EmbeddedPostgresServer's logger: the log lines keep the name users know and filter on. */
    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);

    /** zonky's lock file in the data directory, held (an OS file lock) by the process running the server. */
    static final String LOCK_FILE = "epg-lock";
    static final String PID_FILE = "postmaster.pid";
    /** Written by the postmaster at each start: its presence proves the server once ran on the directory. */
    private static final String OPTS_FILE = "postmaster.opts";
    private static final Duration FAST_SHUTDOWN_WAIT = Duration.ofSeconds(15);
    private static final Duration IMMEDIATE_SHUTDOWN_WAIT = Duration.ofSeconds(5);

    private PostgresDataDirectory() {
    }

    /** The postmaster that {@code postmaster.pid} names, if it is alive. */
    static Optional<ProcessHandle> readPostmaster(Path data) {
        try {
            List<String> lines = Files.readAllLines(data.resolve(PID_FILE), StandardCharsets.UTF_8);
            return ProcessHandle.of(Math.abs(Long.parseLong(lines.get(0).strip())));
        } catch (IOException | RuntimeException e) {
            log.debug("Cannot read the postmaster's pid in {}: {}", data, e.toString());
            return Optional.empty();
        }
    }

    /**
     * Waits until no process works in {@code data} any more (a postmaster's backends have the data directory as their
     * working directory); after a {@code kill -9} of the postmaster they notice and exit within milliseconds. Those
     * still there after {@code wait} are killed: they belong to a dead server and would block the new one.
     */
    static void awaitBackendsGone(Path data, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        List<ProcessHandle> left = processesIn(data);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            left = processesIn(data);
        }
        for (ProcessHandle process : left) {
            log.warn("Killing process {}, left over from the embedded PostgreSQL that stopped", process.pid());
            process.destroyForcibly();
        }
    }

    private static List<ProcessHandle> processesIn(Path data) {
        Path proc = Path.of("/proc");
        if (!Files.isDirectory(proc)) {
            return List.of(); // not Linux: PostgreSQL's own shared-memory check guards the start
        }
        long self = ProcessHandle.current().pid();
        return ProcessHandle.allProcesses()
                .filter(p -> p.pid() != self && running(p))
                .filter(p -> {
                    try {
                        Path cwd = proc.resolve(Long.toString(p.pid())).resolve("cwd");
                        return Files.isSameFile(cwd, data);
                    } catch (IOException | SecurityException e) {
                        return false;
                    }
                })
                .toList();
    }

    // Recovering from an earlier run that was killed

    /**
     * Makes {@code data} startable after an earlier run that did not stop cleanly. Never deletes data: a server
     * left running is shut down (PostgreSQL writes everything committed before it exits), a stale pid file is
     * removed, and a directory on which the server never ran is moved aside.
     */
    static void recoverFromEarlierRun(Path data) throws IOException {
        if (!Files.isDirectory(data)) {
            return;
        }
        Path lockFile = data.resolve(LOCK_FILE);
        if (Files.exists(lockFile)) {
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
                 FileLock lock = channel.tryLock()) {
                if (lock == null) {
                    throw inUse(data);
                }
                stopLeftoverServer(data);
            } catch (OverlappingFileLockException e) {
                throw inUse(data);
            }
        } else {
            stopLeftoverServer(data);
        }
        moveAsideIfNeverStarted(data);
    }

    private static DatabaseUnavailableException inUse(Path data) {
        return new DatabaseUnavailableException("The embedded PostgreSQL's data directory " + data + " is in use by "
                + "another running Cortana (or another program). Stop it first, or give this one another workspace "
                + "(WORKSPACE_DIR).");
    }

    private static void stopLeftoverServer(Path data) throws IOException {
        Path pidFile = data.resolve(PID_FILE);
        List<String> lines;
        try {
            lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return;
        }
        long pid;
        try {
            pid = Math.abs(Long.parseLong(lines.get(0).strip()));
        } catch (RuntimeException e) {
            log.warn("Removing the unreadable {} left in {}", PID_FILE, data);
            Files.deleteIfExists(pidFile);
            return;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(PostgresDataDirectory::running);
        if (process.isEmpty() || !isPostmasterOf(process.get(), data)) {
            log.info("Removing the stale {} (pid {}) left in {} by an earlier run", PID_FILE, pid, data);
            Files.deleteIfExists(pidFile);
            return;
        }
        log.warn("The PostgreSQL server (pid {}) of an earlier run that did not stop is still running on {}: "
                + "stopping it", pid, data);
        long started = System.nanoTime();
        signal(process.get(), "INT"); // fast shutdown: rolls back open transactions, checkpoints, exits
        if (!awaitStopped(process.get(), pidFile, FAST_SHUTDOWN_WAIT)) {
            log.warn("PostgreSQL (pid {}) did not stop within {} s: asking for an immediate shutdown", pid,
                    FAST_SHUTDOWN_WAIT.toSeconds());
            signal(process.get(), "QUIT"); // immediate shutdown: the next start recovers from the WAL
            if (!awaitStopped(process.get(), pidFile, IMMEDIATE_SHUTDOWN_WAIT)) {
                throw new DatabaseUnavailableException("The PostgreSQL server (pid " + pid + ") left running on "
                        + data + " by an earlier run does not stop. Stop it (kill " + pid + ") and start again.");
            }
        }
        log.info("Stopped the leftover PostgreSQL server (pid {}) in {} ms", pid,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    /**
     * Whether {@code process} is the postmaster serving {@code data}: a postmaster's working directory is its data
     * directory. A process we cannot inspect is assumed not to be (its pid file is then removed, and PostgreSQL
     * itself refuses to start if a server really runs there).
     */
    private static boolean isPostmasterOf(ProcessHandle process, Path data) {
        try {
            Path cwd = Path.of("/proc", Long.toString(process.pid()), "cwd");
            if (Files.exists(cwd)) {
                return Files.isSameFile(cwd, data);
            }
        } catch (IOException | SecurityException e) {
            // not Linux, or not allowed: fall back on the command line
        }
        ProcessHandle.Info info = process.info();
        return info.command().map(c -> c.endsWith("postgres")).orElse(false)
                && info.commandLine().map(c -> c.contains(data.toString())).orElse(false);
    }

    /** Alive and not a zombie (the postmaster's parent, often init, may reap it late). */
    static boolean running(ProcessHandle process) {
        if (!process.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            int end = stat.lastIndexOf(')');
            return end < 0 || end + 2 >= stat.length() || stat.charAt(end + 2) != 'Z';
        } catch (IOException | SecurityException e) {
            return process.isAlive();
        }
    }

    private static void signal(ProcessHandle process, String signal) {
        try {
            // Java can only send TERM and KILL; the shell's kill builtin is everywhere sh is
            Process kill = new ProcessBuilder("sh", "-c", "kill -" + signal + " " + process.pid())
                    .redirectErrorStream(true).start();
            if (kill.waitFor(5, TimeUnit.SECONDS) && kill.exitValue() == 0) {
                return;
            }
        } catch (IOException e) {
            log.debug("kill -{} {} failed", signal, process.pid(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroy(); // SIGTERM: PostgreSQL's "smart" shutdown
    }

    /** Like {@code pg_ctl stop}: the server has stopped once its pid file is gone or the process has exited. */
    private static boolean awaitStopped(ProcessHandle process, Path pidFile, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!Files.exists(pidFile) || !running(process)) {
                return true;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /**
     * A non-empty data directory on which the server never ran is what an interrupted {@code initdb} leaves; it
     * holds no data, but {@code initdb} will not run on a non-empty directory and the server cannot start on it.
     */
    private static void moveAsideIfNeverStarted(Path data) throws IOException {
        if (isEmpty(data) || Files.exists(data.resolve(OPTS_FILE))) {
            return;
        }
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT));
        Path aside = data.resolveSibling(data.getFileName() + ".incomplete-" + stamp);
        try {
            Files.move(data, aside);
        } catch (FileAlreadyExistsException e) {
            aside = data.resolveSibling(aside.getFileName() + "-" + System.nanoTime());
            Files.move(data, aside);
        }
        log.warn("{} holds an unfinished PostgreSQL initialisation (an earlier first start was interrupted): moved "
                + "it to {} (it holds no data; delete it) and initialising again", data, aside);
    }

    static boolean isEmpty(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (NoSuchFileException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
