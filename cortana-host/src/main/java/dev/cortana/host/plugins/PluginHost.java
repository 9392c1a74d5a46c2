package dev.cortana.host.plugins;

import dev.cortana.api.llm.LlmProvider;
import dev.cortana.host.config.Config;
import dev.cortana.host.plugins.PluginFolderScan.FileStamp;
import dev.cortana.host.plugins.PluginLoader.Running;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the plugins of one folder with PF4J and keeps them in step with the folder while Cortana runs.
 *
 * <p>Every JAR (or PF4J ZIP) is loaded on its own: a broken file is logged once, recorded in {@link #statuses()} with
 * a reason a user can act on, and skipped, so one bad download never takes the other plugins down. Extensions are
 * created once when their plugin starts (so a constructor that throws is reported at load time, not on the first
 * message) and get their plugin's {@link HostPluginContext}. A plugin's own code that the host waits for
 * ({@code start()}, {@code stop()}, constructors) runs under a time limit ({@code PLUGIN_START_TIMEOUT}, see
 * {@code PluginTimeLimit}): a plugin that never returns is failed with that reason and cannot freeze loading, the
 * watcher or shutdown.
 *
 * <p>Threading: PF4J is not thread-safe, so loading and unloading happen under one lock ({@link #start()}, the
 * watcher, {@link #close()}). Readers ({@link #extensions}, {@link #generation()}, {@link #statuses()}) never take it:
 * they read immutable snapshots, and a plugin leaves the snapshot before it is stopped, so a reader never gets an
 * extension of a plugin that is already being unloaded.
 *
 * <p>The work is split by concern, all under this class's lock: {@code PluginFolderScan} lists the folder and tells
 * settled changes, {@code PluginLoader} turns one file into a started plugin (or a reason it is not), and
 * {@code PluginRegistry} keeps every file's outcome and the running plugins, unloading dependents and retrying the
 * files that wait for other plugins.
 */
public final class PluginHost implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PluginHost.class);

    /**
     * How often {@link #watch()} looks at the folder; a change is applied once a file looks the same twice. 250 ms
     * keeps a dropped JAR, migrations included, within the 1 s target (docs/benchmarks.md, issue 10); a listing of
     * the folder is all it costs.
     */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(250);

    static final String NO_DESCRIPTOR = "no plugin descriptor (MANIFEST Plugin-Id or plugin.properties)";
    static final String NOT_AN_ARCHIVE = "not a JAR/ZIP file";

    private final Path pluginsDir;
    private final List<Path> folders;
    private final String hostVersion;
    private HostServices services; // given at construction or at start(services); guarded by lock
    private final PluginTimeLimit timeLimit;
    private final ContextExtensionFactory extensionFactory = new ContextExtensionFactory();
    private final List<Runnable> changeListeners = new CopyOnWriteArrayList<>();

    /** What readers see: replaced whole, so extensions, generation and statuses always agree. */
    private volatile Snapshot snapshot = new Snapshot(0, List.of(), List.of());

    /** Guards PF4J and every field below it. */
    private final ReentrantLock lock = new ReentrantLock();
    private final PluginFolderScan folder;
    private final PluginRegistry plugins = new PluginRegistry(this::publish);
    private ScheduledExecutorService watcher;
    private boolean started;
    private boolean closed;

    /**
     * @param pluginsDir  the folder to load plugins from ({@code PLUGINS_DIR}); created by {@link #start()} if missing
     * @param hostVersion Cortana's version, checked against each plugin's {@code Plugin-Requires}
     * @param services    what plugins get through their {@link dev.cortana.api.CortanaContext}
     */
    public PluginHost(Path pluginsDir, String hostVersion, HostServices services) {
        this(pluginsDir, hostVersion, services, PluginTimeLimit.DEFAULT);
    }

    /**
     * @param callTimeout the most a plugin's {@code start()}, {@code stop()} or an extension's constructor may take
     *                    ({@code PLUGIN_START_TIMEOUT}); a plugin over it is failed with that reason, and loading,
     *                    the watcher and shutdown go on without it
     */
    public PluginHost(Path pluginsDir, String hostVersion, HostServices services, Duration callTimeout) {
        this(pluginsDir, hostVersion, callTimeout);
        this.services = services;
    }

    /**
     * A host whose services are handed over at {@link #start(HostServices)}: for wiring where those services read the
     * plugins' extensions (the model router reads the provider plugins; plugins ask the model). Until then it has no
     * plugins and {@link #extensions} is empty.
     */
    public PluginHost(Path pluginsDir, String hostVersion, Duration callTimeout) {
        this(List.of(pluginsDir), hostVersion, callTimeout);
    }

    /**
     * Plugins from several folders ({@code PLUGINS_DIR=~/my-plugins:/app/plugins}), all watched: a plugin in an
     * earlier folder overrides one with the same id in a later folder (the log says so), and JARs are copied into the
     * first ({@link #pluginsDir()}).
     */
    public PluginHost(List<Path> folders, String hostVersion, Duration callTimeout) {
        if (folders.isEmpty()) {
            throw new IllegalArgumentException("no plugins folder");
        }
        this.folders = folders.stream().map(f -> f.toAbsolutePath().normalize()).distinct().toList();
        this.pluginsDir = this.folders.get(0);
        this.hostVersion = hostVersion;
        this.timeLimit = new PluginTimeLimit(callTimeout);
        this.folder = new PluginFolderScan(this.folders);
    }

    /** The first plugins folder: where your plugin JARs go. */
    public Path pluginsDir() {
        return pluginsDir;
    }

    /** Every plugins folder, in order of precedence. */
    public List<Path> pluginFolders() {
        return folders;
    }

    /** The files left out because a plugin with the same id is in an earlier folder, by the file that overrides each. */
    public Map<Path, Path> overridden() {
        lock.lock();
        try {
            return folder.overridden();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Creates the folder if needed, then loads and starts every plugin file in it. Returns normally whatever the
     * plugins do; see {@link #statuses()} for the ones that failed.
     *
     * @throws UncheckedIOException when the folder cannot be created or listed
     */
    public void start() {
        start(null);
    }

    /** {@link #start()} with the services plugins get; null keeps the ones given at construction. */
    public void start(HostServices servicesForPlugins) {
        long before = generation();
        lock.lock();
        try {
            if (servicesForPlugins != null && !started) {
                services = servicesForPlugins;
            }
            if (services == null) {
                throw new IllegalStateException("The plugin host was started without the services plugins get");
            }
            if (closed) {
                throw new IllegalStateException("The plugin host is closed");
            }
            if (started) {
                return;
            }
            try {
                Files.createDirectories(pluginsDir);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot create the plugins folder " + pluginsDir, e);
            }
            for (Path other : folders.subList(1, folders.size())) {
                if (!Files.isDirectory(other)) {
                    log.warn("The plugins folder {} does not exist: nothing is loaded from it until it does", other);
                }
            }
            Map<Path, FileStamp> found;
            try {
                found = folder.listFolder();
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot list the plugins folder " + pluginsDir, e);
            }
            CortanaPluginManager manager = new CortanaPluginManager(pluginsDir, checkedHostVersion(), extensionFactory,
                    timeLimit);
            plugins.open(new PluginLoader(manager, pluginsDir, hostVersion, services, extensionFactory, timeLimit,
                    plugins::fileOfLoaded, this::servedByLlmProvider));
            started = true;
            applyTogether(found);
            plugins.retryWaiting();
            publish();
            if (plugins.fileCount() == 0) {
                log.info("No plugins in {}: copy plugin JARs there to add tools", folderList());
            } else {
                log.info("Plugins: {} started, {} not started (in {})",
                        plugins.startedCount(), plugins.fileCount() - plugins.startedCount(), folderList());
            }
        } finally {
            lock.unlock();
        }
        fireIfChanged(before);
    }

    /** Starts the folder's files, their extensions' constructors several at a time ({@code PluginRegistry.applyFiles}). */
    private void applyTogether(Map<Path, FileStamp> found) {
        AtomicInteger count = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(Math.max(1, Math.min(8, found.size())), task -> {
            Thread thread = new Thread(task, "cortana-plugin-start-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        try {
            plugins.applyFiles(found, threads);
        } finally {
            threads.shutdown(); // every task has ended: applyFiles waited for each
        }
    }

    /** {@link #watch(Duration)} with {@link #DEFAULT_POLL_INTERVAL}. */
    public void watch() {
        watch(DEFAULT_POLL_INTERVAL);
    }

    /**
     * Starts (if needed) and keeps watching the folder on a daemon thread: a file added is loaded, a file removed is
     * stopped and unloaded, a file replaced (other size, modification time or inode) is unloaded and loaded again.
     * A file is applied only once two polls in a row see it unchanged, so a JAR still being copied is left alone; a
     * change is therefore live between one and two intervals after the copy finishes. Polling rather than a
     * {@code WatchService}: it behaves the same on every file system (network shares, Docker bind mounts included).
     * Calling it again while watching does nothing.
     */
    public void watch(Duration pollInterval) {
        start();
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("The plugin host is closed");
            }
            if (watcher != null) {
                return;
            }
            long millis = Math.max(10, pollInterval.toMillis());
            watcher = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread thread = new Thread(task, "cortana-plugin-watcher");
                thread.setDaemon(true);
                return thread;
            });
            watcher.scheduleWithFixedDelay(this::pollSafely, millis, millis, TimeUnit.MILLISECONDS);
            log.debug("Watching {} for plugin changes every {} ms", pluginsDir, millis);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The extensions of type {@code type} of the started plugins, by plugin id, then by PF4J ordinal and class name.
     * The same instances are returned until their plugin stops. Cheap and safe from any thread.
     */
    public <T> List<Contribution<T>> extensions(Class<T> type) {
        List<Contribution<T>> found = new ArrayList<>();
        for (Running plugin : snapshot.started()) {
            for (Object extension : plugin.extensions()) {
                if (type.isInstance(extension)) {
                    found.add(new Contribution<>(plugin.id(), type.cast(extension)));
                }
            }
        }
        return List.copyOf(found);
    }

    /** Whether a started LLM provider plugin serves {@code providerName}; its keys then stay the host's. */
    private boolean servedByLlmProvider(String providerName) {
        for (Contribution<LlmProvider> provider : extensions(LlmProvider.class)) {
            if (provider.extension().serves(providerName)) {
                return true;
            }
        }
        return false;
    }

    /** The settings of a started plugin (what it declared and was granted), or empty. */
    public Optional<ScopedSettings> settingsOf(String pluginId) {
        return snapshot.started().stream().filter(p -> p.id().equals(pluginId)).findFirst()
                .map(p -> p.context().scopedSettings());
    }

    /** Cortana's configuration, for keeping its secrets out of what plugins show. */
    Config config() {
        return services.config();
    }

    /** Increases whenever the set of started plugins changes: callers cache what they derive from the extensions. */
    public long generation() {
        return snapshot.generation();
    }

    /**
     * Runs {@code listener} after the set of started plugins changed (on the thread that changed it: the watcher's,
     * usually). A listener that throws is logged and does not stop the others.
     */
    public void addChangeListener(Runnable listener) {
        changeListeners.add(listener);
    }

    /** Every plugin file in the folder, started or not, by plugin id (or file name). */
    public List<PluginStatus> statuses() {
        return snapshot.statuses();
    }

    /** Stops the watcher, then stops and unloads every plugin. */
    @Override
    public void close() {
        ScheduledExecutorService stopping;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            stopping = watcher;
            watcher = null;
        } finally {
            lock.unlock();
        }
        if (stopping != null) {
            stopping.shutdown(); // not shutdownNow: interrupting PF4J halfway through a load would leave it inconsistent
            try {
                if (!stopping.awaitTermination(10, TimeUnit.SECONDS)) {
                    log.warn("The plugin watcher did not stop within 10 s; unloading plugins anyway");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        long before = generation();
        lock.lock();
        try {
            int count = plugins.unloadAll();
            folder.clear();
            publish();
            if (count > 0) {
                log.info("Stopped and unloaded {} plugin(s)", count);
            }
        } finally {
            lock.unlock();
        }
        fireIfChanged(before);
    }

    // ---------------------------------------------------------------------------------------------------- watching

    private void pollSafely() {
        try {
            poll();
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            log.warn("Checking the plugins folder {} failed: {}", pluginsDir, describe(e), e);
        }
    }

    private void poll() {
        long before = generation();
        lock.lock();
        try {
            if (closed) {
                return;
            }
            Map<Path, FileStamp> now;
            try {
                now = folder.listFolder();
            } catch (IOException e) {
                log.debug("Cannot list the plugins folder {}: {}", pluginsDir, describe(e));
                return;
            }
            boolean changed = plugins.removeGone(now);
            folder.retainOnly(now);
            for (Map.Entry<Path, FileStamp> entry : now.entrySet()) {
                Path file = entry.getKey();
                if (folder.settledChange(file, entry.getValue(), plugins.appliedStamp(file))) {
                    plugins.applyFile(file, entry.getValue());
                    changed = true;
                }
            }
            if (changed) {
                plugins.retryWaiting();
                publish();
            }
        } finally {
            lock.unlock();
        }
        fireIfChanged(before);
    }

    private String folderList() {
        return folders.stream().map(Path::toString).collect(java.util.stream.Collectors.joining(", "));
    }

    private String checkedHostVersion() {
        try {
            new org.pf4j.DefaultVersionManager().compareVersions(hostVersion, "0.0.0");
            return hostVersion;
        } catch (RuntimeException e) {
            log.warn("Cortana's version '{}' is not a SemVer version: plugins' Plugin-Requires are not checked", hostVersion);
            return "0.0.0";
        }
    }

    // ------------------------------------------------------------------------------------------------- publishing

    /** Publishes the current state to readers; the generation moves only when the started plugins changed. */
    private void publish() {
        Snapshot current = snapshot;
        List<Running> started = plugins.started();
        boolean changed = started.size() != current.started().size();
        for (int i = 0; !changed && i < started.size(); i++) {
            changed = started.get(i) != current.started().get(i);
        }
        snapshot = new Snapshot(changed ? current.generation() + 1 : current.generation(), started, plugins.statuses());
    }

    private void fireIfChanged(long before) {
        if (generation() == before) {
            return;
        }
        for (Runnable listener : changeListeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                log.warn("A plugin change listener failed: {}", describe(e), e);
            }
        }
    }

    /** An exception's message for a user: its message, its cause's, or its type. */
    static String describe(Throwable e) {
        if (e == null) {
            return "unknown error";
        }
        String message = e.getMessage();
        if (e instanceof NoClassDefFoundError || e instanceof ClassNotFoundException) {
            return "missing class " + (message == null ? "?" : message.replace('/', '.'));
        }
        if (message != null && !message.isBlank()) {
            return message;
        }
        return e.getCause() != null && e.getCause() != e ? describe(e.getCause()) : e.getClass().getSimpleName();
    }

    private record Snapshot(long generation, List<Running> started, List<PluginStatus> statuses) {
    }
}
