package dev.cortana.host.tools;

import dev.langchain4j.agent.tool.ToolSpecification;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An immutable snapshot of the tools offered for one message. */
public final class ToolSet {

    private final Map<String, RegisteredTool> byName;
    private final List<ToolSpecification> specifications;

    ToolSet(List<RegisteredTool> tools) {
        Map<String, RegisteredTool> map = new LinkedHashMap<>();
        tools.forEach(t -> map.put(t.name(), t));
        this.byName = java.util.Collections.unmodifiableMap(map);
        this.specifications = tools.stream().map(RegisteredTool::specification).toList();
    }

    public static ToolSet empty() {
        return new ToolSet(List.of());
    }

    public List<ToolSpecification> specifications() {
        return specifications;
    }

    public Optional<RegisteredTool> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public List<RegisteredTool> tools() {
        return List.copyOf(byName.values());
    }

    public boolean isEmpty() {
        return byName.isEmpty();
    }
}
