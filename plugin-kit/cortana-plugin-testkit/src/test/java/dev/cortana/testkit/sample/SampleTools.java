package dev.cortana.testkit.sample;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cortana.api.Approvals;
import dev.cortana.api.CortanaContext;
import dev.cortana.api.jobs.Schedule;
import dev.cortana.api.tools.ToolProvider;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.pf4j.Extension;

/** The kit's own test plugin "sample": a greeting stored in its table, a durable reminder, an approval. */
@Extension
public final class SampleTools implements ToolProvider {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final CortanaContext context;
    private final String greeting;

    public SampleTools(CortanaContext context) {
        this.context = context;
        this.greeting = context.settings().get("SAMPLE_GREETING", "Hello");
        context.jobs().handle("remind", run ->
                context.notifier().send("⏰ " + JSON.readTree(run.payloadJson()).path("text").asText()));
    }

    @Override
    public List<Object> tools() {
        return List.of(this);
    }

    @Tool(name = "greet", value = "Greets someone")
    public String greet(@P("who to greet") String name) throws SQLException {
        try (Connection connection = context.dataSource().getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO sample_greetings (name) VALUES (?)")) {
            insert.setString(1, name);
            insert.executeUpdate();
        }
        return greeting + ", " + name + "!";
    }

    @Tool(name = "remind_later", value = "Reminds the user later")
    public String remindLater(@P("what to remind of") String text, @P("in how many minutes") int minutes) {
        context.jobs().schedule("remind", Schedule.at(context.clock().instant().plus(Duration.ofMinutes(minutes))),
                JSON.createObjectNode().put("text", text).toString());
        return "I will remind you of " + text + " in " + minutes + " minutes.";
    }

    @Tool(name = "delete_everything", value = "Deletes everything, after asking")
    public String deleteEverything() {
        Approvals.Decision decision = context.approvals().ask("Delete everything?", Duration.ofSeconds(30));
        return decision == Approvals.Decision.APPROVED ? "Deleted." : "Not deleted: the user " + decision.describe() + ".";
    }

    @Tool(name = "class_loader", value = "Names the class loader of this plugin")
    public String classLoader() {
        return getClass().getClassLoader().getClass().getSimpleName();
    }
}
