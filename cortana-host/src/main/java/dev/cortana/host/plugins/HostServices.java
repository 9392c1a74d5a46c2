package dev.cortana.host.plugins;

import dev.cortana.api.Approvals;
import dev.cortana.api.Notifier;
import dev.cortana.api.Workspace;
import dev.cortana.host.config.Config;
import dev.cortana.host.services.PluginPlatform;
import java.time.Clock;
import java.time.ZoneId;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * What the host shares with plugins; {@link PluginHost} scopes it per plugin into a
 * {@link dev.cortana.api.CortanaContext}.
 */
public record HostServices(
        DataSource dataSource,
        Workspace workspace,
        Config config,
        Clock clock,
        Supplier<ZoneId> userZone,
        Notifier notifier,
        Approvals approvals,
        ScheduledExecutorService scheduler,
        Optional<PluginPlatform> platform,
        dev.cortana.host.jobs.JobScheduler jobs) {

    /** Without the platform services (HTTP, model, key pools) and durable jobs: plugin tests that need none of them. */
    public HostServices(DataSource dataSource, Workspace workspace, Config config, Clock clock, Supplier<ZoneId> userZone,
                        Notifier notifier, Approvals approvals, ScheduledExecutorService scheduler) {
        this(dataSource, workspace, config, clock, userZone, notifier, approvals, scheduler, Optional.empty(), null);
    }

    /** With the platform services, without durable jobs. */
    public HostServices(DataSource dataSource, Workspace workspace, Config config, Clock clock, Supplier<ZoneId> userZone,
                        Notifier notifier, Approvals approvals, ScheduledExecutorService scheduler,
                        Optional<PluginPlatform> platform) {
        this(dataSource, workspace, config, clock, userZone, notifier, approvals, scheduler, platform, null);
    }
}
