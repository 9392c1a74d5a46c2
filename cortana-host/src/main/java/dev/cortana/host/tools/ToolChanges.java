package dev.cortana.host.tools;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which plugins said their tools changed ({@link dev.cortana.api.CortanaContext#toolsChanged()}): a counter per plugin
 * and one for all, so the {@link ToolRegistry} notices with one volatile read per message and re-reads only the
 * plugins whose counter moved.
 */
public final class ToolChanges {

    private final Map<String, Long> byPlugin = new ConcurrentHashMap<>();
    private final AtomicLong total = new AtomicLong();

    /** {@code pluginId}'s tools are different now. */
    public void changed(String pluginId) {
        byPlugin.merge(pluginId, 1L, Long::sum);
        total.incrementAndGet();
    }

    long total() {
        return total.get();
    }

    long of(String pluginId) {
        return byPlugin.getOrDefault(pluginId, 0L);
    }
}
