package dev.cortana.host.skills;

import dev.cortana.bench.Stats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Issue 6 targets: loading 500 skills (a fresh catalog, every SKILL.md parsed) in at most 200 ms, and the
 * per-message refresh when nothing changed (the index and its prompt section) in at most 1 ms.
 *
 * <p>Run: {@code java -cp bench/target/cortana-bench.jar dev.cortana.host.skills.SkillIndexBenchmark}
 */
public final class SkillIndexBenchmark {

    public static void main(String[] args) throws Exception {
        Path workspace = Files.createTempDirectory("cortana-skills-bench");
        Path skills = workspace.resolve("skills");
        for (int i = 0; i < 500; i++) {
            String name = String.format("skill-%03d", i);
            Path dir = Files.createDirectories(skills.resolve(name));
            Files.writeString(dir.resolve("SKILL.md"), "---\nname: " + name + "\ndescription: >\n  Does task number " + i
                    + " when the user asks for it,\n  with a folded description.\nlicense: MIT\n---\n# " + name
                    + "\n\nRun {baseDir}/run.sh\n" + "Some instructions.\n".repeat(40));
        }
        Path users = workspace.resolve("users");
        int coldRounds = 30;
        double[] cold = new double[coldRounds];
        double[] coldOnDisk = new double[coldRounds];
        for (int i = -5; i < coldRounds; i++) {
            double ms = load(new SkillCatalog(true, skills, users, List::of));
            double onDiskMs = load(new SkillCatalog(true, skills, users, List::of, false, SkillCatalog.RECHECK_EVERY));
            if (i >= 0) {
                cold[i] = ms;
                coldOnDisk[i] = onDiskMs;
            }
        }
        int warmRounds = 2000;
        double[] warm;
        double[] checked;
        // Watched folders (as the bot runs) against every SKILL.md checked on disk (no notifications available).
        try (SkillCatalog watched = new SkillCatalog(true, skills, users, List::of);
             SkillCatalog onDisk = new SkillCatalog(true, skills, users, List::of, false, SkillCatalog.RECHECK_EVERY)) {
            warm = refreshes(watched, workspace, warmRounds);
            checked = refreshes(onDisk, workspace, warmRounds);
        }
        System.out.println("load 500 skills (fresh catalog): " + Stats.of(cold).format("ms") + " (target <= 200 ms)");
        System.out.println("  same, without notifications: " + Stats.of(coldOnDisk).format("ms"));
        System.out.println("refresh 500 unchanged skills + prompt section: " + Stats.of(warm).format("ms")
                + " (target <= 1 ms)");
        System.out.println("  same, without notifications (stat per SKILL.md): " + Stats.of(checked).format("ms"));
        int few = 0;
        SkillCatalog small = new SkillCatalog(true, workspace.resolve("none"), users, List::of);
        double[] empty = new double[warmRounds];
        for (int i = 0; i < warmRounds; i++) {
            long start = System.nanoTime();
            few += small.forUser("42").skills().size();
            empty[i] = (System.nanoTime() - start) / 1e6;
        }
        System.out.println("refresh with no skills folder: " + Stats.of(empty).format("ms") + (few == 0 ? "" : "!"));
        small.close();
    }

    /** Milliseconds for a fresh catalog's first index, watches included; closes the catalog. */
    private static double load(SkillCatalog fresh) {
        try (fresh) {
            long start = System.nanoTime();
            SkillIndex index = fresh.forUser("42");
            double ms = (System.nanoTime() - start) / 1e6;
            if (index.skills().size() != 500 || !index.problems().isEmpty()) {
                throw new IllegalStateException("expected 500 clean skills, got " + index.skills().size());
            }
            return ms;
        }
    }

    private static double[] refreshes(SkillCatalog catalog, Path workspace, int rounds) {
        catalog.forUser("42");
        double[] times = new double[rounds];
        long sink = 0;
        for (int i = -500; i < rounds; i++) {
            long start = System.nanoTime();
            sink += catalog.promptSection("42", workspace).length();
            double ms = (System.nanoTime() - start) / 1e6;
            if (i >= 0) {
                times[i] = ms;
            }
        }
        if (sink == 0) {
            throw new IllegalStateException("empty prompt section");
        }
        return times;
    }
}
