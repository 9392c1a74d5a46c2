package dev.cortana.plugins.coding;

import dev.cortana.api.CortanaContext;
import dev.cortana.api.StatusNote;
import dev.cortana.api.tools.AgentTool;
import dev.cortana.api.tools.ToolProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pf4j.Extension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coding plugin's tools: {@code execute_bash} (when {@code ENABLE_BASH_TOOL}) and {@code read_file},
 * {@code write_file}, {@code edit_file} (when {@code ENABLE_FILE_TOOLS}). A disabled tool is not offered at all.
 * Its {@linkplain StatusNote status note} says whether {@code execute_bash} runs in the sandbox ({@code BASH_SANDBOX}),
 * and why not.
 */
@Extension
public final class CodingToolProvider implements ToolProvider, StatusNote {

    private static final Logger log = LoggerFactory.getLogger(CodingToolProvider.class);

    private final List<AgentTool> tools;
    private final Optional<String> note;

    public CodingToolProvider(CortanaContext context) {
        this(context, System.getenv());
    }

    /** @param environment Cortana's environment, which commands start from (filtered) */
    CodingToolProvider(CortanaContext context, Map<String, String> environment) {
        CodingSettings settings = CodingSettings.from(context.settings(), context.workspace());
        List<AgentTool> enabled = new ArrayList<>();
        Optional<String> bashNote = Optional.empty();
        if (settings.bashEnabled()) {
            BashSandbox.Decision sandbox = BashSandbox.decide(SandboxSettings.from(context.settings()),
                    context.workspace(), environment);
            bashNote = Optional.of(sandbox.note());
            if (sandbox.sandbox().isPresent()) {
                log.info("coding: {}", sandbox.note());
            } else {
                log.warn("coding: {}", sandbox.note());
            }
            if (sandbox.offerBash()) {
                BashRunner runner = new BashRunner(context.workspace().root(), settings.bashMaxLines(),
                        settings.bashMaxBytes(), sandbox.sandbox(), environment);
                enabled.add(new BashTool(runner, settings, context.approvals()).agentTool());
            }
        }
        if (settings.fileToolsEnabled()) {
            ConfinedFiles files = new ConfinedFiles(context.workspace(), settings.fileRoots());
            WriteFileTools writing = new WriteFileTools(files, settings, context.approvals());
            enabled.add(new ReadFileTool(files, settings.readMaxLines()).agentTool());
            enabled.add(writing.writeTool());
            enabled.add(writing.editTool());
        }
        this.tools = List.copyOf(enabled);
        this.note = bashNote;
    }

    @Override
    public Optional<String> statusNote() {
        return note;
    }

    @Override
    public List<AgentTool> dynamicTools() {
        return tools;
    }
}
