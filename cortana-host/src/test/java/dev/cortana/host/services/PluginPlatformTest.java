package dev.cortana.host.services;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.cortana.api.llm.LlmCredential;
import dev.cortana.api.llm.LlmProvider;
import dev.cortana.api.llm.ModelClient;
import dev.cortana.api.llm.ModelSetup;
import dev.cortana.host.config.Config;
import dev.cortana.host.llm.ModelRouter;
import dev.cortana.host.llm.SecretRedactor;
import dev.cortana.host.llm.rotation.KeyStatus;
import dev.cortana.host.llm.rotation.RotationSettings;
import dev.cortana.host.plugins.HostServices;
import dev.cortana.host.plugins.PluginHost;
import dev.cortana.testkit.wire.FakeOpenAi;
import dev.cortana.host.testing.TestPluginJars;
import dev.cortana.host.tools.RegisteredTool;
import dev.cortana.host.tools.ToolChanges;
import dev.cortana.host.tools.ToolRegistry;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a third-party plugin gets from the host beyond data and settings, exercised by a real plugin JAR in a real
 * plugin host: the HTTP client, its own rotating API keys, the model, and telling the host its tools changed.
 */
class PluginPlatformTest {

    static final String EXA_A = "exa-test-alpha-0000000000000001";
    static final String EXA_B = "exa-test-bravo-0000000000000002";
    static final String OPENAI_KEY = "sk-test-platform-000000000000001";

    /** A plugin as a third party writes it: every tool uses one host service. */
    static final String PLATFORM_TOOLS = """
            package test.platform;
            import dev.cortana.api.ApiKeyPool;
            import dev.cortana.api.CortanaContext;
            import dev.cortana.api.HostHttp;
            import dev.cortana.api.llm.ModelAccess;
            import dev.cortana.api.tools.AgentTool;
            import dev.cortana.api.tools.ToolHandler;
            import dev.cortana.api.tools.ToolProvider;
            import dev.langchain4j.agent.tool.ToolSpecification;
            import java.net.URI;
            import java.net.http.HttpRequest;
            import java.net.http.HttpResponse;
            import java.util.ArrayList;
            import java.util.List;
            import java.util.Optional;
            @org.pf4j.Extension
            public class PlatformTools implements ToolProvider {
                private final CortanaContext context;
                private volatile boolean connected;
                public PlatformTools(CortanaContext context) { this.context = context; }
                @Override public List<AgentTool> dynamicTools() {
                    List<AgentTool> tools = new ArrayList<>();
                    tools.add(tool("fetch", call -> {
                        HostHttp http = context.http();
                        try {
                            HttpResponse<String> answer = http.send(
                                    http.request(URI.create(call.arguments().path("url").asText())).GET().build());
                            return answer.statusCode() + " " + answer.body();
                        } catch (java.io.IOException e) {
                            return "failed: " + e.getMessage();
                        }
                    }));
                    tools.add(tool("search", call -> search(call.arguments().path("query").asText())));
                    tools.add(tool("ask", call -> context.model().complete(ModelAccess.Choice.BACKGROUND,
                            call.arguments().path("prompt").asText())));
                    tools.add(tool("connect", call -> { connected = true; context.toolsChanged(); return "connected"; }));
                    if (connected) {
                        tools.add(tool("mcp_search", call -> "found"));
                    }
                    return tools;
                }
                private String search(String query) throws Exception {
                    HostHttp http = context.http();
                    ApiKeyPool exa = context.apiKeys("EXA_API_KEY");
                    StringBuilder trail = new StringBuilder();
                    for (int attempt = 0; attempt < exa.size(); attempt++) {
                        Optional<ApiKeyPool.Key> key = exa.next();
                        if (key.isEmpty()) {
                            break;
                        }
                        HttpResponse<String> answer = http.send(http.request(
                                URI.create(context.settings().get("EXA_API_BASE").orElseThrow() + "/search"))
                                .header("x-api-key", key.get().value())
                                .POST(HttpRequest.BodyPublishers.ofString(query)).build());
                        if (answer.statusCode() == 200) {
                            key.get().succeeded();
                            return trail + answer.body();
                        } else if (answer.statusCode() == 429) {
                            key.get().rateLimited(HostHttp.retryAfter(answer));
                        } else {
                            key.get().authFailed();
                        }
                        trail.append(answer.statusCode()).append(" from ").append(key.get().fingerprint()).append("; ");
                    }
                    return trail + exa.unavailableReason();
                }
                private static AgentTool tool(String name, ToolHandler handler) {
                    return new AgentTool(ToolSpecification.builder().name(name).description(name).build(), handler);
                }
            }
            """;

    @TempDir
    Path dir;

    private final FakeOpenAi openAi = FakeOpenAi.start();
    private final List<String> userAgents = new CopyOnWriteArrayList<>();
    private final List<String> searchKeys = new CopyOnWriteArrayList<>();
    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
    private HttpServer server;
    private PluginHost plugins;
    private ModelRouter models;
    private ToolRegistry tools;
    private Path ledger;

    @BeforeEach
    void setUp() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hello", exchange -> {
            userAgents.add(exchange.getRequestHeaders().getFirst("User-Agent"));
            byte[] body = "hi".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.createContext("/huge", exchange -> {
            exchange.sendResponseHeaders(200, 0); // chunked, 9 MiB: past the 8 MiB cap
            try (OutputStream out = exchange.getResponseBody()) {
                byte[] chunk = new byte[64 * 1024];
                for (int i = 0; i < 9 * 16; i++) {
                    out.write(chunk);
                }
            } catch (java.io.IOException clientHungUp) {
                // expected: the client drops the connection at the cap
            }
        });
        server.createContext("/search", exchange -> {
            String key = exchange.getRequestHeaders().getFirst("x-api-key");
            searchKeys.add(key);
            exchange.getRequestBody().readAllBytes();
            if (EXA_A.equals(key)) {
                exchange.getResponseHeaders().add("Retry-After", "120");
                exchange.sendResponseHeaders(429, -1);
            } else {
                byte[] body = "3 results".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.start();

        ledger = dir.resolve("usage.json");
        Map<String, String> env = new HashMap<>();
        env.put("EXA_API_KEY_1", EXA_A);
        env.put("EXA_API_KEY_2", EXA_B);
        env.put("EXA_API_BASE", "http://127.0.0.1:" + server.getAddress().getPort());
        env.put("OPENAI_API_KEY", OPENAI_KEY);
        env.put("OPENAI_API_BASE", openAi.baseUrl());
        Config config = Config.of(env);
        // Least used first, ties in key order: the test knows which key comes next.
        RotationSettings rotation = new RotationSettings(true, 0, 2, Duration.ofSeconds(20), Optional.of(ledger), List.of());
        Path pluginsDir = Files.createDirectories(dir.resolve("plugins"));
        TestPluginJars.plugin("platform").settings("EXA_*").source("test.platform.PlatformTools", PLATFORM_TOOLS).writeTo(pluginsDir);

        plugins = new PluginHost(pluginsDir, "0.1.0", Duration.ofSeconds(10));
        List<LlmProvider> providers = List.of(new LoopbackOpenAi());
        models = new ModelRouter(() -> providers, plugins::generation, config, rotation, Clock.systemUTC());
        ToolChanges changes = new ToolChanges();
        PluginPlatform platform = new PluginPlatform(new HostHttpClient("0.1.0", SecretRedactor.of(List.of(EXA_A, EXA_B,
                OPENAI_KEY))), models, () -> "openai/gpt-4o", Optional.of("openai/gpt-4o-mini"), changes,
                Clock.systemUTC());
        plugins.start(new HostServices(null, null, config, Clock.systemUTC(), () -> ZoneId.of("UTC"), text -> { },
                (question, timeout) -> dev.cortana.api.Approvals.Decision.DENIED, scheduler, Optional.of(platform)));
        tools = new ToolRegistry(plugins, changes);
    }

    @AfterEach
    void tearDown() {
        if (plugins != null) {
            plugins.close();
        }
        if (models != null) {
            models.close();
        }
        scheduler.shutdownNow();
        server.stop(0);
        openAi.close();
    }

    private String call(String tool, String argumentsJson) throws Exception {
        RegisteredTool registered = tools.current().find(tool).orElseThrow(() -> new AssertionError("no tool " + tool));
        Object result = registered.invoker().invoke(argumentsJson, "console");
        return result instanceof dev.cortana.api.tools.ToolResult withFiles ? withFiles.text() : String.valueOf(result);
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    @Test
    void thePluginsHttpClientSaysItIsCortana() throws Exception {
        assertThat(call("fetch", "{\"url\":\"" + url("/hello") + "\"}")).isEqualTo("200 hi");
        assertThat(userAgents).containsExactly("Cortana/0.1.0");
    }

    @Test
    void anAnswerPastTheSizeCapIsDroppedWithAClearMessage() throws Exception {
        assertThat(call("fetch", "{\"url\":\"" + url("/huge") + "\"}"))
                .isEqualTo("failed: GET " + url("/huge") + " failed: the answer was larger than 8 MB, so it was dropped");
    }

    @Test
    void aFailedCallsMessageNamesNoSecret() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String answer = call("fetch", "{\"url\":\"http://127.0.0.1:" + closedPort + "/v1/" + EXA_A
                + "/x?api_key=" + EXA_B + "&q=1\"}");

        assertThat(answer).startsWith("failed: GET http://127.0.0.1:" + closedPort + "/v1/[redacted]/x?api_key=[redacted]&q=1")
                .contains("could not connect").doesNotContain(EXA_A).doesNotContain(EXA_B);
    }

    @Test
    void aRateLimitedKeyRestsAndThePluginsNextCallUsesTheOtherKey() throws Exception {
        String fpA = new LlmCredential("exa", EXA_A, Optional.empty()).fingerprint();
        String fpB = new LlmCredential("exa", EXA_B, Optional.empty()).fingerprint();

        assertThat(call("search", "{\"query\":\"cortana\"}")).isEqualTo("429 from " + fpA + "; 3 results");
        assertThat(call("search", "{\"query\":\"again\"}")).as("key A rests for its Retry-After").isEqualTo("3 results");
        assertThat(searchKeys).containsExactly(EXA_A, EXA_B, EXA_B);

        models.close(); // flushes the usage ledger
        String saved = Files.readString(ledger);
        assertThat(saved).contains(fpA).contains(fpB).contains("RATE_LIMIT")
                .doesNotContain(EXA_A).doesNotContain(EXA_B);
    }

    @Test
    void thePluginAsksTheBackgroundModelThroughTheRouterAndTheCallIsCounted() throws Exception {
        openAi.enqueue(FakeOpenAi.Reply.text("Paris"));

        assertThat(call("ask", "{\"prompt\":\"Capital of France?\"}")).isEqualTo("Paris");

        assertThat(openAi.lastRequest().body().path("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(openAi.lastRequest().body().toString()).contains("Capital of France?");
        KeyStatus key = models.status("openai/gpt-4o-mini").get(0).keys().get(0);
        assertThat(key.todayRequests()).isEqualTo(1);
    }

    @Test
    void aPluginThatSaysItsToolsChangedHasThemReadAgainBeforeTheNextMessage() throws Exception {
        assertThat(tools.current().find("mcp_search")).isEmpty();

        assertThat(call("connect", "{}")).isEqualTo("connected");

        assertThat(tools.current().find("mcp_search")).as("the tool the plugin offers now").isPresent();
    }

    /** LangChain4j's OpenAI client over the host's HTTP builder, as the OpenAI provider plugin builds it. */
    private static final class LoopbackOpenAi implements LlmProvider {
        @Override public String id() { return "openai"; }

        @Override
        public ModelClient model(ModelSetup setup) {
            return ModelClient.of(OpenAiChatModel.builder().httpClientBuilder(setup.http()).baseUrl(setup.baseUrl())
                    .apiKey(setup.apiKey()).modelName(setup.modelName()).timeout(setup.requestTimeout()).maxRetries(0)
                    .build());
        }
    }
}
