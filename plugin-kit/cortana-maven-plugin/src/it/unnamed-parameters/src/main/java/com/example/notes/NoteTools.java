package com.example.notes;

import dev.cortana.api.tools.ToolProvider;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import java.util.List;
import org.pf4j.Extension;

@Extension
public final class NoteTools implements ToolProvider {
    @Override
    public List<Object> tools() {
        return List.of(this);
    }

    @Tool(name = "add_note", value = "Adds a note")
    public String add(@P("the note's title") String title, @P("its text") String text) {
        return title;
    }

    @Tool(name = "named_note", value = "Has an explicit name: fine without -parameters")
    public String named(@P(name = "title", value = "the title") String title) {
        return title;
    }
}
