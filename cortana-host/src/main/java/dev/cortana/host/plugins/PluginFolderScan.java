package dev.cortana.host.plugins;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plugins folder as {@link PluginHost} polls it: which plugin files are there, and which changes have settled.
 * A change is applied only once two polls in a row see the file the same, so a JAR still being copied is left alone.
 *
 * <p>Not thread-safe: {@link PluginHost} calls it under its lock only.
 */
final class PluginFolderScan {

    private static final Logger log = LoggerFactory.getLogger(PluginFolderScan.class);

    private final List<Path> folders;
    /** Files that changed at the last poll: applied when the next poll sees them unchanged (the copy is complete). */
    private final Map<Path, FileStamp> unsettled = new HashMap<>();
    /** The plugin id in each JAR's manifest, read once per version of the file. */
    private final Map<Path, Map.Entry<FileStamp, Optional<String>>> ids = new HashMap<>();
    /** The overrides already logged: the overridden file by the file that overrides it. */
    private final Map<Path, Path> reportedOverrides = new HashMap<>();

    PluginFolderScan(Path pluginsDir) {
        this(List.of(pluginsDir));
    }

    /** Several folders, in order: a plugin in an earlier folder overrides one with the same id in a later folder. */
    PluginFolderScan(List<Path> folders) {
        this.folders = List.copyOf(folders);
    }

    /**
     * The plugin files of every folder, less the ones overridden: a JAR whose {@code Plugin-Id} a JAR in an earlier
     * folder also has is left out (and the log says once which overrides which), so the earlier one is loaded.
     */
    Map<Path, FileStamp> listFolder() throws IOException {
        Map<Path, FileStamp> found = new TreeMap<>();
        Map<String, Path> byId = new HashMap<>();
        Map<Path, Path> overrides = new HashMap<>();
        for (Path folder : folders) {
            Map<Path, FileStamp> here = listOne(folder);
            Map<String, Path> idsHere = new HashMap<>();
            for (Map.Entry<Path, FileStamp> file : here.entrySet()) {
                Optional<String> id = idOf(file.getKey(), file.getValue());
                Path earlier = id.map(byId::get).orElse(null);
                if (earlier != null) {
                    overrides.put(file.getKey(), earlier);
                    continue;
                }
                id.ifPresent(i -> idsHere.putIfAbsent(i, file.getKey()));
                found.put(file.getKey(), file.getValue());
            }
            idsHere.forEach(byId::putIfAbsent);
        }
        overrides.forEach((overridden, by) -> {
            if (!by.equals(reportedOverrides.get(overridden))) {
                log.info("Plugin {} in {} overrides the one in {} ({} is not loaded)",
                        ids.get(by).getValue().orElse("?"), by.getParent(), overridden.getParent(), overridden.getFileName());
            }
        });
        reportedOverrides.keySet().retainAll(overrides.keySet());
        reportedOverrides.putAll(overrides);
        java.util.Set<Path> present = new java.util.HashSet<>(found.keySet());
        present.addAll(overrides.keySet());
        ids.keySet().retainAll(present);
        return found;
    }

    /** The files an earlier folder's plugin overrides, by the file that overrides each (as of the last listing). */
    Map<Path, Path> overridden() {
        return Map.copyOf(reportedOverrides);
    }

    private Optional<String> idOf(Path file, FileStamp stamp) {
        Map.Entry<FileStamp, Optional<String>> known = ids.get(file);
        if (known != null && known.getKey().equals(stamp)) {
            return known.getValue();
        }
        Optional<String> id = Optional.empty();
        if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jar")) {
            try (JarFile jar = new JarFile(file.toFile())) {
                Manifest manifest = jar.getManifest();
                id = Optional.ofNullable(manifest == null ? null : manifest.getMainAttributes().getValue("Plugin-Id"))
                        .map(String::strip).filter(v -> !v.isEmpty());
            } catch (IOException | RuntimeException unreadable) {
                // not a JAR (yet): loading it says what is wrong
            }
        }
        ids.put(file, Map.entry(stamp, id));
        return id;
    }

    /** The plugin files in one folder; hidden files (a copy in progress, often) and other extensions are ignored. */
    private static Map<Path, FileStamp> listOne(Path pluginsDir) throws IOException {
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

    /** Forgets the pending changes of files no longer in the folder ({@code now}, from {@link #listFolder()}). */
    void retainOnly(Map<Path, FileStamp> now) {
        unsettled.keySet().retainAll(now.keySet());
    }

    /**
     * Whether {@code file}, seen now as {@code stamp}, is to be applied: it differs from {@code applied} (the stamp it
     * was last loaded with, or {@code null}) and the previous poll saw it the same. Call once per file per poll.
     */
    boolean settledChange(Path file, FileStamp stamp, FileStamp applied) {
        if (stamp.equals(applied)) {
            unsettled.remove(file);
            return false;
        }
        if (!stamp.equals(unsettled.put(file, stamp))) {
            return false; // new or still changing: wait for the copy to finish
        }
        unsettled.remove(file);
        return true;
    }

    void clear() {
        unsettled.clear();
        reportedOverrides.clear();
    }

    /** What identifies a version of a file: a copy changes the size or date, an atomic move the inode. */
    record FileStamp(long size, FileTime modified, Object fileKey) {
    }
}
