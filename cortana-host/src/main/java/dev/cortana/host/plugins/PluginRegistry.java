package dev.cortana.host.plugins;

import dev.cortana.host.plugins.PluginFolderScan.FileStamp;
import dev.cortana.host.plugins.PluginLoader.LoadFailure;
import dev.cortana.host.plugins.PluginLoader.Running;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
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
        Tracked previous = files.get(file);
        try {
            Running plugin = loader.load(file);
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
