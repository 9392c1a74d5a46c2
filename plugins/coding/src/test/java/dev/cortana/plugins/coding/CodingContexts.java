package dev.cortana.plugins.coding;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cortana.api.Approvals;
import dev.cortana.api.tools.ToolCall;
import dev.cortana.testkit.TestContext;
import dev.cortana.testkit.TestContextBuilder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The coding plugin's contexts, from the kit's {@link TestContext}: the workspace opened as the host opens it (prompt
 * files seeded, {@code IDENTITY.md}/{@code TOOLS.md} read-only, Cortana's state and program files private), settings
 * scoped by the plugin's {@code Plugin-Settings}, approvals answered by a fixed decision with the questions recorded.
 * Register with {@code @RegisterExtension}: every context a test opens is closed after it.
 */
final class CodingContexts implements AfterEachCallback {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<TestContext> opened = new CopyOnWriteArrayList<>();

    /**
     * A context on {@code workspace}; {@code privateElsewhere} are Cortana's files outside it (as the host adds
     * {@code .env}, {@code cortana.yml} and the plugins folder), relative ones against the workspace.
     */
    TestContext open(Path workspace, Map<String, String> settings, Approvals.Decision answer, Path... privateElsewhere) {
        return open(TestContext.builder().workspace(workspace).privatePaths(privateElsewhere), settings, answer);
    }

    TestContext open(Path workspace, Map<String, String> settings) {
        return open(workspace, settings, Approvals.Decision.DENIED);
    }

    /** A context from a builder the test prepared further (a {@code SKILLS_DIR}, say). */
    TestContext open(TestContextBuilder builder, Map<String, String> settings, Approvals.Decision answer) {
        settings.forEach(builder::setting);
        TestContext context = builder.approvals(answer).build();
        opened.add(context);
        return context;
    }

    /** The call the model would make: {@code call("read_file", "path", "notes.md", "offset", 2)}. */
    static ToolCall call(String tool, Object... keyValues) {
        ObjectNode arguments = JSON.createObjectNode();
        for (int i = 0; i < keyValues.length; i += 2) {
            arguments.set((String) keyValues[i], JSON.valueToTree(keyValues[i + 1]));
        }
        return new ToolCall(tool, arguments, "master");
    }

    @Override
    public void afterEach(ExtensionContext extension) {
        for (TestContext context : opened) {
            context.close();
        }
        opened.clear();
    }
}
