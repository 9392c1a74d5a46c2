package dev.cortana.plugins.memorylocal;

import java.nio.file.Path;

/** The embedding model's two files on disk: the ONNX graph and the tokenizer (Hugging Face {@code tokenizer.json}). */
record ModelFiles(Path onnx, Path tokenizerJson) {
}
