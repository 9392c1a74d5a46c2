package dev.cortana.host.plugins;

import dev.cortana.host.config.Config;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/** Host services for plugin tests: fixed clock, notifications collected in a list, a real scheduler. */
final class PluginTestServices implements AutoCloseable {

    final List<String> notifications = new CopyOnWriteArrayList<>();
    final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(2);
    volatile ZoneId userZone = ZoneId.of("Europe/Paris");
    final HostServices services;

    PluginTestServices() {
        this(Map.of(), Map.of());
    }

    /** @param sections the YAML {@code plugins:} sections by plugin id */
    PluginTestServices(Map<String, String> config, Map<String, Map<String, String>> sections) {
        Config settings = new Config() {
            @Override public Optional<String> get(String key) {
                return Optional.ofNullable(config.get(key)).filter(value -> !value.isBlank());
            }
            @Override public Map<String, String> all() { return config; }
            @Override public Map<String, String> pluginSection(String pluginId) {
                return sections.getOrDefault(pluginId, Map.of());
            }
        };
        services = new HostServices(null, null, settings, Clock.fixed(Instant.parse("2025-01-01T10:00:00Z"), ZoneOffset.UTC),
                () -> userZone, notifications::add, (question, timeout) -> dev.cortana.api.Approvals.Decision.DENIED, scheduler, null);
    }

    long ticks(String text) {
        return notifications.stream().filter(text::equals).count();
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
