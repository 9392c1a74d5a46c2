package dev.cortana.plugins.memorylocal;

import java.time.Duration;
import java.util.function.Function;

/** For MemoryRetrievalBenchmark: memory-local's own embedder (package-private there), as the plugin builds it. */
public final class MemoryLocalEncoder {

    private MemoryLocalEncoder() {
    }

    /** The unit-length embedding of a text, from the model memory-local loads ({@link ModelFiles#fromClasspath()}). */
    public static Function<String, float[]> open() {
        Embedder embedder = Embedder.loading(ModelFiles::fromClasspath);
        return text -> embedder.embed(text, Duration.ofSeconds(60)).orElseThrow();
    }
}
