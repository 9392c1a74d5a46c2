package com.example.todo;

import dev.cortana.api.tools.ToolProvider;
import dev.langchain4j.agent.tool.Tool;
import java.util.List;
import org.pf4j.Extension;

@Extension
public final class TodoTools implements ToolProvider {
    @Override
    public List<Object> tools() {
        return List.of(this, new ShoppingTools());
    }

    @Tool(name = "add", value = "Adds a todo")
    public String addTodo(String text) {
        return text;
    }
}
