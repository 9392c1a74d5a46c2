package dev.cortana.host.plugins;

import dev.cortana.api.CortanaContext;
import dev.cortana.api.Approvals;
import dev.cortana.api.Notifier;
import dev.cortana.api.PluginScheduler;
import dev.cortana.api.PluginSettings;
import dev.cortana.api.Workspace;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link CortanaContext} of one plugin: the host's services, with settings looked up in the plugin's own section
 * first and a scheduler whose tasks die with the plugin. {@link PluginHost} creates one per loaded plugin and
 * {@link #close() closes} it when the plugin stops; plugin tests may build one directly from {@link HostServices}.
 */
public final class HostPluginContext implements CortanaContext, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HostPluginContext.class);

    private final String pluginId;
    private final HostServices services;
    private final PluginSettings settings;
    private final TrackingScheduler scheduler;
    private final dev.cortana.host.jobs.PluginJobs jobs; // null where the host has no job runner (unit tests)

    public HostPluginContext(String pluginId, HostServices services) {
        this.pluginId = Objects.requireNonNull(pluginId, "pluginId");
        this.services = Objects.requireNonNull(services, "services");
        this.settings = key -> {
            java.util.Map<String, String> section = services.config().pluginSection(pluginId);
            String own = section == null ? null : section.get(key);
            return own != null && !own.isBlank() ? Optional.of(own) : services.config().get(key);
        };
        this.scheduler = new TrackingScheduler(pluginId, services.scheduler());
        this.jobs = services.jobs() == null ? null : services.jobs().forPlugin(pluginId);
    }

    @Override public String pluginId() { return pluginId; }
    @Override public DataSource dataSource() { return services.dataSource(); }
    @Override public Workspace workspace() { return services.workspace(); }
    @Override public PluginSettings settings() { return settings; }
    @Override public Clock clock() { return services.clock(); }
    @Override public ZoneId userZone() { return services.userZone().get(); }
    @Override public Notifier notifier() { return services.notifier(); }
    @Override public Approvals approvals() { return services.approvals(); }
    @Override public PluginScheduler scheduler() { return scheduler; }

    @Override
    public dev.cortana.api.jobs.DurableJobs jobs() {
        if (jobs == null) {
            throw new UnsupportedOperationException("Durable jobs are not available in this host");
        }
        return jobs;
    }

    /** Cancels everything the plugin scheduled and refuses new tasks: the plugin is stopping. */
    @Override
    public void close() {
        scheduler.close();
        if (jobs != null) {
            jobs.close(); // its jobs wait in the database for the plugin to start again
        }
    }

    /**
     * Schedules on the host's executor and remembers the futures so the plugin's tasks can be cancelled with it. A task
     * that throws is logged (once per distinct failure, so a periodic task cannot flood the log) and, being caught,
     * keeps its schedule: an executor would otherwise cancel a periodic task silently after its first exception.
     */
    private static final class TrackingScheduler implements PluginScheduler {

        private final String pluginId;
        private final ScheduledExecutorService executor;
        private final Set<ScheduledFuture<?>> futures = ConcurrentHashMap.newKeySet();
        private volatile boolean closed;

        TrackingScheduler(String pluginId, ScheduledExecutorService executor) {
            this.pluginId = pluginId;
            this.executor = executor;
        }

        @Override
        public ScheduledFuture<?> after(Duration delay, Runnable task) {
            checkOpen();
            return track(executor.schedule(guard(task), delay.toNanos(), TimeUnit.NANOSECONDS));
        }

        /** Runs {@code task} every {@code period}, first after one period; a slow run delays the next, never overlaps it. */
        @Override
        public ScheduledFuture<?> every(Duration period, Runnable task) {
            checkOpen();
            if (period.isZero() || period.isNegative()) {
                throw new IllegalArgumentException("period must be positive, got " + period);
            }
            long nanos = period.toNanos();
            return track(executor.scheduleWithFixedDelay(guard(task), nanos, nanos, TimeUnit.NANOSECONDS));
        }

        private void checkOpen() {
            if (closed) {
                throw new IllegalStateException("Plugin " + pluginId + " is stopped; it cannot schedule tasks");
            }
        }

        private ScheduledFuture<?> track(ScheduledFuture<?> future) {
            futures.removeIf(ScheduledFuture::isDone);
            futures.add(future);
            if (closed) { // closed while we were scheduling
                future.cancel(false);
            }
            return future;
        }

        private Runnable guard(Runnable task) {
            Objects.requireNonNull(task, "task");
            return new Runnable() {
                private String lastFailure;

                @Override
                public void run() {
                    try {
                        task.run();
                        lastFailure = null;
                    } catch (VirtualMachineError e) {
                        throw e;
                    } catch (Throwable e) {
                        String failure = e.getClass().getName() + ": " + e.getMessage();
                        if (failure.equals(lastFailure)) {
                            log.debug("Plugin {}: a scheduled task failed again: {}", pluginId, failure, e);
                        } else {
                            log.warn("Plugin {}: a scheduled task failed: {}", pluginId, PluginHost.describe(e), e);
                        }
                        lastFailure = failure;
                    }
                }
            };
        }

        void close() {
            closed = true;
            for (ScheduledFuture<?> future : futures) {
                future.cancel(false);
            }
            futures.clear();
            if (executor instanceof ScheduledThreadPoolExecutor pool) {
                pool.purge(); // drop the cancelled tasks now: they hold the plugin's classes until their next run time
            }
        }
    }
}
