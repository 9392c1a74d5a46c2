package dev.cortana.api.tools;

import java.util.List;
import org.pf4j.ExtensionPoint;

/**
 * Contributes tools the agent may call. The host asks again whenever the set of started plugins changes, so a
 * provider can leave out tools that its settings turn off (a tool that is not returned is not offered at all).
 *
 * <p>Two styles, mixable:
 * <ul>
 *   <li>{@link #tools()}: objects whose methods carry LangChain4j's {@code @Tool} and {@code @P} annotations.
 *       A parameter annotated {@code @ToolMemoryId} receives the id of the user the agent is serving.</li>
 *   <li>{@link #dynamicTools()}: a {@link dev.langchain4j.agent.tool.ToolSpecification} built at run time with a
 *       {@link ToolHandler}.</li>
 * </ul>
 *
 * <pre>{@code
 * @Extension
 * public final class DiceTools implements ToolProvider {
 *     @Override public List<Object> tools() { return List.of(this); }
 *
 *     @Tool("Rolls an n-sided die")
 *     public int roll(@P("number of sides, at least 2") int sides) {
 *         return ThreadLocalRandom.current().nextInt(sides) + 1;
 *     }
 * }
 * }</pre>
 *
 * <p>The host runs every call with a time limit ({@code TOOL_TIMEOUT_SECONDS}); an exception or a timeout becomes
 * a tool result the model reads ("Error: ..."), never a crash. Return short, user-presentable text: the model often
 * repeats it verbatim; return a {@link ToolResult} to attach files to the reply. Tool names must be unique across
 * plugins: a duplicate is not offered, and {@code /plugins} lists it as skipped with the plugin that owns the name.
 * Within one plugin the first is kept in a fixed order (the objects in {@link #tools()} order, one object's
 * {@code @Tool} methods by method name, then {@link #dynamicTools()}), and {@code /plugins} names both methods.
 * @since 0.1.0
 */
public interface ToolProvider extends ExtensionPoint {

    /** Objects with {@code @Tool}-annotated methods. */
    default List<Object> tools() {
        return List.of();
    }

    /** Tools described at run time. */
    default List<AgentTool> dynamicTools() {
        return List.of();
    }

    /**
     * File types (extensions, lower case, without the dot: {@code "ics"}) this provider's tools take as files. Every
     * file the user attaches is saved under {@code users/<id>/attachments/} in the workspace and the model is told its
     * path; a text file whose type a started provider names here is not also pasted into the message, so the tool
     * reads the file itself (a calendar plugin returns {@code Set.of("ics")} and its import tool takes a path).
     */
    default java.util.Set<String> acceptedFileTypes() {
        return java.util.Set.of();
    }
}
