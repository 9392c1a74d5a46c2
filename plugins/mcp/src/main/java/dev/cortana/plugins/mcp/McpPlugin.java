package dev.cortana.plugins.mcp;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.pf4j.Plugin;

/** Stops every server (and its process) when the plugin stops: its JAR is removed or replaced, or Cortana exits. */
public final class McpPlugin extends Plugin {

    // one class loader per loaded plugin, so this list belongs to this load of the plugin only
    private static final List<McpServers> RUNNING = new CopyOnWriteArrayList<>();

    static void register(McpServers servers) {
        RUNNING.add(servers);
    }

    @Override
    public void stop() {
        for (McpServers servers : RUNNING) {
            servers.stop();
        }
        RUNNING.clear();
    }
}
