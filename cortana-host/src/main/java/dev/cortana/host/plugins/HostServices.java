package dev.cortana.host.plugins;

import dev.cortana.api.Approvals;
import dev.cortana.api.Notifier;
import dev.cortana.api.Workspace;
import dev.cortana.host.config.Config;
import java.time.Clock;
import java.time.ZoneId;
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
        dev.cortana.host.jobs.JobScheduler jobs) {
}
