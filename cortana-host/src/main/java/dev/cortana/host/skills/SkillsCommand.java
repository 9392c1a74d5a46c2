package dev.cortana.host.skills;

import dev.cortana.api.commands.Command;
import dev.cortana.api.commands.CommandInvocation;
import java.nio.file.Path;

/** {@code /skills}: the skills Cortana can use for you, where each comes from, and what is wrong with the others. */
public final class SkillsCommand implements Command {

    private final SkillCatalog catalog;
    private final Path workspaceRoot;

    public SkillsCommand(SkillCatalog catalog, Path workspaceRoot) {
        this.catalog = catalog;
        this.workspaceRoot = workspaceRoot;
    }

    @Override
    public String name() {
        return "skills";
    }

    @Override
    public String description() {
        return "List skills and problems with them";
    }

    @Override
    public String run(CommandInvocation invocation) {
        if (!catalog.enabled()) {
            return "Skills are turned off (ENABLE_SKILLS=false).";
        }
        SkillIndex index = catalog.forUser(invocation.userId());
        StringBuilder out = new StringBuilder();
        if (index.skills().isEmpty()) {
            out.append("No skills yet. A skill is a folder in the skills folder with a SKILL.md "
                    + "(front matter with name: and description:).\n");
        } else {
            out.append("**Skills** (").append(index.skills().size()).append(")\n");
            for (Skill skill : index.skills()) {
                out.append("- `").append(skill.name()).append("` — ").append(skill.description()).append(" _(")
                        .append(skill.origin()).append(", ").append(shown(skill.file())).append(")_\n");
            }
        }
        if (!index.problems().isEmpty()) {
            out.append("\n**Problems**\n");
            for (SkillProblem problem : index.problems()) {
                out.append("- ").append(problem.skipped() ? "skipped: " : "warning: ").append(shown(problem.file()))
                        .append(' ').append(problem.message()).append('\n');
            }
        }
        return out.toString().stripTrailing();
    }

    private String shown(Path file) {
        return file.startsWith(workspaceRoot) ? workspaceRoot.relativize(file).toString() : file.toString();
    }
}
