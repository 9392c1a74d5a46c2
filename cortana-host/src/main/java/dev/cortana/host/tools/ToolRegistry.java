package dev.cortana.host.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cortana.api.tools.AgentTool;
import dev.cortana.api.tools.ToolCall;
import dev.cortana.api.tools.ToolProvider;
import dev.cortana.api.tools.ToolResult;
import dev.cortana.checks.PluginChecks;
import dev.cortana.checks.PluginProblem;
import dev.cortana.host.plugins.Contribution;
import dev.cortana.host.plugins.PluginHost;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.agent.tool.ToolSpecifications;
import dev.langchain4j.exception.ToolArgumentsException;
import dev.langchain4j.exception.ToolExecutionException;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.service.tool.DefaultToolExecutor;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects the tools of every started plugin. The snapshot is rebuilt only when the plugin set changes
 * ({@link PluginHost#generation()}) or a plugin said its tools changed ({@link ToolChanges}; then only that plugin's
 * providers are asked again), so a message pays nothing for discovery.
 */
public final class ToolRegistry {

    private static final Logger log = LoggerFactory.getLogger(ToolRegistry.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Supplier<List<Contribution<ToolProvider>>> providers;
    private final Supplier<Long> generation;
    private final ToolChanges changes;
    private volatile Snapshot snapshot = new Snapshot(-1, -1, ToolSet.empty(), Map.of(), Map.of());

    public ToolRegistry(PluginHost plugins) {
        this(plugins, new ToolChanges());
    }

    /** @param changes where plugins' {@code toolsChanged()} calls arrive */
    public ToolRegistry(PluginHost plugins, ToolChanges changes) {
        this(() -> plugins.extensions(ToolProvider.class), plugins::generation, changes);
    }

    public ToolRegistry(Supplier<List<Contribution<ToolProvider>>> providers, Supplier<Long> generation) {
        this(providers, generation, new ToolChanges());
    }

    public ToolRegistry(Supplier<List<Contribution<ToolProvider>>> providers, Supplier<Long> generation,
                        ToolChanges changes) {
        this.providers = providers;
        this.generation = generation;
        this.changes = changes;
    }

    /** The tools to offer for the next message. */
    public ToolSet current() {
        long now = generation.get();
        long changed = changes.total();
        Snapshot seen = snapshot;
        if (seen.generation == now && seen.changes == changed) {
            return seen.tools;
        }
        synchronized (this) {
            if (snapshot.generation != now || snapshot.changes != changed) {
                // Same plugins, some said their tools changed: keep the others' tools as read.
                Map<ToolProvider, ProviderTools> reusable = snapshot.generation == now ? snapshot.byProvider : Map.of();
                snapshot = collect(now, changed, reusable);
            }
            return snapshot.tools;
        }
    }

    /** Tool names grouped by plugin id, for {@code /plugins}. */
    public Map<String, List<String>> toolNamesByPlugin() {
        Map<String, List<String>> names = new TreeMap<>();
        for (RegisteredTool tool : current().tools()) {
            names.computeIfAbsent(tool.pluginId(), k -> new ArrayList<>()).add(tool.name());
        }
        return names;
    }

    /**
     * The tools of each plugin that are not offered, as {@code "<tool name>: <why> — <what to do>"}, for
     * {@code /plugins}: a tool whose parameters the model cannot name or fill ({@link PluginChecks#checkToolMethod}),
     * or whose name another tool (of another plugin, or of the same one) already has.
     */
    public Map<String, List<String>> skippedToolsByPlugin() {
        current();
        return snapshot.skipped;
    }

    /**
     * The file types (lower-case extensions) the started plugins' tools take as files
     * ({@link ToolProvider#acceptedFileTypes()}): attached files of these types are not pasted into the message.
     */
    public java.util.Set<String> acceptedFileTypes() {
        java.util.Set<String> types = new java.util.TreeSet<>();
        for (Contribution<ToolProvider> contribution : providers.get()) {
            try {
                contribution.extension().acceptedFileTypes().forEach(type ->
                        types.add(type.toLowerCase(java.util.Locale.ROOT).replaceFirst("^\\.", "")));
            } catch (RuntimeException | LinkageError e) {
                log.warn("File types of plugin {} skipped: {}", contribution.pluginId(), e.toString());
            }
        }
        return types;
    }

    private Snapshot collect(long generation, long changed, Map<ToolProvider, ProviderTools> reusable) {
        Map<String, RegisteredTool> byName = new LinkedHashMap<>();
        Map<ToolProvider, ProviderTools> byProvider = new IdentityHashMap<>();
        Map<String, List<String>> skipped = new TreeMap<>();
        for (Contribution<ToolProvider> contribution : providers.get()) {
            String pluginId = contribution.pluginId();
            try {
                long epoch = changes.of(pluginId); // read before the tools: a change during the read is seen next time
                ProviderTools known = reusable.get(contribution.extension());
                List<RegisteredTool> tools;
                List<String> badTools;
                Map<RegisteredTool, String> origins;
                if (known != null && known.epoch == epoch) {
                    tools = known.tools;
                    badTools = known.skipped;
                    origins = known.origins;
                } else {
                    tools = new ArrayList<>();
                    badTools = new ArrayList<>();
                    origins = new IdentityHashMap<>();
                    for (Object object : contribution.extension().tools()) {
                        tools.addAll(annotated(pluginId, object, badTools, origins));
                    }
                    for (AgentTool tool : contribution.extension().dynamicTools()) {
                        RegisteredTool registered = dynamic(pluginId, tool);
                        origins.put(registered, "dynamic tool of " + contribution.extension().getClass().getName());
                        tools.add(registered);
                    }
                }
                byProvider.put(contribution.extension(), new ProviderTools(epoch, tools, badTools, origins));
                badTools.forEach(line -> skipped.computeIfAbsent(pluginId, k -> new ArrayList<>()).add(line));
                for (RegisteredTool tool : tools) {
                    RegisteredTool previous = byName.putIfAbsent(tool.name(), tool);
                    if (previous != null && previous.pluginId().equals(pluginId)) {
                        String kept = origins.getOrDefault(previous, "another tool");
                        String dropped = origins.getOrDefault(tool, "this tool");
                        log.warn("Tool {} of plugin {} ({}) skipped: {} has that name too and is kept (the first in "
                                + "tools() order, then by method name)", tool.name(), pluginId, dropped, kept);
                        skipped.computeIfAbsent(pluginId, k -> new ArrayList<>()).add(tool.name() + " (" + dropped
                                + "): " + kept + " has that name too and is kept (the first in tools() order, then by "
                                + "method name) — ask its author to give each tool a unique name");
                    } else if (previous != null) {
                        log.warn("Tool {} of plugin {} skipped: plugin {} already offers a tool with that name",
                                tool.name(), pluginId, previous.pluginId());
                        String line = tool.name() + ": the name belongs to plugin " + previous.pluginId() + " — remove one of "
                                        + "the two plugins, or ask the author of " + pluginId + " to rename the tool";
                        skipped.computeIfAbsent(pluginId, k -> new ArrayList<>()).add(line);
                    }
                }
            } catch (RuntimeException | LinkageError e) {
                log.warn("Tools of plugin {} skipped: its ToolProvider failed: {}", pluginId, e.toString());
            }
        }
        log.debug("Tool set rebuilt: {}", byName.keySet());
        skipped.replaceAll((id, lines) -> List.copyOf(lines));
        return new Snapshot(generation, changed, new ToolSet(new ArrayList<>(byName.values())), byProvider,
                java.util.Collections.unmodifiableMap(skipped));
    }

    /**
     * The {@code @Tool} methods of {@code object}, ordered by method name (then parameter types), so which of two
     * same-named tools is kept does not depend on the JVM's method order; a method whose parameters the model could
     * not name or fill is left out, with its reason added to {@code skipped}. Each tool's {@code Class.method} goes
     * into {@code origins}.
     */
    private static List<RegisteredTool> annotated(String pluginId, Object object, List<String> skipped,
                                                  Map<RegisteredTool, String> origins) {
        List<RegisteredTool> tools = new ArrayList<>();
        Method[] methods = object.getClass().getMethods();
        java.util.Arrays.sort(methods, java.util.Comparator.comparing(Method::getName)
                .thenComparing(m -> java.util.Arrays.toString(m.getParameterTypes())));
        for (Method method : methods) {
            if (!method.isAnnotationPresent(Tool.class)) {
                continue;
            }
            List<PluginProblem> problems = PluginChecks.checkToolMethod(method);
            if (!problems.isEmpty()) {
                for (PluginProblem problem : problems) {
                    log.warn("Tool {} of plugin {} skipped: {}", PluginChecks.toolName(method), pluginId, problem.message());
                    skipped.add(PluginChecks.toolName(method) + ": " + reasonAndFix(problem));
                }
                continue;
            }
            ToolSpecification specification = ToolSpecifications.toolSpecificationFrom(method);
            DefaultToolExecutor executor = DefaultToolExecutor.builder()
                    .object(object)
                    .originalMethod(method)
                    .methodToInvoke(method)
                    .wrapToolArgumentsExceptions(true)
                    .propagateToolExecutionExceptions(true)
                    .build();
            RegisteredTool registered = new RegisteredTool(pluginId, specification, (arguments, userId) -> {
                ToolExecutionRequest request = ToolExecutionRequest.builder()
                        .name(specification.name())
                        .arguments(arguments)
                        .build();
                InvocationContext context = InvocationContext.builder().chatMemoryId(userId).build();
                try {
                    var result = executor.executeWithContext(request, context);
                    return result.result() instanceof ToolResult withFiles ? withFiles : result.resultText();
                } catch (ToolExecutionException | ToolArgumentsException e) {
                    throw e.getCause() instanceof Exception cause ? cause : e;
                }
            });
            origins.put(registered, method.getDeclaringClass().getName() + "." + method.getName());
            tools.add(registered);
        }
        return tools;
    }

    private static RegisteredTool dynamic(String pluginId, AgentTool tool) {
        return new RegisteredTool(pluginId, tool.specification(), (arguments, userId) -> {
            JsonNode parsed = arguments == null || arguments.isBlank() ? JSON.createObjectNode() : JSON.readTree(arguments);
            return tool.handler().result(new ToolCall(tool.name(), parsed, userId));
        });
    }

    /** {@code "why — what to do"}, without the {@code "Tool 'x' (A.b): "} the listing already shows. */
    private static String reasonAndFix(PluginProblem problem) {
        String reason = problem.reason().replaceFirst("^Tool '[^']*' \\([^)]*\\): ", "");
        return problem.fix().isEmpty() ? reason : reason + " — " + problem.fix();
    }

    private record Snapshot(long generation, long changes, ToolSet tools, Map<ToolProvider, ProviderTools> byProvider,
                            Map<String, List<String>> skipped) {
    }

    /** One provider's tools as read when its plugin's change counter was {@code epoch}, and the ones it skipped. */
    private record ProviderTools(long epoch, List<RegisteredTool> tools, List<String> skipped,
                                 Map<RegisteredTool, String> origins) {
    }
}
