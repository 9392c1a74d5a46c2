package dev.cortana.plugins.coding;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.api.tools.AgentTool;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

class CodingToolProviderTest {

    @RegisterExtension
    final CodingContexts contexts = new CodingContexts();

    @TempDir
    Path workspace;

    private java.util.List<String> offered(Map<String, String> settings) {
        return new CodingToolProvider(contexts.open(workspace, settings)).dynamicTools().stream()
                .map(AgentTool::name).toList();
    }

    @Test
    void allFourToolsAreOfferedByDefault() {
        assertThat(offered(Map.of())).containsExactly("execute_bash", "read_file", "write_file", "edit_file");
    }

    @Test
    void disabledBashIsNotOfferedAtAll() {
        assertThat(offered(Map.of("ENABLE_BASH_TOOL", "false"))).containsExactly("read_file", "write_file", "edit_file");
    }

    @Test
    void disabledFileToolsAreNotOfferedAtAll() {
        assertThat(offered(Map.of("ENABLE_FILE_TOOLS", "false"))).containsExactly("execute_bash");
    }
}
