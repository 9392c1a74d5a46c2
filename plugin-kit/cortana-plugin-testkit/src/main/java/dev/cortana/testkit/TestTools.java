package dev.cortana.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cortana.api.tools.ToolProvider;
import dev.cortana.host.config.CortanaConfig;
import dev.cortana.host.plugins.Contribution;
import dev.cortana.host.tools.RegisteredTool;
import dev.cortana.host.tools.ToolRegistry;
import dev.cortana.host.tools.ToolRunner;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * A plugin's tools exactly as the host offers and runs them: the specifications the model is shown, and calls run
 * through the host's tool path (LangChain4j's argument binding, the user id as memory id, errors turned into the
 * {@code Error: ...} text the model reads, the result size cap, the time limit).
 *
 * <pre>{@code
 * TestTools tools = TestTools.of(new TodoToolProvider(context));
 * assertThat(tools.call("add_todo", Map.of("title", "buy milk", "due", "2026-11-27")))
 *         .isEqualTo("Added \"buy milk\" (due Fri 2026-11-27).");
 * assertThat(tools.names()).contains("list_todos");
 * assertThat(tools.as("bob").call("list_todos", Map.of())).isEqualTo("No open todos.");
 * }</pre>
 *
 * @since 0.1.0
 */
public final class TestTools {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The host's default {@code TOOL_TIMEOUT}. */
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final ToolRunner RUNNER = new ToolRunner(TIMEOUT);

    private final ToolRegistry registry;
    private final String userId;

    private TestTools(ToolRegistry registry, String userId) {
        this.registry = registry;
        this.userId = userId;
    }

    /**
     * The tools of {@code providers} as one plugin offers them. Calls are made as the console user
     * ({@code console}) until {@link #as(String)}.
     *
     * @throws IllegalArgumentException when the host would skip a tool (parameters the model cannot name or fill, a
     *         name another tool already has), listing each skipped tool with the reason {@code /plugins} shows
     * @since 0.1.0
     */
    public static TestTools of(ToolProvider... providers) {
        String pluginId = PluginUnderTest.idProperty().orElse("plugin-under-test");
        List<Contribution<ToolProvider>> contributions = java.util.Arrays.stream(providers)
                .map(provider -> new Contribution<>(pluginId, provider)).toList();
        ToolRegistry registry = new ToolRegistry(() -> contributions, () -> 0L);
        List<String> skipped = registry.skippedToolsByPlugin().getOrDefault(pluginId, List.of());
        if (!skipped.isEmpty()) {
            throw new IllegalArgumentException("Cortana would skip " + skipped.size()
                    + (skipped.size() == 1 ? " tool" : " tools") + " of " + pluginId + ":\n  skipped tool "
                    + String.join("\n  skipped tool ", skipped));
        }
        return new TestTools(registry, CortanaConfig.CONSOLE_USER);
    }

    /**
     * The same tools, called as {@code userId} (what the tool receives as its {@code @ToolMemoryId}).
     *
     * @since 0.1.0
     */
    public TestTools as(String userId) {
        return new TestTools(registry, Objects.requireNonNull(userId, "userId"));
    }

    /**
     * Calls {@code tool} with {@code arguments} (converted to the JSON object the model would send) and returns the
     * text the model would read. Never throws for a tool's failure: that is the {@code Error: ...} text.
     *
     * <pre>{@code
     * tools.call("complete_todo", Map.of("number", 2));   // "Completed 2. call mum."
     * }</pre>
     *
     * @since 0.1.0
     */
    public String call(String tool, Map<String, ?> arguments) {
        try {
            return callJson(tool, JSON.writeValueAsString(arguments));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Arguments cannot be written as JSON: " + e.getMessage(), e);
        }
    }

    /**
     * Calls {@code tool} with the model's arguments as raw JSON ({@code {"number":"2"}}), for what a map cannot say.
     *
     * @since 0.1.0
     */
    public String callJson(String tool, String argumentsJson) {
        ToolExecutionRequest request = ToolExecutionRequest.builder()
                .id("call_" + UUID.randomUUID())
                .name(tool)
                .arguments(argumentsJson)
                .build();
        return RUNNER.run(registry.current(), request, userId);
    }

    /**
     * What the model is offered, in the host's order.
     *
     * @since 0.1.0
     */
    public List<ToolSpecification> specifications() {
        return registry.current().specifications();
    }

    /**
     * One tool's specification.
     *
     * @throws IllegalArgumentException naming the tools there are, when there is no such tool
     * @since 0.1.0
     */
    public ToolSpecification specification(String tool) {
        return registry.current().find(tool).map(RegisteredTool::specification).orElseThrow(() ->
                new IllegalArgumentException("No tool named " + tool + "; the tools are " + names()));
    }

    /**
     * The tool names, in the host's order.
     *
     * @since 0.1.0
     */
    public List<String> names() {
        return registry.current().tools().stream().map(RegisteredTool::name).toList();
    }
}
