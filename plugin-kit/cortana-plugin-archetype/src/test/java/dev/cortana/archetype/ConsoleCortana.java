package dev.cortana.archetype;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The built {@code cortana-host.jar} in a JVM of its own, in console mode, talked to line by line the way a user
 * pipes lines into it: it keeps running between lines, so a test can change its plugins folder in between.
 *
 * <p>A reply has no end marker on the console, so {@link #say} sends {@code sync <n>} after each line, which the test's
 * scripted model answers word for word: what the console printed before that echo is the reply.
 */
final class ConsoleCortana implements AutoCloseable {

    private static final String END = "";

    private final Process process;
    private final OutputStream input;
    private final BlockingQueue<String> output = new LinkedBlockingQueue<>();
    private final Path stderr;
    private int syncs;

    private ConsoleCortana(Process process, Path stderr) {
        this.process = process;
        this.input = process.getOutputStream();
        this.stderr = stderr;
        Thread reader = new Thread(this::readOutput, "cortana-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code hostJar} with exactly {@code environment}, from {@code workingDir}; standard error goes to a file there. */
    static ConsoleCortana start(Path hostJar, Map<String, String> environment, Path workingDir) throws IOException {
        Path stderr = workingDir.resolve("stderr.txt");
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", hostJar.toString())
                .directory(workingDir.toFile())
                .redirectError(stderr.toFile());
        builder.environment().clear();
        builder.environment().putAll(environment);
        return new ConsoleCortana(builder.start(), stderr);
    }

    /** Types {@code line} and returns what Cortana printed for it (the first call also waits for start-up). */
    String say(String line) {
        String sync = "sync " + ++syncs;
        try {
            input.write((line + "\n" + sync + "\n").getBytes(StandardCharsets.UTF_8));
            input.flush();
        } catch (IOException e) {
            throw new AssertionError("Cortana no longer reads its input; stderr:\n" + stderr(), e);
        }
        List<String> reply = new ArrayList<>();
        while (true) {
            String printed;
            try {
                printed = output.poll(90, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for the reply to " + line, e);
            }
            if (printed == null || printed.equals(END)) {
                throw new AssertionError("no reply to \"" + line + "\" (printed so far: " + reply + "); stderr:\n"
                        + stderr());
            }
            if (printed.equals(sync)) {
                return String.join("\n", reply);
            }
            reply.add(printed);
        }
    }

    String stderr() {
        try {
            return Files.readString(stderr);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** Ends the input as a user's pipe ends, and returns the exit code; fails if Cortana is still running 60 s later. */
    int exit() throws InterruptedException {
        try {
            input.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("cortana-host.jar did not exit 60 s after its input ended; stderr:\n" + stderr());
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }

    private void readOutput() {
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (!line.isEmpty()) {
                    output.add(line);
                }
            }
        } catch (IOException e) {
            // the process ended: END below tells a waiting say()
        }
        output.add(END);
    }
}
