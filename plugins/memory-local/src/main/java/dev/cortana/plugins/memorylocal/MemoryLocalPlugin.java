package dev.cortana.plugins.memorylocal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.pf4j.Plugin;

/** Closes the embedding model (its ONNX Runtime session) when the plugin stops: JAR removed or replaced, or exit. */
public final class MemoryLocalPlugin extends Plugin {

    // one class loader per loaded plugin, so this list belongs to this load of the plugin only
    private static final List<Embedder> OPEN = new CopyOnWriteArrayList<>();

    static void closeOnStop(Embedder embedder) {
        OPEN.add(embedder);
    }

    @Override
    public void stop() {
        for (Embedder embedder : OPEN) {
            embedder.close();
        }
        OPEN.clear();
    }
}
