package com.example.clock;

import dev.cortana.api.tools.ToolProvider;
import dev.langchain4j.agent.tool.Tool;
import java.util.List;

public final class ClockTools implements ToolProvider {
    @Override
    public List<Object> tools() {
        return List.of(this);
    }

    @Tool(name = "now", value = "The time now")
    public String now() {
        return java.time.Instant.now().toString();
    }
}
