package dev.cortana.host.skills;

import java.nio.file.Path;
import java.util.List;

/**
 * The skills one user has at one moment, and what was wrong with the others.
 *
 * @param skills   the loaded skills, one per name
 * @param problems warnings and skipped skills, each naming its file
 */
public record SkillIndex(List<Skill> skills, List<SkillProblem> problems) {

    public static final SkillIndex EMPTY = new SkillIndex(List.of(), List.of());

    /**
     * The system prompt's skills section: one line per skill with its name, description and {@code SKILL.md}
     * location (relative to the workspace when inside it); empty when there are no skills.
     */
    public String promptSection(Path workspaceRoot) {
        if (skills.isEmpty()) {
            return "";
        }
        StringBuilder section = new StringBuilder(64 + skills.size() * 120);
        section.append("# Skills\nWhen a task matches a skill, read its SKILL.md with read_file and follow it.\n");
        for (Skill skill : skills) {
            section.append("- ").append(skill.name()).append(": ").append(skill.description()).append(" (")
                    .append(shown(skill.file(), workspaceRoot)).append(")\n");
        }
        return section.toString();
    }

    private static String shown(Path file, Path workspaceRoot) {
        return file.startsWith(workspaceRoot) ? workspaceRoot.relativize(file).toString() : file.toString();
    }
}
