package dev.cortana.plugins.todos;

import dev.cortana.api.CortanaContext;
import dev.cortana.api.Notifier;
import dev.cortana.api.PluginScheduler;
import dev.cortana.api.PluginSettings;
import dev.cortana.api.Workspace;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * A real {@link CortanaContext} for tests: the test database, a clock fixed at Wednesday 2026-11-25 10:00 in
 * Europe/Berlin, and settings from a map. The services the todos plugin does not use refuse to work.
 */
final class TestContext implements CortanaContext {

    static final ZoneId ZONE = ZoneId.of("Europe/Berlin");
    static final Instant NOW = ZonedDateTime.of(2026, 11, 25, 10, 0, 0, 0, ZONE).toInstant();

    private final DataSource dataSource;
    private final Map<String, String> settings;
    private final Clock clock = Clock.fixed(NOW, ZoneId.of("UTC"));

    TestContext(DataSource dataSource) {
        this(dataSource, Map.of());
    }

    TestContext(DataSource dataSource, Map<String, String> settings) {
        this.dataSource = dataSource;
        this.settings = Map.copyOf(settings);
    }

    @Override
    public String pluginId() {
        return "todos";
    }

    @Override
    public DataSource dataSource() {
        return dataSource;
    }

    @Override
    public Workspace workspace() {
        throw new UnsupportedOperationException("the todos plugin does not use the workspace");
    }

    @Override
    public PluginSettings settings() {
        return key -> Optional.ofNullable(settings.get(key));
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public ZoneId userZone() {
        return ZONE;
    }

    @Override
    public Notifier notifier() {
        throw new UnsupportedOperationException("the todos plugin does not send notifications");
    }

    @Override
    public PluginScheduler scheduler() {
        throw new UnsupportedOperationException("the todos plugin does not schedule work");
    }

    @Override
    public dev.cortana.api.Approvals approvals() {
        throw new UnsupportedOperationException("the todos plugin does not ask for approvals");
    }
}
