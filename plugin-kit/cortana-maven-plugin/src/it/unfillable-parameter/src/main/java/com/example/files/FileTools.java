package com.example.files;

import dev.cortana.api.tools.ToolProvider;
import dev.langchain4j.agent.tool.Tool;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.pf4j.Extension;

@Extension
public final class FileTools implements ToolProvider {
    public record Upload(String name, java.io.InputStream content) {
    }

    @Override
    public List<Object> tools() {
        return List.of(this);
    }

    @Tool(name = "read_file", value = "Reads a file")
    public String read(Path file) {
        return file.toString();
    }

    @Tool(name = "transform", value = "Transforms text")
    public String transform(String text, Function<String, String> how) {
        return how.apply(text);
    }

    @Tool(name = "upload", value = "Uploads a file")
    public String upload(Upload upload) {
        return upload.name();
    }
}
