package dev.cortana.plugins.coding;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cortana.api.Workspace;
import dev.cortana.api.tools.AgentTool;
import dev.cortana.api.tools.ToolCall;
import dev.cortana.bench.Stats;
import dev.cortana.host.workspace.HostWorkspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Issue 9: what the confined file tools cost per call (resolve once, identity checks against every private path, the
 * walk down without following links, write by rename), next to a bare {@code Files.readString}/{@code writeString}
 * of the same file. The workspace's private paths are wired as {@code Cortana.start} wires them, with a
 * {@code .postgres} of 1500 files (about a real one's count) for the hard-link case.
 *
 * <p>Run: {@code java -cp bench/target/cortana-bench.jar dev.cortana.plugins.coding.FileToolsBenchmark [rounds]}
 */
public final class FileToolsBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        Path working = Files.createTempDirectory("cortana-files-bench");
        Path dir = Files.createDirectories(working.resolve("workspace"));
        Path postgres = Files.createDirectories(dir.resolve(".postgres/base/1"));
        for (int i = 0; i < 1500; i++) {
            Files.writeString(postgres.resolve(Integer.toString(i)), "x");
        }
        Files.writeString(working.resolve(".env"), "X=1\n");
        List<Path> elsewhere = new ArrayList<>(List.of(working.resolve(".env"), working.resolve("cortana.yml"),
                working.resolve("cortana.yaml"), Files.createDirectories(working.resolve("plugins"))));
        elsewhere.addAll(HostWorkspace.programFiles());
        HostWorkspace workspace = HostWorkspace.open(dir).withPrivatePaths(elsewhere);
        Path notes = Files.createDirectories(dir.resolve("projects/app/notes"));
        Path file = Files.writeString(notes.resolve("plan.md"), "line\n".repeat(10));
        Files.writeString(notes.resolve("linked.md"), "line\n".repeat(10));
        Files.createLink(notes.resolve("linked-too.md"), notes.resolve("linked.md"));

        List<AgentTool> tools = new CodingToolProvider(BenchContext.of(workspace, Map.of())).dynamicTools();
        ToolCall read = call("read_file", "path", "projects/app/notes/plan.md");
        ToolCall readHardLinked = call("read_file", "path", "projects/app/notes/linked.md");
        ToolCall write = call("write_file", "path", "projects/app/notes/plan.md", "content", "line\n".repeat(10));
        String content = "line\n".repeat(10);

        measure("bare Files.readString", rounds, () -> Files.readString(file));
        measure("read_file", rounds, () -> tool(tools, "read_file").handler().handle(read));
        measure("read_file of a file with 2 hard links", rounds / 10,
                () -> tool(tools, "read_file").handler().handle(readHardLinked));
        measure("bare Files.writeString", rounds, () -> Files.writeString(file, content));
        measure("write_file", rounds, () -> tool(tools, "write_file").handler().handle(write));
        measure("Workspace.isPrivate", rounds, () -> workspace.isPrivate(file));
        measure("Workspace.isReadOnly", rounds, () -> workspace.isReadOnly(file));
    }

    private static void measure(String name, int rounds, Callable<?> action) throws Exception {
        for (int i = 0; i < Math.max(50, rounds / 4); i++) {
            action.call();
        }
        double[] samples = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            long start = System.nanoTime();
            action.call();
            samples[i] = (System.nanoTime() - start) / 1e3;
        }
        System.out.println(name + ": " + Stats.of(samples).format("µs"));
    }

    private static AgentTool tool(List<AgentTool> tools, String name) {
        return tools.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }

    private static ToolCall call(String tool, String... keyValues) {
        var arguments = JSON.createObjectNode();
        for (int i = 0; i < keyValues.length; i += 2) {
            arguments.put(keyValues[i], keyValues[i + 1]);
        }
        return new ToolCall(tool, arguments, "bench");
    }
}
