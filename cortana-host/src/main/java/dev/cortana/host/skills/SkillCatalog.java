package dev.cortana.host.skills;

import dev.cortana.api.skills.SkillSource;
import dev.cortana.host.plugins.Contribution;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the skills a user has: those bundled in plugins, the global ones in {@code SKILLS_DIR}, and the user's own
 * in {@code WORKSPACE_DIR/users/<user_id>/skills}; a later one overrides an earlier one of the same name.
 *
 * <p>Folders already read are watched (inotify on Linux): while no change is reported in a folder, what was read
 * from it is used as is, so an unchanged catalog costs no disk access per message. A reported change, or a folder
 * that cannot be watched, is checked on disk: a {@code SKILL.md} is re-read only when its size or time changed, a
 * folder re-listed only when its time changed. Notices arrive within milliseconds, on the kernel's schedule rather
 * than the caller's, so every {@link #RECHECK_EVERY} each call also checks everything on disk, whatever was reported.
 */
public final class SkillCatalog implements AutoCloseable {

    /** How often the watched folders are checked on disk anyway, in case a notice was missed (e.g. network mounts). */
    public static final Duration RECHECK_EVERY = Duration.ofSeconds(10);

    private static final Logger log = LoggerFactory.getLogger(SkillCatalog.class);
    private static final Pattern SAFE_USER_ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private final boolean enabled;
    private final Path globalDir;
    private final Path usersDir;
    private final Supplier<List<Contribution<SkillSource>>> plugins;
    private final Map<Path, Listing> listings = new ConcurrentHashMap<>();
    private final Map<Path, Parsed> parsed = new ConcurrentHashMap<>();
    private final Map<String, Known> lastIndex = new ConcurrentHashMap<>();
    private final SkillFolderWatch watch;
    private final long recheckNanos;
    private long lastCheckNanos;
    /** Whether this call trusts watched folders without looking at the disk. */
    private boolean trustWatched;

    /**
     * @param enabled   {@code ENABLE_SKILLS}; when false every index is empty
     * @param globalDir {@code SKILLS_DIR}
     * @param usersDir  the folder holding {@code <user_id>/skills}
     * @param plugins   the started plugins' skill sources
     */
    public SkillCatalog(boolean enabled, Path globalDir, Path usersDir, Supplier<List<Contribution<SkillSource>>> plugins) {
        this(enabled, globalDir, usersDir, plugins, true, RECHECK_EVERY);
    }

    /**
     * @param watchFolders whether to use file-system notifications; without them every call checks the disk
     * @param recheckEvery how often every folder is checked on disk even when watched
     */
    SkillCatalog(boolean enabled, Path globalDir, Path usersDir, Supplier<List<Contribution<SkillSource>>> plugins,
                 boolean watchFolders, Duration recheckEvery) {
        this.enabled = enabled;
        this.globalDir = globalDir.toAbsolutePath().normalize();
        this.usersDir = usersDir.toAbsolutePath().normalize();
        this.plugins = plugins;
        this.watch = enabled && watchFolders ? SkillFolderWatch.open(this.globalDir) : SkillFolderWatch.none();
        this.recheckNanos = recheckEvery.toNanos();
        this.lastCheckNanos = System.nanoTime();
    }

    public boolean enabled() {
        return enabled;
    }

    /** The skills {@code userId} has now, with the problems found on the way. */
    public synchronized SkillIndex forUser(String userId) {
        if (!enabled) {
            return SkillIndex.EMPTY;
        }
        forgetReportedChanges();
        Map<String, Skill> byName = new LinkedHashMap<>();
        List<SkillProblem> problems = new ArrayList<>();
        List<Object> seen = new ArrayList<>();
        List<Contribution<SkillSource>> sources = plugins.get();
        for (Contribution<SkillSource> source : sources) {
            List<Skill> found = new ArrayList<>();
            try {
                for (Path folder : source.extension().skillDirectories()) {
                    load(folder.toAbsolutePath().normalize().resolve("SKILL.md"), "plugin " + source.pluginId(),
                            found, problems, true, seen);
                }
            } catch (RuntimeException | LinkageError e) {
                problems.add(new SkillProblem(Path.of(source.pluginId()), "plugin " + source.pluginId()
                        + " could not list its skills: " + e, true));
            }
            merge(byName, found, problems);
        }
        merge(byName, folder(globalDir, "global", problems, seen), problems);
        if (SAFE_USER_ID.matcher(userId).matches() && !userId.startsWith(".")) {
            merge(byName, folder(usersDir.resolve(userId).resolve("skills"), "user", problems, seen), problems);
        }
        // Most messages find nothing changed: hand back the same index, so its prompt section is built once.
        Known known = lastIndex.get(userId);
        if (known != null && sameParts(known.seen, seen)) {
            return known.index;
        }
        SkillIndex index = new SkillIndex(List.copyOf(byName.values()), List.copyOf(problems));
        lastIndex.put(userId, new Known(seen, index, new AtomicReference<>()));
        return index;
    }

    /** The system prompt's skills section for {@code userId}, built again only when the skills changed. */
    public synchronized String promptSection(String userId, Path workspaceRoot) {
        SkillIndex index = forUser(userId);
        Known known = lastIndex.get(userId);
        if (known == null || known.index != index) {
            return index.promptSection(workspaceRoot);
        }
        String cached = known.section.get();
        if (cached == null) {
            cached = index.promptSection(workspaceRoot);
            known.section.set(cached);
        }
        return cached;
    }

    /** Drops what was read from changed folders, and decides whether this call may trust the watched ones. */
    private void forgetReportedChanges() {
        Set<Path> changed = watch.changes();
        if (changed == null) {
            listings.clear();
            parsed.clear();
        } else {
            for (Path path : changed) {
                listings.remove(path);
                parsed.remove(path);
                parsed.remove(path.resolve("SKILL.md"));
            }
        }
        long now = System.nanoTime();
        trustWatched = watch.available() && now - lastCheckNanos < recheckNanos;
        if (!trustWatched) {
            lastCheckNanos = now;
            watch.retryFailed();
        }
    }

    @Override
    public void close() {
        watch.close();
    }

    private static void merge(Map<String, Skill> byName, List<Skill> found, List<SkillProblem> problems) {
        Map<String, Skill> ofThisOrigin = new LinkedHashMap<>();
        for (Skill skill : found) {
            Skill sameOrigin = ofThisOrigin.putIfAbsent(skill.name(), skill);
            if (sameOrigin != null) {
                problems.add(new SkillProblem(skill.file(), "another " + skill.origin() + " skill is already named '"
                        + skill.name() + "' (" + sameOrigin.file() + "); this one is ignored", true));
                continue;
            }
            Skill replaced = byName.put(skill.name(), skill);
            if (replaced != null) {
                problems.add(new SkillProblem(skill.file(), "overrides the " + replaced.origin() + " skill '"
                        + skill.name() + "' (" + replaced.file() + ")", false));
            }
        }
    }

    /** The skills in the sub-folders of {@code root}, in folder name order. */
    private List<Skill> folder(Path root, String origin, List<SkillProblem> problems, List<Object> seen) {
        List<Skill> found = new ArrayList<>();
        List<Path> files = listing(root);
        seen.add(files);
        for (Path file : files) {
            load(file, origin, found, problems, false, seen);
        }
        return found;
    }

    private List<Path> listing(Path root) {
        Listing cached = listings.get(root);
        if (trustWatched && cached != null && watch.covers(root)) {
            return cached.files;
        }
        long modified;
        try {
            modified = Files.readAttributes(root, BasicFileAttributes.class).lastModifiedTime().toMillis();
        } catch (IOException e) {
            listings.remove(root);
            return List.of();
        }
        watch.watch(root);
        if (cached != null && cached.modified == modified) {
            return cached.files;
        }
        List<Path> folders = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root, Files::isDirectory)) {
            entries.forEach(folders::add);
        } catch (IOException e) {
            log.warn("Skills: cannot list {}: {}", root, e.getMessage());
        }
        folders.sort(null);
        List<Path> result = folders.stream().map(folder -> folder.resolve("SKILL.md")).toList();
        listings.put(root, new Listing(modified, result));
        return result;
    }

    /** Loads one skill; {@code seen} gets what it was made from (the cached parse), to tell whether anything changed. */
    private void load(Path file, String origin, List<Skill> found, List<SkillProblem> problems, boolean mustExist,
                      List<Object> seen) {
        Parsed known = parsed.get(file);
        if (trustWatched && known != null && known.origin.equals(origin) && watch.covers(file.getParent())) {
            seen.add(known);
            known.result.skill().ifPresent(found::add);
            problems.addAll(known.result.problems());
            return;
        }
        watch.watch(file.getParent());
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            // A folder in a skills folder without SKILL.md holds scripts or drafts, not a skill.
            parsed.remove(file);
            seen.add(file);
            if (mustExist) {
                problems.add(new SkillProblem(file, "is missing", true));
            }
            return;
        } catch (IOException e) {
            problems.add(new SkillProblem(file, "cannot be read: " + e.getMessage(), true));
            seen.add(e.toString());
            return;
        }
        long modified = attributes.lastModifiedTime().toMillis();
        Parsed cached = parsed.get(file);
        if (cached == null || cached.modified != modified || cached.size != attributes.size()
                || !cached.origin.equals(origin)) {
            SkillFile.Parsed result = SkillFile.parse(file, origin);
            result.problems().forEach(p -> log.warn("Skill {} {}{}", p.file(), p.message(), p.skipped() ? " (skipped)" : ""));
            cached = new Parsed(modified, attributes.size(), origin, result);
            parsed.put(file, cached);
        }
        seen.add(cached);
        cached.result.skill().ifPresent(found::add);
        problems.addAll(cached.result.problems());
    }

    /** Cached parses and listings are compared by identity: a new object means something was re-read. */
    private static boolean sameParts(List<Object> before, List<Object> now) {
        if (before.size() != now.size()) {
            return false;
        }
        for (int i = 0; i < now.size(); i++) {
            Object a = before.get(i);
            Object b = now.get(i);
            if (a != b && !((a instanceof Path || a instanceof String) && a.equals(b))) {
                return false;
            }
        }
        return true;
    }

    /** The last index of a user, what it was made from, and its prompt section once built. */
    private record Known(List<Object> seen, SkillIndex index,
                         AtomicReference<String> section) {
    }

    /** The {@code SKILL.md} path of every sub-folder of a skills folder, as of the folder's modification time. */
    private record Listing(long modified, List<Path> files) {
    }

    private record Parsed(long modified, long size, String origin, SkillFile.Parsed result) {
    }
}
