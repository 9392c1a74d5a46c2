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
        for (int i = -5; i < coldRounds; i++) {
            long start = System.nanoTime();
            SkillIndex index = new SkillCatalog(true, skills, users, List::of).forUser("42");
            double ms = (System.nanoTime() - start) / 1e6;
            if (index.skills().size() != 500 || !index.problems().isEmpty()) {
                throw new IllegalStateException("expected 500 clean skills, got " + index.skills().size());
            }
            if (i >= 0) {
                cold[i] = ms;
            }
        }
        SkillCatalog catalog = new SkillCatalog(true, skills, users, List::of);
        catalog.forUser("42");
        int warmRounds = 2000;
        double[] warm = new double[warmRounds];
        long sink = 0;
        for (int i = -500; i < warmRounds; i++) {
            long start = System.nanoTime();
            sink += catalog.promptSection("42", workspace).length();
            double ms = (System.nanoTime() - start) / 1e6;
            if (i >= 0) {
                warm[i] = ms;
            }
        }
        System.out.println("load 500 skills (fresh catalog): " + Stats.of(cold).format("ms") + " (target <= 200 ms)");
        System.out.println("refresh 500 unchanged skills + prompt section: " + Stats.of(warm).format("ms")
                + " (target <= 1 ms)" + (sink == 0 ? "" : ""));
        int few = 0;
        SkillCatalog small = new SkillCatalog(true, workspace.resolve("none"), users, List::of);
        double[] empty = new double[warmRounds];
        for (int i = 0; i < warmRounds; i++) {
            long start = System.nanoTime();
            few += small.forUser("42").skills().size();
            empty[i] = (System.nanoTime() - start) / 1e6;
        }
        System.out.println("refresh with no skills folder: " + Stats.of(empty).format("ms") + (few == 0 ? "" : "!"));
    }
}
