package dev.cortana.testkit.sample;

import dev.cortana.api.tools.ToolProvider;
import dev.langchain4j.agent.tool.Tool;
import java.nio.file.Path;
import java.util.List;
import org.pf4j.Extension;

/** A mistake in the sample plugin: a tool the model cannot fill, which the host skips and the kit reports. */
@Extension
public final class SkippedTools implements ToolProvider {

    @Override
    public List<Object> tools() {
        return List.of(this);
    }

    @Tool(name = "read_file", value = "Reads a file")
    public String read(Path file) {
        return file.toString();
    }
}
