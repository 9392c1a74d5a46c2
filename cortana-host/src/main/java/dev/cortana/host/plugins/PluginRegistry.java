package dev.cortana.host.plugins;

import dev.cortana.host.plugins.PluginFolderScan.FileStamp;
import dev.cortana.host.plugins.PluginLoader.LoadFailure;
import dev.cortana.host.plugins.PluginLoader.Running;
import dev.cortana.host.plugins.PluginLoader.Loaded;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.pf4j.PluginDependency;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@link PluginHost} made of the folder: every plugin file seen with what became of it, and the plugins running.
 * Applies a file (logging the outcome), unloads a plugin together with the plugins that need it, and retries the files
 * that wait for other plugins.
 *
 * <p>Invariant: PF4J holds exactly the plugins in {@code running}. Not thread-safe: {@link PluginHost} owns it and
 * calls it under its lock only; {@code publish} hands the current state to readers (see {@link PluginHost}).
 */
final class PluginRegistry {

    /** PluginHost's logger: the log lines keep the name users know and filter on. */
    private static final Logger log = LoggerFactory.getLogger(PluginHost.class);

    private final Runnable publish;
    /** Every plugin file seen, with what became of it. */
    private final Map<Path, Tracked> files = new TreeMap<>();
    private final TreeMap<String, Running> running = new TreeMap<>();
    /** The plugins of the batch {@link #applyFiles} is starting, by id, until their extensions are made. */
    private final Map<String, Loaded> startingBatch = new HashMap<>();
    private PluginLoader loader;

    PluginRegistry(Runnable publish) {
        this.publish = publish;
    }

    /** Called once, when the host starts: files are applied from then on. */
    void open(PluginLoader pluginLoader) {
        loader = pluginLoader;
    }

    /** The started plugin with this id, or {@code null}. */
    Running runningPlugin(String id) {
        return running.get(id);
    }

    /** The file of the plugin with this id, started or being started in a batch ({@link #applyFiles}), or null. */
    Path fileOfLoaded(String id) {
        Running plugin = running.get(id);
        if (plugin != null) {
            return plugin.file();
        }
        Loaded starting = startingBatch.get(id);
        return starting == null ? null : starting.file();
    }

    /** The started plugins, by id. */
    List<Running> started() {
        return List.copyOf(running.values());
    }

    int startedCount() {
        return running.size();
    }

    int fileCount() {
        return files.size();
    }

    /** Every file's status, by plugin id (or file name), then file. */
    List<PluginStatus> statuses() {
        return files.values().stream()
                .map(Tracked::status)
                .sorted(Comparator.comparing((PluginStatus status) -> status.id().toLowerCase(Locale.ROOT))
                        .thenComparing(PluginStatus::file))
                .toList();
    }

    /** The stamp {@code file} was last applied with, or {@code null} for a file not seen yet. */
    FileStamp appliedStamp(Path file) {
        Tracked known = files.get(file);
        return known == null ? null : known.stamp();
    }

    /** Unloads the plugins of the files no longer in the folder ({@code now}); true if there were any. */
    boolean removeGone(Map<Path, FileStamp> now) {
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
        return changed;
    }

    /** Loads and starts {@code file} as of {@code stamp}, unloading first the plugin it held before, and publishes. */
    void applyFile(Path file, FileStamp stamp) {
        Optional<Running> replaced = runningFrom(file);
        replaced.ifPresent(plugin -> unload(plugin, "file replaced", true));
        files.put(file, apply(file, stamp, replaced.orElse(null)));
        publish.run();
    }

    /**
     * Loads and starts the files of an empty folder (start-up) and publishes. Each file is loaded and started in PF4J
     * in turn (PF4J is not thread-safe); the extensions are made several plugins at a time, each plugin's constructors
     * on a thread of {@code threads} (they spawn processes, open clients, read files: much of it waits). LLM provider
     * plugins are started and their extensions made and published before any other plugin's code runs
     * ({@code Plugin-Class} or constructors), so a provider's keys stay the host's whatever order the files list in.
     * A plugin that needs other plugins ({@code Plugin-Dependencies}) is started and extended last, one at a time (one
     * listed before a plugin it needs waits, and is retried after the batch). Outcomes, reasons and {@code /plugins}
     * are those of applying the files one by one; the "started" log lines come providers first.
     */
    void applyFiles(Map<Path, FileStamp> found, Executor threads) {
        Map<Path, Loaded> providers = new LinkedHashMap<>();
        Map<Path, Loaded> others = new LinkedHashMap<>();
        Map<Path, Loaded> dependents = new LinkedHashMap<>();
        try {
            for (Map.Entry<Path, FileStamp> file : found.entrySet()) {
                try {
                    Loaded plugin = loader.prepare(file.getKey());
                    startingBatch.put(plugin.id(), plugin);
                    (plugin.needsOtherPlugins() ? dependents : plugin.providesModels() ? providers : others)
                            .put(file.getKey(), plugin);
                } catch (LoadFailure failure) { // one that needs a plugin listed after it is retried after the batch
                    files.put(file.getKey(), failed(file.getKey(), file.getValue(), failure, null));
                }
            }
            makeExtensions(startEach(providers, found), found, threads);
            publish.run(); // the providers' names are known before any other plugin's code asks for settings
            makeExtensions(startEach(others, found), found, threads);
            publish.run();
            for (Map.Entry<Path, Loaded> dependent : dependents.entrySet()) { // each after what it needs, one by one
                makeExtensions(startEach(Map.of(dependent.getKey(), dependent.getValue()), found), found, Runnable::run);
                publish.run();
            }
        } finally {
            startingBatch.clear();
            reconcile(); // a plugin discarded above may have taken plugins that need it out of PF4J with it
            publish.run();
        }
    }

    /** Starts each prepared plugin in PF4J, in file order; returns the ones that started (the others are recorded). */
    private Map<Path, Loaded> startEach(Map<Path, Loaded> prepared, Map<Path, FileStamp> stamps) {
        Map<Path, Loaded> started = new LinkedHashMap<>();
        for (Map.Entry<Path, Loaded> plugin : prepared.entrySet()) {
            try {
                started.put(plugin.getKey(), loader.start(plugin.getValue()));
            } catch (LoadFailure failure) {
                startingBatch.remove(plugin.getValue().id());
                files.put(plugin.getKey(), failed(plugin.getKey(), stamps.get(plugin.getKey()), failure, null));
            }
        }
        return started;
    }

    /** Makes the extensions of {@code started} at once on {@code threads}, then records each outcome in file order. */
    private void makeExtensions(Map<Path, Loaded> started, Map<Path, FileStamp> stamps, Executor threads) {
        Map<Path, CompletableFuture<Running>> made = new LinkedHashMap<>();
        for (Map.Entry<Path, Loaded> plugin : started.entrySet()) {
            made.put(plugin.getKey(), CompletableFuture.supplyAsync(() -> {
                try {
                    return loader.createExtensions(plugin.getValue());
                } catch (LoadFailure failure) {
                    throw new CompletionException(failure);
                }
            }, threads));
        }
        for (Map.Entry<Path, CompletableFuture<Running>> outcome : made.entrySet()) {
            Path file = outcome.getKey();
            Loaded plugin = started.get(file);
            try {
                Running extended = outcome.getValue().join();
                running.put(extended.id(), extended);
                files.put(file, startedTracked(extended, stamps.get(file), null));
            } catch (CompletionException e) {
                LoadFailure failure = e.getCause() instanceof LoadFailure loadFailure ? loadFailure
                        : new LoadFailure(plugin.id(), plugin.version(), "cannot be started: "
                                + PluginHost.describe(e.getCause()), "Report the error to the plugin's author", e.getCause());
                loader.discard(plugin, failure);
                files.put(file, failed(file, stamps.get(file), failure, null));
            } finally {
                startingBatch.remove(plugin.id());
            }
        }
    }

    /** Stops and unloads every plugin, the last id first, and forgets every file; returns how many were started. */
    int unloadAll() {
        int count = running.size();
        while (!running.isEmpty()) {
            Running last = running.lastEntry().getValue();
            unload(last, "Cortana is shutting down", true);
        }
        files.clear();
        return count;
    }

    // ---------------------------------------------------------------------------------------------------- loading

    /** Loads and starts {@code file}, logging the outcome; returns what to remember about the file. */
    private Tracked apply(Path file, FileStamp stamp, Running replaced) {
        try {
            Running plugin = loader.load(file);
            running.put(plugin.id(), plugin); // published by the caller, with the file's new status
            return startedTracked(plugin, stamp, replaced);
        } catch (LoadFailure failure) {
            return failed(file, stamp, failure, replaced);
        }
    }

    /** Logs that {@code plugin} started; returns what to remember about its file. */
    private Tracked startedTracked(Running plugin, FileStamp stamp, Running replaced) {
        Path file = plugin.file();
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
    }

    /** Logs why {@code file} did not start (once, or later for one that waits for others); returns what to remember. */
    private Tracked failed(Path file, FileStamp stamp, LoadFailure failure, Running replaced) {
        Tracked previous = files.get(file);
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

    /**
     * Retries the files that failed because of other plugins (a duplicate id, a missing dependency) now that the set
     * of plugins changed; repeats while that starts something, since one start may unblock another.
     */
    void retryWaiting() {
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
                    publish.run();
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

    // -------------------------------------------------------------------------------------------------- unloading

    /** Takes {@code plugin} and the plugins that depend on it out of service, then stops and unloads them. */
    private void unload(Running plugin, String why, boolean quiet) {
        for (Running dependent : dependentsOf(plugin.id())) {
            if (running.remove(dependent.id()) != null) {
                String reason = "needs plugin " + plugin.id() + ", which was unloaded";
                files.computeIfPresent(dependent.file(), (file, tracked) -> new Tracked(tracked.stamp(),
                        new PluginStatus(dependent.id(), Optional.of(dependent.version()), PluginState.STOPPED, file,
                                Optional.of(reason)), true, null));
                publish.run();
                loader.discard(dependent.id(), dependent.wrapper().getPluginClassLoader(), dependent.context());
                if (quiet) {
                    log.debug("Plugin {} {} stopped and unloaded (it needs {})", dependent.id(), dependent.version(), plugin.id());
                } else {
                    log.info("Plugin {} {} stopped and unloaded (it needs {})", dependent.id(), dependent.version(), plugin.id());
                }
            }
        }
        running.remove(plugin.id());
        publish.run(); // readers stop seeing its extensions before anything is stopped
        loader.discard(plugin.id(), plugin.wrapper().getPluginClassLoader(), plugin.context());
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

    /** Safety net: drops any plugin PF4J stopped behind our back (it unloads dependents on its own). */
    private void reconcile() {
        for (Running plugin : new ArrayList<>(running.values())) {
            PluginWrapper wrapper = loader.loaded(plugin.id());
            if (wrapper != plugin.wrapper() || !wrapper.getPluginState().isStarted()) {
                running.remove(plugin.id());
                files.computeIfPresent(plugin.file(), (file, tracked) -> new Tracked(tracked.stamp(),
                        new PluginStatus(plugin.id(), Optional.of(plugin.version()), PluginState.STOPPED, file,
                                Optional.of("a plugin it depends on was unloaded")), true, null));
                publish.run();
                loader.discard(plugin.id(), plugin.wrapper().getPluginClassLoader(), plugin.context());
                log.info("Plugin {} {} stopped and unloaded (with a plugin it depends on)", plugin.id(), plugin.version());
            }
        }
    }

    private Optional<Running> runningFrom(Path file) {
        return running.values().stream().filter(plugin -> plugin.file().equals(file)).findFirst();
    }

    private static PluginStatus startedStatus(Running plugin) {
        return new PluginStatus(plugin.id(), Optional.of(plugin.version()), PluginState.STARTED, plugin.file(), Optional.empty());
    }

    /**
     * @param waitsForOthers retried whenever the set of plugins changes (a duplicate id, a missing dependency)
     * @param pendingWarning the warning to log if the retries do not start it; null once logged
     */
    private record Tracked(FileStamp stamp, PluginStatus status, boolean waitsForOthers, String pendingWarning) {
    }
}
