#set( $name = $pluginId.replace('-', '_') )
package ${package};

import dev.cortana.api.CortanaContext;
import dev.cortana.api.tools.ToolProvider;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolMemoryId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import org.pf4j.Extension;

/** The plugin's tool: counts things for each user in the table {@code V1__create_counts.sql} makes. */
@Extension
public final class CounterTools implements ToolProvider {

    private final CortanaContext context;   // database, settings, clock, workspace, notifier, jobs

    public CounterTools(CortanaContext context) { this.context = context; }

    @Override
    public List<Object> tools() { return List.of(this); }

    // Tool names are global: prefixing them with the plugin id keeps them apart from other plugins' tools.
    @Tool(name = "${name}_count", value = "Adds one to the user's count of a thing and returns the new total")
    public String count(@ToolMemoryId String userId, @P("what to count, e.g. coffee") String thing) throws SQLException {
        try (Connection connection = context.dataSource().getConnection();
             PreparedStatement add = connection.prepareStatement("""
                     INSERT INTO ${name}_counts AS c (user_id, thing, total) VALUES (?, lower(trim(?)), 1)
                     ON CONFLICT (user_id, thing) DO UPDATE SET total = c.total + 1 RETURNING thing, total""")) {
            add.setString(1, userId);
            add.setString(2, thing);
            try (var counted = add.executeQuery()) {
                counted.next();
                return counted.getString("thing") + ": " + counted.getInt("total");
            }
        }
    }
}
