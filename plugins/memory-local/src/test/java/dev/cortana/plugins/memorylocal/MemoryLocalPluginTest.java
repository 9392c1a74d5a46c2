package dev.cortana.plugins.memorylocal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** When the plugin stops, its embedding model is closed: later embeddings are empty and retrieval lexical. */
class MemoryLocalPluginTest {

    @Test
    void stoppingThePluginClosesTheEmbeddingModel() {
        Embedder embedder = Embedder.loading(ModelFiles::fromClasspath);
        MemoryLocalPlugin.closeOnStop(embedder);
        assertThat(embedder.embed("Lives in Porto", Duration.ofSeconds(60))).isPresent();

        new MemoryLocalPlugin().stop();

        assertThat(embedder.embed("Lives in Porto", Duration.ofSeconds(60))).isEmpty();
    }
}
