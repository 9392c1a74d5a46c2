package dev.cortana.host.plugins;

import dev.cortana.host.plugins.ContextExtensionFactory.ExtensionCreationException;
import dev.cortana.host.plugins.CortanaPluginManager.PluginClassException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLClassLoader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.pf4j.AbstractExtensionFinder;
import org.pf4j.DependencyResolver;
import org.pf4j.Extension;
import org.pf4j.IndexedExtensionFinder;
import org.pf4j.PluginDependency;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the plugins of one folder with PF4J and keeps them in step with the folder while Cortana runs.
 *
 * <p>Every JAR (or PF4J ZIP) is loaded on its own: a broken file is logged once, recorded in {@link #statuses()} with
 * a reason a user can act on, and skipped, so one bad download never takes the other plugins down. Extensions are
 * created once when their plugin starts (so a constructor that throws is reported at load time, not on the first
 * message) and get their plugin's {@link HostPluginContext}.
 *
 * <p>Threading: PF4J is not thread-safe, so loading and unloading happen under one lock ({@link #start()}, the
 * watcher, {@link #close()}). Readers ({@link #extensions}, {@link #generation()}, {@link #statuses()}) never take it:
 * they read immutable snapshots, and a plugin leaves the snapshot before it is stopped, so a reader never gets an
 * extension of a plugin that is already being unloaded.
 */
public final class PluginHost implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PluginHost.class);

    /** How often {@link #watch()} looks at the folder; a change is applied once a file looks the same twice. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(500);

    static final String NO_DESCRIPTOR = "no plugin descriptor (MANIFEST Plugin-Id or plugin.properties)";
    static final String NOT_AN_ARCHIVE = "not a JAR/ZIP file";

    /** Classes plugins must take from the host, one per shared library. */
    private static final List<Class<?>> SHARED_CLASSES = List.of(dev.cortana.api.CortanaContext.class,
            dev.langchain4j.agent.tool.ToolSpecification.class, com.fasterxml.jackson.databind.JsonNode.class);

    private final Path pluginsDir;
    private final String hostVersion;
    private final HostServices services;
    private final ContextExtensionFactory extensionFactory = new ContextExtensionFactory();
    private final List<Runnable> changeListeners = new CopyOnWriteArrayList<>();

    /** What readers see: replaced whole, so extensions, generation and statuses always agree. */
    private volatile Snapshot snapshot = new Snapshot(0, List.of(), List.of());

    /** Guards PF4J and every field below it. */
    private final ReentrantLock lock = new ReentrantLock();
    private CortanaPluginManager manager;
    /** Every plugin file seen, with what became of it. Invariant: PF4J holds exactly the plugins in {@link #running}. */
    private final Map<Path, Tracked> files = new TreeMap<>();
    /** Files that changed at the last poll: applied when the next poll sees them unchanged (the copy is complete). */
    private final Map<Path, FileStamp> unsettled = new HashMap<>();
    private final TreeMap<String, Running> running = new TreeMap<>();
    private ScheduledExecutorService watcher;
    private boolean started;
    private boolean closed;

    /**
     * @param pluginsDir  the folder to load plugins from ({@code PLUGINS_DIR}); created by {@link #start()} if missing
     * @param hostVersion Cortana's version, checked against each plugin's {@code Plugin-Requires}
     * @param services    what plugins get through their {@link dev.cortana.api.CortanaContext}
     */
    public PluginHost(Path pluginsDir, String hostVersion, HostServices services) {
        this.pluginsDir = pluginsDir.toAbsolutePath().normalize();
        this.hostVersion = hostVersion;
        this.services = services;
    }

    public Path pluginsDir() {
        return pluginsDir;
    }

    /**
     * Creates the folder if needed, then loads and starts every plugin file in it. Returns normally whatever the
     * plugins do; see {@link #statuses()} for the ones that failed.
     *
     * @throws UncheckedIOException when the folder cannot be created or listed
     */
    public void start() {
        long before = generation();
        lock.lock();
        try {
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
            Map<Path, FileStamp> found;
            try {
                found = listFolder();
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot list the plugins folder " + pluginsDir, e);
            }
            manager = new CortanaPluginManager(pluginsDir, checkedHostVersion(), extensionFactory);
            started = true;
            for (Map.Entry<Path, FileStamp> file : found.entrySet()) {
                files.put(file.getKey(), apply(file.getKey(), file.getValue(), null));
                publish();
            }
            retryWaiting();
            publish();
            if (files.isEmpty()) {
                log.info("No plugins in {}: copy plugin JARs there to add tools", pluginsDir);
            } else {
                log.info("Plugins: {} started, {} not started (in {})",
                        running.size(), files.size() - running.size(), pluginsDir);
            }
        } finally {
            lock.unlock();
        }
        fireIfChanged(before);
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
            int count = running.size();
            while (!running.isEmpty()) {
                Running last = running.lastEntry().getValue();
                unload(last, "Cortana is shutting down", true);
            }
            files.clear();
            unsettled.clear();
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
                now = listFolder();
            } catch (IOException e) {
                log.debug("Cannot list the plugins folder {}: {}", pluginsDir, describe(e));
                return;
            }
            boolean changed = false;
            for (Path file : new ArrayList<>(files.keySet())) {
                if (!now.containsKey(file)) {
                    Tracked gone = files.remove(file);
                    Optional<Running> plugin = runningFrom(file);
                    if (plugin.isPresent()) {
                        unload(plugin.get(), "file removed", false);
                    } else {
                        log.info("Plugin file {} removed ({} was not started)", file.getFileName(), gone.status().label());
                    }
                    changed = true;
                }
            }
            unsettled.keySet().retainAll(now.keySet());
            for (Map.Entry<Path, FileStamp> entry : now.entrySet()) {
                Path file = entry.getKey();
                FileStamp stamp = entry.getValue();
                Tracked known = files.get(file);
                if (known != null && known.stamp().equals(stamp)) {
                    unsettled.remove(file);
                    continue;
                }
                if (!stamp.equals(unsettled.put(file, stamp))) {
                    continue; // new or still changing: wait for the copy to finish
                }
                unsettled.remove(file);
                Optional<Running> replaced = runningFrom(file);
                replaced.ifPresent(plugin -> unload(plugin, "file replaced", true));
                files.put(file, apply(file, stamp, replaced.orElse(null)));
                publish();
                changed = true;
            }
            if (changed) {
                retryWaiting();
                publish();
            }
        } finally {
            lock.unlock();
        }
        fireIfChanged(before);
    }

    /** The plugin files in the folder; hidden files (a copy in progress, often) and other extensions are ignored. */
    private Map<Path, FileStamp> listFolder() throws IOException {
        Map<Path, FileStamp> found = new TreeMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(pluginsDir)) {
            for (Path path : entries) {
                String name = path.getFileName().toString();
                String lower = name.toLowerCase(Locale.ROOT);
                if (name.startsWith(".") || !(lower.endsWith(".jar") || lower.endsWith(".zip"))) {
                    continue;
                }
                try {
                    BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
                    if (attributes.isRegularFile()) {
                        found.put(path, new FileStamp(attributes.size(), attributes.lastModifiedTime(), attributes.fileKey()));
                    }
                } catch (IOException removedMeanwhile) {
                    // gone between listing and reading: the next poll sees it as removed
                }
            }
        } catch (NoSuchFileException folderGone) {
            return found;
        }
        return found;
    }

    // ------------------------------------------------------------------------------------------ loading, unloading

    /** Loads and starts {@code file}, logging the outcome; returns what to remember about the file. */
    private Tracked apply(Path file, FileStamp stamp, Running replaced) {
        Tracked previous = files.get(file);
        try {
            Running plugin = load(file);
            running.put(plugin.id(), plugin); // published by the caller, with the file's new status
            if (replaced != null) {
                log.info("Plugin {} {} started (from {}, replacing {})",
                        plugin.id(), plugin.version(), file.getFileName(), replaced.version());
            } else {
                log.info("Plugin {} {} started (from {})", plugin.id(), plugin.version(), file.getFileName());
            }
            if (plugin.extensions().isEmpty()) {
                log.warn("Plugin {} {} ({}) has no extensions, so it adds nothing. Was it built with @Extension classes "
                        + "and PF4J's annotation processor (which writes META-INF/extensions.idx)?",
                        plugin.id(), plugin.version(), file.getFileName());
            }
            return new Tracked(stamp, startedStatus(plugin), false, null);
        } catch (LoadFailure failure) {
            String fileName = file.getFileName().toString();
            PluginStatus status = new PluginStatus(failure.id != null ? failure.id : fileName,
                    Optional.ofNullable(failure.version), failure.state, file, Optional.of(failure.reason));
            boolean alreadyReported = previous != null && previous.pendingWarning() == null && previous.status().equals(status);
            String what = failure.id == null ? fileName : fileName + " (" + status.label() + ")";
            String warning = "Plugin file " + file + " skipped: " + failure.reason + ". " + failure.advice + ".";
            String pendingWarning = null;
            if (alreadyReported) {
                log.debug("Plugin file {} still not started: {}", what, failure.reason);
            } else if (failure.state == PluginState.DISABLED) {
                log.info("Plugin file {} not started: {}", what, failure.reason);
            } else if (failure.waitsForOthers) {
                pendingWarning = warning; // other plugins may still unblock it: see reportStillWaiting()
            } else {
                log.warn(warning);
            }
            if (failure.getCause() != null) {
                log.debug("Why plugin file {} was skipped", fileName, failure.getCause());
            }
            if (replaced != null) {
                log.info("Plugin {} {} stopped and unloaded ({} was replaced by a file that does not start)",
                        replaced.id(), replaced.version(), fileName);
            }
            return new Tracked(stamp, status, failure.waitsForOthers, pendingWarning);
        }
    }

    private Running load(Path file) throws LoadFailure {
        checkArchive(file);
        PluginDescriptor descriptor;
        try {
            descriptor = manager.findDescriptor(file);
        } catch (RuntimeException e) {
            throw new LoadFailure(null, null, NO_DESCRIPTOR, noDescriptorAdvice(), e);
        }
        String id = blankToNull(descriptor.getPluginId());
        if (id == null) {
            throw new LoadFailure(null, null, NO_DESCRIPTOR, noDescriptorAdvice(), null);
        }
        String version = blankToNull(descriptor.getVersion());
        if (version == null) {
            throw new LoadFailure(id, null, "no plugin version (MANIFEST Plugin-Version or plugin.version)",
                    "Rebuild the plugin with a version", null);
        }

        Running sameId = running.get(id);
        if (sameId != null) {
            throw new LoadFailure(id, version, "duplicate plugin id '" + id + "' (already loaded from "
                    + sameId.file().getFileName() + ")", "Remove one of the two files", null).waitingForOthers();
        }

        String requires = manager.effectiveRequires(descriptor.getRequires());
        boolean compatible;
        try {
            compatible = manager.satisfies(descriptor.getRequires());
        } catch (RuntimeException e) {
            throw new LoadFailure(id, version, "invalid Plugin-Requires '" + descriptor.getRequires() + "'",
                    "Ask the plugin's author for a build with a SemVer expression such as >=0.1.0", e);
        }
        if (!compatible) {
            throw new LoadFailure(id, version, "requires Cortana " + requires + ", this is " + hostVersion,
                    "Update Cortana, or use a version of the plugin made for Cortana " + hostVersion, null);
        }

        if (manager.isDisabled(id)) {
            throw new LoadFailure(id, version, disabledReason(id), "", null).withState(PluginState.DISABLED);
        }

        if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".zip")) {
            forceFreshExpansion(file);
        }
        try {
            manager.loadPlugin(file);
        } catch (DependencyResolver.DependenciesNotFoundException e) {
            discard(id, null, null);
            throw new LoadFailure(id, version, "needs plugin(s) " + String.join(", ", e.getDependencies())
                    + ", which are not started", "Add the plugins it needs to " + pluginsDir, e).waitingForOthers();
        } catch (DependencyResolver.DependenciesWrongVersionException e) {
            discard(id, null, null);
            String needs = e.getDependencies().stream()
                    .map(d -> d.getDependencyId() + " " + d.getRequiredVersion() + " (found " + d.getExistingVersion() + ")")
                    .collect(Collectors.joining(", "));
            throw new LoadFailure(id, version, "needs plugin " + needs, "Update the plugins it needs", e).waitingForOthers();
        } catch (RuntimeException | LinkageError e) {
            discard(id, null, null);
            throw new LoadFailure(id, version, "cannot be loaded: " + describe(e), "Rebuild or reinstall the plugin", e);
        }
        PluginWrapper wrapper = manager.getPlugin(id);
        if (wrapper == null) {
            throw new LoadFailure(id, version, "cannot be loaded", "Rebuild or reinstall the plugin", null);
        }

        ClassLoader loader = wrapper.getPluginClassLoader();
        HostPluginContext context = new HostPluginContext(id, services);
        extensionFactory.register(loader, context);
        try {
            PluginState state = manager.startQuietly(wrapper);
            if (!state.isStarted()) {
                Throwable cause = wrapper.getFailedException();
                String reason = cause instanceof PluginClassException
                        ? cause.getMessage()
                        : state == PluginState.DISABLED ? disabledReason(id) : "start() failed: " + describe(cause);
                throw new LoadFailure(id, version, reason,
                        "Check the plugin's settings, or report the error to its author", cause);
            }
            List<Object> extensions = createExtensions(id, version, wrapper);
            return new Running(id, version, file, wrapper, context, List.copyOf(extensions));
        } catch (LoadFailure failure) {
            discard(id, loader, context);
            throw failure;
        } catch (RuntimeException | LinkageError e) {
            discard(id, loader, context);
            throw new LoadFailure(id, version, "cannot be started: " + describe(e),
                    "Check the plugin's settings, or report the error to its author", e);
        }
    }

    /** A readable ZIP with a descriptor in it; checked first so PF4J never logs stack traces for these common cases. */
    private static void checkArchive(Path file) throws LoadFailure {
        boolean jar = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jar");
        try (ZipFile zip = new ZipFile(file.toFile())) {
            if (zip.getEntry("plugin.properties") != null) {
                return;
            }
            ZipEntry manifestEntry = zip.getEntry(jar ? "META-INF/MANIFEST.MF" : "classes/META-INF/MANIFEST.MF");
            if (manifestEntry != null) {
                try (InputStream in = zip.getInputStream(manifestEntry)) {
                    if (blankToNull(new Manifest(in).getMainAttributes().getValue("Plugin-Id")) != null) {
                        return;
                    }
                }
            }
        } catch (ZipException e) {
            throw new LoadFailure(null, null, NOT_AN_ARCHIVE, "Replace it with a plugin JAR or remove it", e);
        } catch (IOException e) {
            throw new LoadFailure(null, null, "cannot be read: " + describe(e), "Check the file and its permissions", e);
        }
        throw new LoadFailure(null, null, NO_DESCRIPTOR, noDescriptorAdvice(), null);
    }

    private static String noDescriptorAdvice() {
        return "If it is a library, remove it from the plugins folder (bundle it inside the plugin that needs it)";
    }

    /**
     * Creates every extension of a just-started plugin, so a class that cannot load or a constructor that throws fails
     * the plugin now, with a reason, instead of a tool silently missing later.
     */
    private List<Object> createExtensions(String id, String version, PluginWrapper wrapper) throws LoadFailure {
        ClassLoader loader = wrapper.getPluginClassLoader();
        checkSharedClasses(id, version, loader);
        if (loader instanceof URLClassLoader own && own.findResource(IndexedExtensionFinder.EXTENSIONS_RESOURCE) == null) {
            return List.of(); // PF4J would read the host's own index instead: those classes are not the plugin's
        }
        List<Class<?>> classes = new ArrayList<>();
        for (String className : new TreeSet<>(manager.getExtensionClassNames(id))) {
            Class<?> type;
            try {
                type = loader.loadClass(className);
            } catch (ClassNotFoundException | LinkageError e) {
                throw new LoadFailure(id, version, "extension " + className + " cannot be loaded: " + describe(e),
                        "Rebuild the plugin with the libraries it needs inside its JAR", e);
            }
            if (type.getClassLoader() == loader) { // a class the plugin did not define is not its extension
                classes.add(type);
            }
        }
        classes.sort(Comparator.<Class<?>>comparingInt(PluginHost::ordinal).thenComparing(Class::getName));
        List<Object> extensions = new ArrayList<>(classes.size());
        for (Class<?> type : classes) {
            try {
                extensions.add(extensionFactory.create(type));
            } catch (ExtensionCreationException e) {
                throw new LoadFailure(id, version, "extension " + e.getMessage(),
                        "Check the plugin's settings, or report the error to its author", e.getCause());
            }
        }
        return extensions;
    }

    /**
     * A plugin that bundles its own copy of the API (a missing {@code provided} scope) defines look-alike types: its
     * extensions would silently not count as tools or providers. Caught here, with the fix in the message.
     */
    private static void checkSharedClasses(String id, String version, ClassLoader loader) throws LoadFailure {
        for (Class<?> shared : SHARED_CLASSES) {
            Class<?> seen;
            try {
                seen = loader.loadClass(shared.getName());
            } catch (ClassNotFoundException | LinkageError e) {
                continue;
            }
            if (seen != shared) {
                throw new LoadFailure(id, version, "bundles its own copy of " + shared.getPackageName()
                        + " (Cortana provides it)", "Rebuild the plugin with cortana-api, langchain4j-core and Jackson "
                        + "as provided dependencies", null);
            }
        }
    }

    private static int ordinal(Class<?> type) {
        Extension extension = AbstractExtensionFinder.findExtensionAnnotation(type);
        return extension == null ? 0 : extension.ordinal();
    }

    /** Takes {@code plugin} and the plugins that depend on it out of service, then stops and unloads them. */
    private void unload(Running plugin, String why, boolean quiet) {
        for (Running dependent : dependentsOf(plugin.id())) {
            if (running.remove(dependent.id()) != null) {
                String reason = "needs plugin " + plugin.id() + ", which was unloaded";
                files.computeIfPresent(dependent.file(), (file, tracked) -> new Tracked(tracked.stamp(),
                        new PluginStatus(dependent.id(), Optional.of(dependent.version()), PluginState.STOPPED, file,
                                Optional.of(reason)), true, null));
                publish();
                discard(dependent.id(), dependent.wrapper().getPluginClassLoader(), dependent.context());
                if (quiet) {
                    log.debug("Plugin {} {} stopped and unloaded (it needs {})", dependent.id(), dependent.version(), plugin.id());
                } else {
                    log.info("Plugin {} {} stopped and unloaded (it needs {})", dependent.id(), dependent.version(), plugin.id());
                }
            }
        }
        running.remove(plugin.id());
        publish(); // readers stop seeing its extensions before anything is stopped
        discard(plugin.id(), plugin.wrapper().getPluginClassLoader(), plugin.context());
        if (quiet) {
            log.debug("Plugin {} {} stopped and unloaded ({})", plugin.id(), plugin.version(), why);
        } else {
            log.info("Plugin {} {} stopped and unloaded ({})", plugin.id(), plugin.version(), why);
        }
        reconcile();
    }

    /** The started plugins that need {@code pluginId}, directly or not, the most dependent first. */
    private List<Running> dependentsOf(String pluginId) {
        Set<String> found = new LinkedHashSet<>();
        List<String> queue = new ArrayList<>(List.of(pluginId));
        while (!queue.isEmpty()) {
            String needed = queue.remove(0);
            for (Running candidate : running.values()) {
                for (PluginDependency dependency : candidate.wrapper().getDescriptor().getDependencies()) {
                    if (dependency.getPluginId().equals(needed) && !candidate.id().equals(pluginId) && found.add(candidate.id())) {
                        queue.add(candidate.id());
                    }
                }
            }
        }
        List<Running> dependents = new ArrayList<>();
        for (String id : found) {
            dependents.add(0, running.get(id));
        }
        return dependents;
    }

    /** Cancels the plugin's tasks, drops its extensions, and has PF4J stop and unload it (closing its class loader). */
    private void discard(String id, ClassLoader loader, HostPluginContext context) {
        if (context != null) {
            context.close();
        }
        if (loader != null) {
            extensionFactory.forget(loader);
        }
        if (manager.getPlugin(id) != null) {
            try {
                manager.unloadPlugin(id);
            } catch (RuntimeException | LinkageError e) {
                log.warn("Plugin {} did not unload cleanly: {}", id, describe(e));
                log.debug("Why plugin {} did not unload cleanly", id, e);
            }
        }
    }

    /** Safety net: drops any plugin PF4J stopped behind our back (it unloads dependents on its own). */
    private void reconcile() {
        for (Running plugin : new ArrayList<>(running.values())) {
            PluginWrapper wrapper = manager.getPlugin(plugin.id());
            if (wrapper != plugin.wrapper() || !wrapper.getPluginState().isStarted()) {
                running.remove(plugin.id());
                files.computeIfPresent(plugin.file(), (file, tracked) -> new Tracked(tracked.stamp(),
                        new PluginStatus(plugin.id(), Optional.of(plugin.version()), PluginState.STOPPED, file,
                                Optional.of("a plugin it depends on was unloaded")), true, null));
                publish();
                discard(plugin.id(), plugin.wrapper().getPluginClassLoader(), plugin.context());
                log.info("Plugin {} {} stopped and unloaded (with a plugin it depends on)", plugin.id(), plugin.version());
            }
        }
    }

    /**
     * Retries the files that failed because of other plugins (a duplicate id, a missing dependency) now that the set
     * of plugins changed; repeats while that starts something, since one start may unblock another.
     */
    private void retryWaiting() {
        try {
            retryRounds();
        } finally {
            reportStillWaiting();
        }
    }

    private void retryRounds() {
        for (int round = 0; round <= files.size(); round++) {
            boolean progress = false;
            for (Map.Entry<Path, Tracked> entry : new ArrayList<>(files.entrySet())) {
                if (entry.getValue().waitsForOthers()) {
                    Tracked retried = apply(entry.getKey(), entry.getValue().stamp(), null);
                    files.put(entry.getKey(), retried);
                    publish();
                    progress |= retried.status().started();
                }
            }
            if (!progress) {
                return;
            }
        }
    }

    /** Logs, once, the files the retries could not start. */
    private void reportStillWaiting() {
        for (Map.Entry<Path, Tracked> entry : files.entrySet()) {
            Tracked tracked = entry.getValue();
            if (tracked.pendingWarning() != null) {
                log.warn(tracked.pendingWarning());
                entry.setValue(new Tracked(tracked.stamp(), tracked.status(), tracked.waitsForOthers(), null));
            }
        }
    }

    private Optional<Running> runningFrom(Path file) {
        return running.values().stream().filter(plugin -> plugin.file().equals(file)).findFirst();
    }

    private String disabledReason(String id) {
        return Files.isRegularFile(pluginsDir.resolve("enabled.txt")) && !listed(pluginsDir.resolve("enabled.txt"), id)
                ? "not listed in enabled.txt"
                : "listed in disabled.txt";
    }

    private static boolean listed(Path file, String id) {
        try {
            return Files.readAllLines(file).stream().map(String::trim).anyMatch(id::equals);
        } catch (IOException e) {
            return false;
        }
    }

    /** PF4J re-expands a ZIP only when it is newer than its folder; a replaced ZIP may carry an older date. */
    private static void forceFreshExpansion(Path zip) {
        String name = zip.getFileName().toString();
        Path expanded = zip.resolveSibling(name.substring(0, name.lastIndexOf('.')));
        if (Files.isDirectory(expanded)) {
            try {
                Files.setLastModifiedTime(expanded, FileTime.fromMillis(0));
            } catch (IOException e) {
                log.debug("Cannot reset the date of {}: {}", expanded, describe(e));
            }
        }
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
        List<Running> started = List.copyOf(running.values());
        boolean changed = started.size() != current.started().size();
        for (int i = 0; !changed && i < started.size(); i++) {
            changed = started.get(i) != current.started().get(i);
        }
        List<PluginStatus> statuses = files.values().stream()
                .map(Tracked::status)
                .sorted(Comparator.comparing((PluginStatus status) -> status.id().toLowerCase(Locale.ROOT))
                        .thenComparing(PluginStatus::file))
                .toList();
        snapshot = new Snapshot(changed ? current.generation() + 1 : current.generation(), started, statuses);
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

    private static PluginStatus startedStatus(Running plugin) {
        return new PluginStatus(plugin.id(), Optional.of(plugin.version()), PluginState.STARTED, plugin.file(), Optional.empty());
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
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

    // ------------------------------------------------------------------------------------------------------ state

    /** What identifies a version of a file: a copy changes the size or date, an atomic move the inode. */
    private record FileStamp(long size, FileTime modified, Object fileKey) {
    }

    /**
     * @param waitsForOthers retried whenever the set of plugins changes (a duplicate id, a missing dependency)
     * @param pendingWarning the warning to log if the retries do not start it; null once logged
     */
    private record Tracked(FileStamp stamp, PluginStatus status, boolean waitsForOthers, String pendingWarning) {
    }

    private record Running(String id, String version, Path file, PluginWrapper wrapper, HostPluginContext context,
                           List<Object> extensions) {
    }

    private record Snapshot(long generation, List<Running> started, List<PluginStatus> statuses) {
    }

    /** Why a file was not started, and what the user can do about it. */
    private static final class LoadFailure extends Exception {
        final String id;
        final String version;
        final String reason;
        final String advice;
        PluginState state = PluginState.FAILED;
        boolean waitsForOthers;

        LoadFailure(String id, String version, String reason, String advice, Throwable cause) {
            super(reason, cause, false, false);
            this.id = id;
            this.version = version;
            this.reason = reason;
            this.advice = advice;
        }

        LoadFailure waitingForOthers() {
            waitsForOthers = true;
            return this;
        }

        LoadFailure withState(PluginState newState) {
            state = newState;
            return this;
        }
    }
}
