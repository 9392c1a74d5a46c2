package dev.cortana.plugins.coding;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cortana.api.tools.ToolCall;
import dev.cortana.api.tools.ToolHandler;
import dev.cortana.bench.Stats;
import dev.cortana.host.workspace.HostWorkspace;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Issue 6 target: {@code execute_bash} of {@code true} costs at most 15 ms more than spawning {@code bash -c true}
 * bare (start, drain its output, wait). Both are measured alternately in one JVM after a warm-up.
 *
 * <p>Run: {@code java -cp bench/target/cortana-bench.jar dev.cortana.plugins.coding.BashOverheadBenchmark}
 */
public final class BashOverheadBenchmark {

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("cortana-bash-bench");
        HostWorkspace workspace = HostWorkspace.open(dir);
        // The issue-6 measurement, without the sandbox (BashSandboxBenchmark measures it).
        ToolHandler bash = new CodingToolProvider(BenchContext.of(workspace, Map.of("BASH_SANDBOX", "off")))
                .dynamicTools().stream()
                .filter(t -> t.name().equals("execute_bash")).findFirst().orElseThrow().handler();
        ToolCall call = new ToolCall("execute_bash", new ObjectMapper().createObjectNode().put("command", "true"), "bench");
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        for (int i = 0; i < 50; i++) {
            bare(dir);
            bash.handle(call);
        }
        double[] bare = new double[rounds];
        double[] tool = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            long start = System.nanoTime();
            bare(dir);
            bare[i] = (System.nanoTime() - start) / 1e6;
            start = System.nanoTime();
            String result = bash.handle(call);
            tool[i] = (System.nanoTime() - start) / 1e6;
            if (!result.equals("(no output)")) {
                throw new IllegalStateException("unexpected result: " + result);
            }
        }
        Stats bareStats = Stats.of(bare);
        Stats toolStats = Stats.of(tool);
        System.out.println("bare bash -c true: " + bareStats.format("ms"));
        System.out.println("execute_bash true: " + toolStats.format("ms"));
        System.out.printf("host overhead (median difference): %.2f ms (target <= 15 ms)%n",
                toolStats.median() - bareStats.median());
    }

    private static void bare(Path dir) throws Exception {
        Process process = new ProcessBuilder("bash", "-c", "true").directory(dir.toFile()).redirectErrorStream(true)
                .redirectInput(new File("/dev/null")).start();
        process.getInputStream().readAllBytes();
        process.waitFor();
    }
}
