package dev.cortana.plugins.memorylocal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** The embedding model's two files on disk: the ONNX graph and the tokenizer (Hugging Face {@code tokenizer.json}). */
record ModelFiles(Path onnx, Path tokenizerJson) {

    /**
     * all-MiniLM-L6-v2 (quantized) from the LangChain4j model JAR on the class path — the tests' and the benchmark's
     * (the plugin itself gets its files from {@link ModelFetch}) — copied to a temporary folder removed when the JVM
     * exits, because ONNX Runtime and the tokenizer read files.
     */
    static ModelFiles fromClasspath() throws IOException {
        Path folder = Files.createTempDirectory("cortana-memory-local-model");
        folder.toFile().deleteOnExit();
        return new ModelFiles(copy("all-minilm-l6-v2-q.onnx", folder), copy("all-minilm-l6-v2-q-tokenizer.json", folder));
    }

    private static Path copy(String resource, Path folder) throws IOException {
        Path file = folder.resolve(resource);
        try (InputStream in = ModelFiles.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException(resource + " is not on the class path");
            }
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        }
        file.toFile().deleteOnExit();
        return file;
    }
}
