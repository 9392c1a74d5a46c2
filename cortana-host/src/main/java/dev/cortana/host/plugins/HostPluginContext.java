package dev.cortana.host.plugins;

import dev.cortana.api.ApiKeyPool;
import dev.cortana.api.CortanaContext;
import dev.cortana.api.HostHttp;
import dev.cortana.api.llm.ModelAccess;
import dev.cortana.host.services.PluginPlatform;
import java.util.Map;
import dev.cortana.api.Approvals;
import dev.cortana.api.Notifier;
import dev.cortana.api.PluginScheduler;
import dev.cortana.api.PluginSettings;
import dev.cortana.api.Workspace;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link CortanaContext} of one plugin: the host's services, with settings scoped to the plugin (its own section,
 * the keys it declares and the user grants it: {@link ScopedSettings}) and a scheduler whose tasks die with the plugin. {@link PluginHost} creates one per loaded plugin and
 * {@link #close() closes} it when the plugin stops; plugin tests may build one directly from {@link HostServices}.
 */
public final class HostPluginContext implements CortanaContext, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HostPluginContext.class);

    private final String pluginId;
    private final HostServices services;
    private final ScopedSettings settings;
    private final TrackingScheduler scheduler;
    private final Map<String, ApiKeyPool> keyPools = new ConcurrentHashMap<>();
    private final dev.cortana.host.jobs.PluginJobs jobs; // null where the host has no job runner (unit tests)
    private volatile dev.cortana.host.services.HostProcesses processes; // made on first use

    /** A context for a plugin that declares no settings: it reads its own YAML section only. */
    public HostPluginContext(String pluginId, HostServices services) {
        this(pluginId, List.of(), name -> false, services);
    }

    /**
     * @param declaredSettings the plugin's {@code Plugin-Settings} (names or {@code *} patterns)
     * @param llmProvider      whether a started LLM provider plugin serves a provider name: its keys stay the host's
     */
    public HostPluginContext(String pluginId, List<String> declaredSettings, Predicate<String> llmProvider,
                             HostServices services) {
        this.pluginId = Objects.requireNonNull(pluginId, "pluginId");
        this.services = Objects.requireNonNull(services, "services");
        this.settings = new ScopedSettings(pluginId, declaredSettings, services.config(), llmProvider);
        this.scheduler = new TrackingScheduler(pluginId, services.scheduler());
        this.jobs = services.jobs() == null ? null : services.jobs().forPlugin(pluginId);
    }

    @Override public String pluginId() { return pluginId; }
    @Override public DataSource dataSource() { return services.dataSource(); }
    @Override public Workspace workspace() { return services.workspace(); }
    @Override public PluginSettings settings() { return settings; }

    /** The same settings, with what the plugin declared and was granted, for {@code /plugins}. */
    public ScopedSettings scopedSettings() { return settings; }
    @Override public Clock clock() { return services.clock(); }
    @Override public ZoneId userZone() { return services.userZone().get(); }

    @Override
    public boolean userZoneChosen() {
        return services.userZone() instanceof UserZone zone ? zone.chosen().getAsBoolean() : true;
    }
    @Override public Notifier notifier() { return services.notifier(); }
    @Override public Approvals approvals() { return services.approvals(); }
    @Override public PluginScheduler scheduler() { return scheduler; }
    @Override public HostHttp http() { return platform().http(); }
    @Override public ModelAccess model() { return platform().model(pluginId); }

    @Override
    public ApiKeyPool apiKeys(String name) {
        PluginPlatform platform = platform();
        return keyPools.computeIfAbsent(name, n -> platform.keyPool(pluginId, n, settings));
    }

    @Override
    public void toolsChanged() {
        services.platform().ifPresent(platform -> platform.toolsChanged(pluginId));
    }

    private PluginPlatform platform() {
        return services.platform().orElseThrow(() -> new UnsupportedOperationException(
                "Plugin " + pluginId + " asked for a host service these test services do not offer"));
    }

    @Override
    public dev.cortana.api.jobs.DurableJobs jobs() {
        if (jobs == null) {
            throw new UnsupportedOperationException("Durable jobs are not available in this host");
        }
        return jobs;
    }

    @Override
    public synchronized dev.cortana.api.SandboxedProcesses processes() {
        if (processes == null) {
            processes = new dev.cortana.host.services.HostProcesses(pluginId, services.workspace());
        }
        return processes;
    }

    /** Cancels everything the plugin scheduled and refuses new tasks: the plugin is stopping. */
    @Override
    public void close() {
        scheduler.close();
        if (processes != null) {
            processes.close(); // its child processes never outlive it
        }
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
