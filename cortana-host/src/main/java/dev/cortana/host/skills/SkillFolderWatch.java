package dev.cortana.host.skills;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * File-system notifications (inotify on Linux) for the skills folders and skill folders the catalog has read, so an
 * unchanged folder needs no {@code stat} per message. A folder that cannot be watched (no watch service, the
 * watch limit reached) is simply not {@link #covers covered}, and the catalog checks it on disk as before.
 */
final class SkillFolderWatch implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SkillFolderWatch.class);

    private final WatchService service;
    private final Map<Path, WatchKey> keys = new ConcurrentHashMap<>();
    /** Folders whose watch failed for a reason other than being gone; retried by {@link #retryFailed()}. */
    private final Set<Path> failed = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean warned = new AtomicBoolean();

    private SkillFolderWatch(WatchService service) {
        this.service = service;
    }

    /** A watch on the default file system, or one covering nothing when the platform offers none. */
    static SkillFolderWatch open(Path anyPath) {
        try {
            return new SkillFolderWatch(anyPath.getFileSystem().newWatchService());
        } catch (IOException | UnsupportedOperationException e) {
            log.info("Skills: no file-system notifications ({}); every message checks each SKILL.md on disk", e.getMessage());
            return new SkillFolderWatch(null);
        }
    }

    /** A watch covering nothing: every folder is checked on disk. */
    static SkillFolderWatch none() {
        return new SkillFolderWatch(null);
    }

    boolean available() {
        return service != null;
    }

    /** Whether changes in {@code folder} are reported, so what was read from it is still current unless reported. */
    boolean covers(Path folder) {
        WatchKey key = keys.get(folder);
        if (key == null) {
            return false;
        }
        if (!key.isValid()) {
            keys.remove(folder, key);
            return false;
        }
        return true;
    }

    /**
     * Starts watching {@code folder} unless it already is. Call before reading the folder, so a change made while
     * reading is reported rather than lost.
     */
    void watch(Path folder) {
        if (service == null || covers(folder) || failed.contains(folder)) {
            return;
        }
        try {
            keys.put(folder, folder.register(service, StandardWatchEventKinds.ENTRY_CREATE,
                    StandardWatchEventKinds.ENTRY_DELETE, StandardWatchEventKinds.ENTRY_MODIFY));
        } catch (NoSuchFileException | NotDirectoryException e) {
            // Gone or not a folder: nothing to watch, the catalog sees it as missing.
        } catch (IOException | ClosedWatchServiceException e) {
            // Once per catalog: at the watch limit every folder fails, and each is retried every recheck.
            if (failed.add(folder) && !warned.getAndSet(true)) {
                log.warn("Skills: cannot watch {} ({}); such folders are checked on disk every message",
                        folder, e.getMessage());
            }
        }
    }

    /** Watches that failed (e.g. the inotify watch limit) are tried again on their next {@link #watch}. */
    void retryFailed() {
        failed.clear();
    }

    /**
     * The folders and entries reported changed since the last call: each changed folder, and each entry in it that
     * was created, deleted or modified. An entry's own watch is dropped, because a folder renamed away and another
     * renamed into its place would keep the old watch. {@code null} means notices were lost (overflow): everything
     * must be read again.
     */
    Set<Path> changes() {
        if (service == null) {
            return Set.of();
        }
        Set<Path> changed = new HashSet<>();
        boolean lost = false;
        WatchKey key;
        try {
            while ((key = service.poll()) != null) {
                Path folder = (Path) key.watchable();
                changed.add(folder);
                for (WatchEvent<?> event : key.pollEvents()) {
                    if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                        lost = true;
                    } else {
                        Path entry = folder.resolve((Path) event.context());
                        changed.add(entry);
                        WatchKey entryKey = keys.remove(entry);
                        if (entryKey != null) {
                            entryKey.cancel();
                        }
                    }
                }
                if (!key.reset()) {
                    keys.remove(folder, key);
                }
            }
        } catch (ClosedWatchServiceException e) {
            return Set.of();
        }
        if (lost) {
            keys.values().forEach(WatchKey::cancel);
            keys.clear();
            return null;
        }
        return changed;
    }

    @Override
    public void close() {
        if (service != null) {
            try {
                service.close();
            } catch (IOException e) {
                log.debug("Skills: closing the folder watch failed: {}", e.getMessage());
            }
        }
    }
}
