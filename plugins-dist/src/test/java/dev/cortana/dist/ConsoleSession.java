package dev.cortana.dist;

import dev.cortana.host.Main;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Runs the real host's entry point in this JVM the way a user runs it with piped input: lines on standard input,
 * replies on standard output, notices on standard error, an exit code at the end.
 */
final class ConsoleSession {

    record Result(int exitCode, String stdout, String stderr) {
    }

    private ConsoleSession() {
    }

    static Result run(Map<String, String> environment, Path workingDir, String... lines) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        byte[] input = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
        int code = Main.run(List.of(), environment, workingDir, new ByteArrayInputStream(input),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), false);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The bundled plugins gathered by this module's build. */
    static Path bundledPlugins() {
        return Path.of("target", "plugins").toAbsolutePath();
    }
}
