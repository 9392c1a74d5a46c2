package dev.cortana.plugins.coding;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cortana.api.tools.ToolCall;
import dev.cortana.api.tools.ToolHandler;
import dev.cortana.bench.Stats;
import dev.cortana.host.workspace.HostWorkspace;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Issue 9 target: {@code execute_bash} of {@code true} in the bubblewrap sandbox costs at most 10 ms more than a bare
 * spawn of {@code true} (start, drain its output, wait). Also printed: the same sandbox command line spawned bare
 * (what bwrap and bash cost by themselves), so the rest is the plugin's own work. Measured alternately in one JVM
 * after a warm-up, on a workspace with every private path present (so every mask is mounted).
 *
 * <p>Run: {@code java -cp bench/target/cortana-bench.jar dev.cortana.plugins.coding.BashSandboxBenchmark [rounds]}
 */
public final class BashSandboxBenchmark {

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("cortana-sandbox-bench");
        HostWorkspace workspace = HostWorkspace.open(dir);
        for (String folder : List.of(".postgres", ".conversation_cache", "logs")) {
            Files.createDirectories(dir.resolve(folder));
        }
        Files.writeString(dir.resolve("key_usage.json"), "{}");
        CodingToolProvider provider = new CodingToolProvider(BenchContext.of(workspace, Map.of()), System.getenv());
        System.out.println("coding: " + provider.statusNote().orElse("(no note)"));
        if (!provider.statusNote().orElse("").contains("in a bubblewrap sandbox")) {
            throw new IllegalStateException("the sandbox is not in force; nothing to measure");
        }
        ToolHandler bash = provider.dynamicTools().stream()
                .filter(t -> t.name().equals("execute_bash")).findFirst().orElseThrow().handler();
        ToolCall call = new ToolCall("execute_bash", new ObjectMapper().createObjectNode().put("command", "true"), "bench");
        List<String> sandboxArgv = new BashSandbox(BashSandbox.find(System.getenv("PATH")).orElseThrow(), workspace, true)
                .command("true");
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        for (int i = 0; i < 50; i++) {
            spawn(dir, List.of("true"));
            spawn(dir, sandboxArgv);
            bash.handle(call);
        }
        double[] bare = new double[rounds];
        double[] bwrap = new double[rounds];
        double[] tool = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            long start = System.nanoTime();
            spawn(dir, List.of("true"));
            bare[i] = (System.nanoTime() - start) / 1e6;
            start = System.nanoTime();
            spawn(dir, sandboxArgv);
            bwrap[i] = (System.nanoTime() - start) / 1e6;
            start = System.nanoTime();
            String result = bash.handle(call);
            tool[i] = (System.nanoTime() - start) / 1e6;
            if (!result.equals("(no output)")) {
                throw new IllegalStateException("unexpected result: " + result);
            }
        }
        Stats bareStats = Stats.of(bare);
        Stats bwrapStats = Stats.of(bwrap);
        Stats toolStats = Stats.of(tool);
        System.out.println("bare true:                      " + bareStats.format("ms"));
        System.out.println("bare bwrap ... bash -c true:    " + bwrapStats.format("ms"));
        System.out.println("execute_bash true (sandboxed):  " + toolStats.format("ms"));
        System.out.printf("host overhead over bare true (median difference): %.2f ms (target <= 10 ms)%n",
                toolStats.median() - bareStats.median());
        System.out.printf("of which bwrap + bash themselves: %.2f ms; the plugin's own work: %.2f ms%n",
                bwrapStats.median() - bareStats.median(), toolStats.median() - bwrapStats.median());
    }

    private static void spawn(Path dir, List<String> argv) throws Exception {
        Process process = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true)
                .redirectInput(new File("/dev/null")).start();
        process.getInputStream().readAllBytes();
        if (process.waitFor() != 0) {
            throw new IllegalStateException(argv.get(0) + " failed");
        }
    }
}
