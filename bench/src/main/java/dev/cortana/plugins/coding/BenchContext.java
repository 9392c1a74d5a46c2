package dev.cortana.plugins.coding;

import dev.cortana.api.Approvals;
import dev.cortana.api.CortanaContext;
import dev.cortana.api.Notifier;
import dev.cortana.api.PluginScheduler;
import dev.cortana.api.PluginSettings;
import dev.cortana.api.Workspace;
import java.time.Clock;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/** The coding plugin's context in the benchmarks: a workspace and settings, approvals denied, nothing else. */
final class BenchContext {

    private BenchContext() {
    }

    static CortanaContext of(Workspace workspace, Map<String, String> settings) {
        return new CortanaContext() {
            @Override public String pluginId() { return "coding"; }
            @Override public DataSource dataSource() { throw new UnsupportedOperationException(); }
            @Override public Workspace workspace() { return workspace; }
            @Override public PluginSettings settings() { return key -> Optional.ofNullable(settings.get(key)); }
            @Override public Clock clock() { return Clock.systemUTC(); }
            @Override public ZoneId userZone() { return ZoneId.of("UTC"); }
            @Override public Notifier notifier() { throw new UnsupportedOperationException(); }
            @Override public PluginScheduler scheduler() { throw new UnsupportedOperationException(); }
            @Override public Approvals approvals() { return (question, timeout) -> Approvals.Decision.DENIED; }
        };
    }
}
