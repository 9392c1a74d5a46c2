package dev.cortana.bench;

import dev.cortana.host.Cortana;
import dev.cortana.host.config.Config;
import dev.cortana.host.config.CortanaConfig;
import dev.cortana.host.testing.TestDatabase;
import dev.cortana.host.testing.TestPostgres;
import dev.cortana.host.tools.ToolRunner;
import dev.cortana.host.tools.ToolSet;
import dev.cortana.testkit.wire.FakeOpenAi;
import dev.cortana.testkit.wire.FakeOpenAi.Reply;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Issue 16 targets for the mcp plugin. (1) Host overhead of one MCP tool call through a stdio server that answers at
 * once: the call as the agent makes it (the host's ToolRunner, the plugin, the sandboxed server) minus the same
 * JSON-RPC round trip written straight to the same server's pipes. (2) The model request's size with 3 MCP servers
 * of 10 tools each, against the same request with none.
 *
 * <p>Run from the repository root after {@code mvn -B -q -DskipTests package}:
 * {@code java -cp bench/target/cortana-bench.jar dev.cortana.bench.McpToolCallBenchmark [warmup] [calls]}
 */
public final class McpToolCallBenchmark {

    private static final Path SERVER = Path.of("plugins/mcp/src/test/resources/mcp_test_server.py").toAbsolutePath();

    public static void main(String[] args) throws Exception {
        int warmup = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int calls = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        Path dir = Files.createTempDirectory("cortana-bench-mcp");
        Path workspace = Files.createDirectories(dir.resolve("workspace"));
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        for (String jar : List.of("provider-openai", "mcp")) {
            Path built = Path.of("plugins/" + jar + "/target/cortana-plugin-" + jar + "-0.1.0.jar");
            Files.copy(built, plugins.resolve(built.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        Path config = dir.resolve("mcp.json");
        Files.writeString(config, "{\"mcpServers\": {\"bench\": " + entry("") + "}}");
        try (FakeOpenAi openAi = FakeOpenAi.start(); TestDatabase database = TestPostgres.newDatabase()) {
            openAi.respondWith(request -> Reply.text("ok"));
            Map<String, String> env = new HashMap<>();
            env.put("WORKSPACE_DIR", workspace.toString());
            env.put("PLUGINS_DIR", plugins.toString());
            env.put("DATABASE_URL", database.postgresUrl());
            env.put("OPENAI_API_KEY", "sk-bench-0001");
            env.put("OPENAI_API_BASE", openAi.baseUrl());
            env.put("MCP_CONFIG", config.toString());
            Config cfg = Config.of(env);
            try (Cortana cortana = Cortana.start(cfg, CortanaConfig.from(cfg, workspace), Clock.systemDefaultZone());
                 ToolRunner runner = new ToolRunner(Duration.ofSeconds(60))) {
                ToolSet tools = awaitTools(cortana, "bench_echo", 6);
                ToolExecutionRequest echo = ToolExecutionRequest.builder().id("1").name("bench_echo")
                        .arguments("{\"text\":\"ping\"}").build();
                double[] millis = new double[calls];
                for (int i = -warmup; i < calls; i++) {
                    long start = System.nanoTime();
                    String result = runner.run(tools, echo, "console");
                    if (i >= 0) {
                        millis[i] = (System.nanoTime() - start) / 1e6;
                    }
                    if (!result.endsWith("\nping")) {
                        throw new IllegalStateException("unexpected result: " + result);
                    }
                }
                Stats host = Stats.of(millis);
                Stats raw = rawRoundTrip(warmup, calls);
                System.out.println("MCP tool call through the host (ToolRunner -> plugin -> sandboxed stdio server): "
                        + host.format("ms"));
                System.out.println("the same JSON-RPC call written straight to the server's pipes (no sandbox): "
                        + raw.format("ms"));
                System.out.printf("host overhead per MCP tool call (median difference): %.2f ms%n",
                        host.median() - raw.median());

                cortana.commands().run("console", "/reset");
                String none = requestWith(cortana, openAi, config, "{\"mcpServers\": {}}", 0);
                String allow = IntStream.rangeClosed(1, 10).mapToObj(i -> "\"tool_" + i + "\"")
                        .collect(Collectors.joining(", "));
                String three = "{\"mcpServers\": {" + IntStream.rangeClosed(1, 3)
                        .mapToObj(i -> "\"srv" + i + "\": " + entry("\"allowTools\": [" + allow + "]", "--tools", "10"))
                        .collect(Collectors.joining(", ")) + "}}";
                String withThree = requestWith(cortana, openAi, config, three, 30);
                String verbose = "{\"mcpServers\": {" + IntStream.rangeClosed(1, 3)
                        .mapToObj(i -> "\"srv" + i + "\": " + entry("\"allowTools\": [" + allow + "]", "--tools", "10",
                                "--description", " " + "and says far too much about itself ".repeat(40)))
                        .collect(Collectors.joining(", ")) + "}}";
                System.out.printf("model request with no MCP server: %d bytes%n", none.length());
                int at = withThree.indexOf("srv1_tool_1");
                System.out.println("one MCP tool as sent: " + withThree.substring(Math.max(0, at - 40),
                        Math.min(withThree.length(), at + 700)));
                System.out.printf("model request with 3 MCP servers of 10 tools each: %d bytes (+%d)%n",
                        withThree.length(), withThree.length() - none.length());
                String withVerbose = requestWith(cortana, openAi, config, verbose.replace("tool_1\"", "echo\""), 30);
                System.out.printf("  ... the same with one tool per server describing itself in ~1,400 characters: "
                        + "%d bytes (+%d; the description cap holds it)%n", withVerbose.length(),
                        withVerbose.length() - none.length());
            }
        }
    }

    private static String entry(String extra, String... args) {
        StringBuilder argv = new StringBuilder("\"" + SERVER + "\"");
        for (String arg : args) {
            argv.append(", \"").append(arg.replace("\"", "\\\"")).append('"');
        }
        return "{\"command\": \"python3\", \"args\": [" + argv + "]" + (extra.isEmpty() ? "" : ", " + extra) + "}";
    }

    private static ToolSet awaitTools(Cortana cortana, String name, int count) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < end) {
            ToolSet tools = cortana.tools().current();
            long mcp = tools.tools().stream().filter(t -> t.pluginId().equals("mcp")).count();
            if ((name == null || tools.find(name).isPresent()) && mcp == count) {
                return tools;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("the MCP tools did not appear: " + cortana.commands().run("console", "/mcp"));
    }

    private static String requestWith(Cortana cortana, FakeOpenAi openAi, Path config, String json, int tools)
            throws Exception {
        Files.writeString(config, "{\"mcpServers\": {}}");
        awaitTools(cortana, null, 0);
        Files.writeString(config, json);
        awaitTools(cortana, null, tools);
        cortana.commands().run("console", "/reset");
        cortana.agent().reply("console", "hello");
        return openAi.lastRequest().rawBody();
    }

    /** One JSON-RPC tools/call over the server's own pipes: what the call costs without Cortana. */
    private static Stats rawRoundTrip(int warmup, int calls) throws Exception {
        Process server = new ProcessBuilder("python3", SERVER.toString()).redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try (OutputStream in = server.getOutputStream();
             BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
            double[] millis = new double[calls];
            for (int i = -warmup; i < calls; i++) {
                long start = System.nanoTime();
                in.write(("{\"jsonrpc\":\"2.0\",\"id\":" + (i + warmup) + ",\"method\":\"tools/call\",\"params\":"
                        + "{\"name\":\"echo\",\"arguments\":{\"text\":\"ping\"}}}\n").getBytes(StandardCharsets.UTF_8));
                in.flush();
                String line = out.readLine();
                if (i >= 0) {
                    millis[i] = (System.nanoTime() - start) / 1e6;
                }
                if (line == null || !line.contains("ping")) {
                    throw new IllegalStateException("unexpected answer: " + line);
                }
            }
            return Stats.of(millis);
        } finally {
            server.destroyForcibly();
        }
    }
}
