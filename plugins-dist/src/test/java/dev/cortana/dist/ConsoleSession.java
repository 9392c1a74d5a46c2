package dev.cortana.dist;

import dev.cortana.host.Main;
import dev.cortana.host.channel.ApprovalTerminal;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Runs the real host's entry point in this JVM the way a user runs it with piped input: lines on standard input,
 * replies on standard output, notices on standard error, an exit code at the end.
 */
final class ConsoleSession {

    record Result(int exitCode, String stdout, String stderr) {
    }

    private ConsoleSession() {
    }

    /** Piped input with no terminal anywhere (a script under cron or a service). */
    static Result run(Map<String, String> environment, Path workingDir, String... lines) {
        return run(environment, workingDir, false, Optional::empty, lines);
    }

    /** Input typed on a terminal: prompts are shown and input lines answer approval questions. */
    static Result runInteractive(Map<String, String> environment, Path workingDir, String... lines) {
        return run(environment, workingDir, true, Optional::empty, lines);
    }

    /** Piped input, with {@code terminal} standing in for the controlling terminal ({@code /dev/tty}). */
    static Result runPipedWithTerminal(Map<String, String> environment, Path workingDir, ApprovalTerminal terminal,
                                       String... lines) {
        return run(environment, workingDir, false, () -> Optional.of(terminal), lines);
    }

    private static Result run(Map<String, String> environment, Path workingDir, boolean interactive,
                              Supplier<Optional<ApprovalTerminal>> terminal, String... lines) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        byte[] input = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
        int code = Main.run(List.of(), environment, workingDir, new ByteArrayInputStream(input),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                interactive, interactive, terminal);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /**
     * The built {@code cortana-host.jar} in a JVM of its own, as a user starts it: {@code environment} only, from
     * {@code workingDir}, the lines piped in; standard error goes to {@code workingDir/stderr.txt} too. Fails if it has
     * not exited 60 s after its input ended.
     */
    static Result runJar(Map<String, String> environment, Path workingDir, String... lines) throws Exception {
        Path stderr = workingDir.resolve("stderr.txt");
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", hostJar().toString())
                .directory(workingDir.toFile())
                .redirectError(stderr.toFile());
        builder.environment().clear();
        builder.environment().putAll(environment);
        Process process = builder.start();
        try (java.io.OutputStream in = process.getOutputStream()) {
            in.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("cortana-host.jar did not exit 60 s after its input ended");
        }
        return new Result(process.exitValue(), out, java.nio.file.Files.readString(stderr));
    }

    /** The host JAR this reactor built. */
    static Path hostJar() {
        return Path.of("..", "cortana-host", "target", "cortana-host.jar").toAbsolutePath().normalize();
    }

    /** The bundled plugins gathered by this module's build. */
    static Path bundledPlugins() {
        return Path.of("target", "plugins").toAbsolutePath();
    }
}
