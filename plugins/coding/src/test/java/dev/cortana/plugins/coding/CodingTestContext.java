package dev.cortana.plugins.coding;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cortana.api.Approvals;
import dev.cortana.api.CortanaContext;
import dev.cortana.api.Notifier;
import dev.cortana.api.PluginScheduler;
import dev.cortana.api.PluginSettings;
import dev.cortana.api.Workspace;
import dev.cortana.api.tools.ToolCall;
import dev.cortana.host.workspace.HostWorkspace;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * A real {@link CortanaContext} for the coding plugin: the host's workspace on a temporary folder, settings from a
 * map, and approvals answered by a fixed decision (the questions are recorded).
 */
final class CodingTestContext implements CortanaContext {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HostWorkspace workspace;
    private final Map<String, String> settings;
    private final Approvals.Decision answer;
    final List<String> questions = new ArrayList<>();

    CodingTestContext(Path workspaceDir, Map<String, String> settings, Approvals.Decision answer) {
        this(HostWorkspace.open(workspaceDir), settings, answer);
    }

    CodingTestContext(HostWorkspace workspace, Map<String, String> settings, Approvals.Decision answer) {
        this.workspace = workspace;
        this.settings = Map.copyOf(settings);
        this.answer = answer;
    }

    CodingTestContext(Path workspaceDir, Map<String, String> settings) {
        this(workspaceDir, settings, Approvals.Decision.DENIED);
    }

    static ToolCall call(String tool, Object... keyValues) {
        ObjectNode arguments = JSON.createObjectNode();
        for (int i = 0; i < keyValues.length; i += 2) {
            arguments.set((String) keyValues[i], JSON.valueToTree(keyValues[i + 1]));
        }
        return new ToolCall(tool, arguments, "master");
    }

    @Override
    public String pluginId() {
        return "coding";
    }

    @Override
    public DataSource dataSource() {
        throw new UnsupportedOperationException("the coding plugin does not use the database");
    }

    @Override
    public Workspace workspace() {
        return workspace;
    }

    @Override
    public PluginSettings settings() {
        return key -> Optional.ofNullable(settings.get(key));
    }

    @Override
    public Clock clock() {
        return Clock.systemUTC();
    }

    @Override
    public ZoneId userZone() {
        return ZoneId.of("UTC");
    }

    @Override
    public Notifier notifier() {
        throw new UnsupportedOperationException("the coding plugin does not send notifications");
    }

    @Override
    public PluginScheduler scheduler() {
        throw new UnsupportedOperationException("the coding plugin does not schedule work");
    }

    @Override
    public Approvals approvals() {
        return (question, timeout) -> {
            questions.add(question);
            return answer;
        };
    }
}
