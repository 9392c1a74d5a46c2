package dev.cortana.host.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A second JVM on this test's class path, for tests that SIGKILL a running Cortana part and start it again.
 *
 * <pre>{@code
 * Process child = ChildJvm.start(KilledRunChild.class, workspace.toString());
 * ChildJvm.awaitLine(child, KilledRunChild.READY, Duration.ofSeconds(45));
 * child.destroyForcibly(); // SIGKILL
 * }</pre>
 */
public final class ChildJvm {

    private ChildJvm() {
    }

    /** Starts {@code main} with {@code args}, standard error merged into standard output. */
    public static Process start(Class<?> main, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xshare:auto",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    /**
     * Reads the child's output until a line contains {@code marker}, and keeps draining it afterwards so the child
     * never blocks on a full pipe. Fails with what the child printed if it exits first or {@code timeout} passes.
     */
    public static void awaitLine(Process child, String marker, Duration timeout) throws Exception {
        CompletableFuture<Void> ready = new CompletableFuture<>();
        StringBuilder output = new StringBuilder();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    if (line.contains(marker)) {
                        ready.complete(null);
                    } else if (!ready.isDone()) {
                        output.append(line).append('\n');
                    }
                }
            } catch (IOException e) {
                // the child was killed
            }
            ready.completeExceptionally(new AssertionError("The child exited before it was ready:\n" + output));
        }, "child-jvm-output-" + child.pid());
        reader.setDaemon(true);
        reader.start();
        ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
