package com.example.todo;

import dev.langchain4j.agent.tool.Tool;

public final class ShoppingTools {
    @Tool("Adds an item to the shopping list")
    public String add(String item) {
        return item;
    }
}
