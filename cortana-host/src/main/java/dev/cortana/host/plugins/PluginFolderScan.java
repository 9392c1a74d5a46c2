package dev.cortana.host.plugins;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The plugins folder as {@link PluginHost} polls it: which plugin files are there, and which changes have settled.
 * A change is applied only once two polls in a row see the file the same, so a JAR still being copied is left alone.
 *
 * <p>Not thread-safe: {@link PluginHost} calls it under its lock only.
 */
final class PluginFolderScan {

    private final Path pluginsDir;
    /** Files that changed at the last poll: applied when the next poll sees them unchanged (the copy is complete). */
    private final Map<Path, FileStamp> unsettled = new HashMap<>();

    PluginFolderScan(Path pluginsDir) {
        this.pluginsDir = pluginsDir;
    }

    /** The plugin files in the folder; hidden files (a copy in progress, often) and other extensions are ignored. */
    Map<Path, FileStamp> listFolder() throws IOException {
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
    }

    /** What identifies a version of a file: a copy changes the size or date, an atomic move the inode. */
    record FileStamp(long size, FileTime modified, Object fileKey) {
    }
}
