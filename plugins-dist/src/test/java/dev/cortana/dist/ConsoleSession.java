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

    /** The bundled plugins gathered by this module's build. */
    static Path bundledPlugins() {
        return Path.of("target", "plugins").toAbsolutePath();
    }
}
