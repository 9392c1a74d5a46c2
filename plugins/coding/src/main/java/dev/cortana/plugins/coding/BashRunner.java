package dev.cortana.plugins.coding;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@code bash -c} and streams its output into a {@link TailBuffer}: in the {@link BashSandbox} when one is in
 * force (everything it started dies with it, on timeout and at its normal end), else in its own session (so in its
 * own process group) with the secret-looking variables of Cortana's environment left out; on timeout or interruption
 * that process group is killed. When the output is longer than the limits, all of it (up to
 * {@link #MAX_SAVED_BYTES}) goes to a file.
 */
final class BashRunner {

    private static final Logger log = LoggerFactory.getLogger(BashRunner.class);
    /** A command printing gigabytes must not fill the disk either; the tail is in the result anyway. */
    static final long MAX_SAVED_BYTES = 64L * 1024 * 1024;
    private static final boolean HAS_SETSID = new File("/usr/bin/setsid").canExecute() || new File("/bin/setsid").canExecute();
    private static final File NULL_DEVICE = new File("/dev/null");
    private static final Pattern SECRET_NAME =
            Pattern.compile("(?i).*(API_KEY|APIKEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL).*|DATABASE_URL");

    private final Path workingDirectory;
    private final int maxLines;
    private final int maxBytes;
    private final BashOutputFiles outputFiles;
    private final Optional<BashSandbox> sandbox;
    private final Map<String, String> parentEnvironment;

    BashRunner(Path workingDirectory, int maxLines, int maxBytes) {
        this(workingDirectory, maxLines, maxBytes, Optional.empty(), System.getenv());
    }

    /**
     * @param sandbox           where commands run; empty: unsandboxed, in their own process group
     * @param parentEnvironment the environment commands start from (Cortana's own), filtered before use
     */
    BashRunner(Path workingDirectory, int maxLines, int maxBytes, Optional<BashSandbox> sandbox,
               Map<String, String> parentEnvironment) {
        this.workingDirectory = workingDirectory;
        this.maxLines = maxLines;
        this.maxBytes = maxBytes;
        this.outputFiles = new BashOutputFiles(workingDirectory, Clock.systemUTC());
        this.sandbox = sandbox;
        this.parentEnvironment = Map.copyOf(parentEnvironment);
    }

    BashResult run(String command, int timeoutSeconds) throws IOException, InterruptedException {
        List<String> argv;
        Map<String, String> environment;
        List<Path> missingReadOnly = List.of();
        if (sandbox.isPresent()) {
            sandbox.get().separateHardLinks();
            outputFiles.prepare();
            missingReadOnly = sandbox.get().missingReadOnlyFiles();
            argv = sandbox.get().command(command);
            environment = BashSandbox.environment(parentEnvironment);
        } else {
            argv = HAS_SETSID ? List.of("setsid", "bash", "-c", command) : List.of("bash", "-c", command);
            environment = new HashMap<>(parentEnvironment);
            withoutSecrets(environment);
        }
        ProcessBuilder builder = new ProcessBuilder(argv)
                .directory(workingDirectory.toFile())
                .redirectErrorStream(true)
                .redirectInput(NULL_DEVICE);
        builder.environment().clear();
        builder.environment().putAll(environment);
        // bwrap's --die-with-parent follows the thread that starts it (Linux's parent-death signal): this thread
        // waits for the command below, so the sandbox dies with the command's call or with Cortana, never earlier.
        Process process = builder.start();
        OutputPump pump = new OutputPump(process.getInputStream(), new TailBuffer(maxBytes), maxLines, outputFiles);
        Thread reader = new Thread(pump, "execute_bash-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
        boolean timedOut = false;
        try {
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                timedOut = true;
                kill(process);
            }
            // Output still buffered in the pipe arrives shortly after exit; a background job that inherited the
            // pipe would keep it open forever, so the wait is bounded.
            reader.join(timedOut ? 2000 : 1000);
        } catch (InterruptedException e) {
            kill(process);
            throw e;
        } finally {
            if (reader.isAlive()) {
                process.getInputStream().close();
                reader.join(1000);
            }
            pump.closeSpill();
        }
        List<String> notes = missingReadOnly.isEmpty() ? List.of() : sandbox.get().moveAsideCreated(missingReadOnly);
        return new BashResult(pump.tail.tail(), timedOut ? -1 : process.exitValue(), timedOut, timeoutSeconds,
                pump.tail.totalBytes(), pump.tail.totalLines(), Optional.ofNullable(pump.spillFile), notes);
    }

    /**
     * Drops variables that look like secrets (Cortana's own API keys, the Discord token, the database URL) from a
     * command's environment: {@code env} run by the model must not put them into a reply.
     */
    static void withoutSecrets(Map<String, String> environment) {
        environment.keySet().removeIf(name -> SECRET_NAME.matcher(name).matches());
    }

    /**
     * Kills the command: the sandbox's first process (its PID namespace and everything in it die with it), or
     * without a sandbox the session's process group.
     */
    private void kill(Process process) {
        if (sandbox.isPresent()) {
            List<ProcessHandle> descendants = process.descendants().toList();
            process.destroyForcibly();
            descendants.forEach(ProcessHandle::destroyForcibly);
            // Gone before the caller looks at what the command left in the workspace.
            for (ProcessHandle each : descendants) {
                try {
                    each.onExit().get(2, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    log.warn("execute_bash: sandboxed process {} did not exit after SIGKILL", each.pid());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        } else {
            killGroup(process);
        }
    }

    /** Kills the session's process group, and any descendant that moved out of it. */
    static void killGroup(Process process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        if (HAS_SETSID) {
            try {
                new ProcessBuilder("kill", "-KILL", "--", "-" + process.pid())
                        .redirectErrorStream(true).redirectOutput(NULL_DEVICE).start().waitFor(5, TimeUnit.SECONDS);
            } catch (IOException e) {
                log.warn("execute_bash: could not kill process group {}: {}", process.pid(), e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        descendants.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    /** Copies the process output into the tail buffer and, once it exceeds the limits, into a file. */
    private static final class OutputPump implements Runnable {
        private final InputStream in;
        private final TailBuffer tail;
        private final int maxLines;
        private final BashOutputFiles outputFiles;
        private Path spillFile;
        private OutputStream spill;
        private long spilled;
        private boolean spillFailed;

        OutputPump(InputStream in, TailBuffer tail, int maxLines, BashOutputFiles outputFiles) {
            this.in = in;
            this.tail = tail;
            this.maxLines = maxLines;
            this.outputFiles = outputFiles;
        }

        @Override
        public void run() {
            byte[] chunk = new byte[16384];
            try {
                int read;
                while ((read = in.read(chunk)) != -1) {
                    if (spill == null && !spillFailed && exceedsLimits(chunk, read)) {
                        startSpill();
                    }
                    if (spill != null && spilled < MAX_SAVED_BYTES) {
                        int length = (int) Math.min(read, MAX_SAVED_BYTES - spilled);
                        spill.write(chunk, 0, length);
                        spilled += length;
                    }
                    tail.write(chunk, 0, read);
                }
            } catch (IOException e) {
                // The stream is closed when the command is done or killed: what was read is the output.
            }
        }

        private boolean exceedsLimits(byte[] chunk, int length) {
            if (tail.totalBytes() + length > tail.keptCapacity()) {
                return true;
            }
            long lines = tail.newlines();
            for (int i = 0; i < length && lines <= maxLines; i++) {
                if (chunk[i] == '\n') {
                    lines++;
                }
            }
            // A last line without a newline counts as a line too.
            return lines + (chunk[length - 1] != '\n' ? 1 : 0) > maxLines;
        }

        /** Without a file the command still runs to the end and the model still gets the tail. */
        private void startSpill() {
            try {
                spillFile = outputFiles.create();
                spill = Files.newOutputStream(spillFile);
                byte[] sofar = tail.keptBytes();
                spill.write(sofar);
                spilled = sofar.length;
            } catch (IOException e) {
                log.warn("execute_bash: cannot save the full output ({}); only its tail is kept", e.getMessage());
                closeSpill();
                spill = null;
                spillFile = null;
                spillFailed = true;
            }
        }

        void closeSpill() {
            if (spill != null) {
                try {
                    spill.close();
                } catch (IOException e) {
                    log.warn("execute_bash: could not finish the output file {}: {}", spillFile, e.getMessage());
                }
            }
        }
    }
}
