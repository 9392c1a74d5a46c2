package dev.cortana.plugins.todos;

import dev.cortana.api.CortanaContext;
import dev.cortana.api.tools.ToolProvider;
import java.util.List;
import org.pf4j.Extension;

/**
 * The todos plugin's tools: {@code add_todo}, {@code list_todos}, {@code complete_todo}, {@code reopen_todo},
 * {@code update_todo} and {@code delete_todo}, each working on the served user's own list.
 *
 * <p>Setting: {@code TODOS_MAX_LIST} (default 50), the most todos one {@code list_todos} shows.
 */
@Extension
public final class TodoToolProvider implements ToolProvider {

    private final TodoTools tools;

    public TodoToolProvider(CortanaContext context) {
        int maxListed = context.settings().getInt("TODOS_MAX_LIST", 50, 1, Integer.MAX_VALUE);
        this.tools = new TodoTools(
                new TodoRepository(context.dataSource(), context.clock()),
                new TodoFormatter(context.clock(), context::userZone),
                maxListed);
    }

    @Override
    public List<Object> tools() {
        return List.of(tools);
    }
}
