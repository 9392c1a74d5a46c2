package dev.cortana.plugins.coding;

import dev.cortana.api.CortanaContext;
import dev.cortana.api.tools.AgentTool;
import dev.cortana.api.tools.ToolProvider;
import java.util.ArrayList;
import java.util.List;
import org.pf4j.Extension;

/**
 * The coding plugin's tools: {@code execute_bash} (when {@code ENABLE_BASH_TOOL}) and {@code read_file},
 * {@code write_file}, {@code edit_file} (when {@code ENABLE_FILE_TOOLS}). A disabled tool is not offered at all.
 */
@Extension
public final class CodingToolProvider implements ToolProvider {

    private final List<AgentTool> tools;

    public CodingToolProvider(CortanaContext context) {
        CodingSettings settings = CodingSettings.from(context.settings());
        List<AgentTool> enabled = new ArrayList<>();
        if (settings.bashEnabled()) {
            BashRunner runner = new BashRunner(context.workspace().root(), settings.bashMaxLines(), settings.bashMaxBytes());
            enabled.add(new BashTool(runner, settings, context.approvals()).agentTool());
        }
        if (settings.fileToolsEnabled()) {
            ConfinedFiles files = new ConfinedFiles(context.workspace(), settings.fileRoots());
            WriteFileTools writing = new WriteFileTools(files, settings, context.approvals());
            enabled.add(new ReadFileTool(files, settings.readMaxLines()).agentTool());
            enabled.add(writing.writeTool());
            enabled.add(writing.editTool());
        }
        this.tools = List.copyOf(enabled);
    }

    @Override
    public List<AgentTool> dynamicTools() {
        return tools;
    }
}
