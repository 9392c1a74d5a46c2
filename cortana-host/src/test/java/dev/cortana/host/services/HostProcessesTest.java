package dev.cortana.host.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cortana.host.workspace.HostWorkspace;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plugins' child processes get only the environment they name and never outlive Cortana, even a SIGKILLed one. */
class HostProcessesTest {

    @TempDir
    Path workspace;

    @Test
    void aChildGetsOnlyTheEnvironmentItIsGivenAndTheBasics() throws Exception {
        String secret = System.getenv().keySet().stream()
                .filter(name -> !HostProcesses.BASIC_VARIABLES.contains(name) && !name.startsWith("LC_"))
                .findFirst().orElse(null);
        assumeTrue(secret != null, "the test JVM has no variable beyond the basics");
        HostProcesses processes = new HostProcesses("test", HostWorkspace.open(workspace));
        Process env = processes.start(List.of("env"), Map.of("GREETING", "hello"), workspace);
        String output = new String(env.getInputStream().readAllBytes());
        env.waitFor();
        assertThat(output).contains("GREETING=hello").contains("PATH=").doesNotContain(secret + "=");
    }

    @Test
    void inTheSandboxAChildEndsWhenCortanaIsKilled() throws Exception {
        assumeTrue(new HostProcesses("probe", HostWorkspace.open(workspace)).sandboxed(), "bubblewrap does not work here");
        childEndsWithKilledParent("-Dcortana.process.sandbox=auto", "in a bubblewrap sandbox");
    }

    @Test
    void withoutTheSandboxTheWatchdogEndsAChildWhenCortanaIsKilled() throws Exception {
        childEndsWithKilledParent("-Dcortana.process.sandbox=off", "WITHOUT a sandbox");
    }

    private void childEndsWithKilledParent(String sandbox, String expected) throws Exception {
        String marker = "cortana-orphan-check-" + UUID.randomUUID();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process host = new ProcessBuilder(java.toString(), "-Xmx64m", sandbox, "-cp",
                System.getProperty("java.class.path"), HostProcessesChild.class.getName(), workspace.toString(), marker)
                .redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(host.getInputStream()));
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("started")) {
                // start-up noise
            }
            assertThat(line).startsWith("started " + expected);
            assertThat(processesWith(marker)).isNotEmpty();

            host.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook runs
            long end = System.nanoTime() + 5_000_000_000L;
            while (!processesWith(marker).isEmpty() && System.nanoTime() < end) {
                Thread.sleep(50);
            }
            assertThat(processesWith(marker)).as("processes left after Cortana was killed").isEmpty();
        } finally {
            host.destroyForcibly();
        }
    }

    private static List<Long> processesWith(String marker) throws IOException {
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            return entries.filter(p -> p.getFileName().toString().matches("\\d+")).filter(p -> {
                try {
                    return new String(Files.readAllBytes(p.resolve("cmdline"))).contains(marker)
                            && !new String(Files.readAllBytes(p.resolve("cmdline"))).contains("HostProcessesChild");
                } catch (IOException e) {
                    return false;
                }
            }).map(p -> Long.parseLong(p.getFileName().toString())).toList();
        }
    }
}
