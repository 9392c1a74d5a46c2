package dev.cortana.host.skills;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.api.commands.CommandInvocation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SkillsCommandTest {

    @TempDir
    Path workspace;

    private String run(boolean enabled) {
        try (SkillCatalog catalog = new SkillCatalog(enabled, workspace.resolve("skills"), workspace.resolve("users"),
                List::of)) {
            return new SkillsCommand(catalog, workspace).run(new CommandInvocation("42", null, Map.of()));
        }
    }

    @Test
    void listsSkillsWithOriginAndProblemsWithFile() throws Exception {
        Files.createDirectories(workspace.resolve("skills/good"));
        Files.writeString(workspace.resolve("skills/good/SKILL.md"), "---\nname: good\ndescription: Works.\n---\n");
        Files.createDirectories(workspace.resolve("skills/bad"));
        Files.writeString(workspace.resolve("skills/bad/SKILL.md"), "---\nname: bad\n---\n");

        assertThat(run(true)).isEqualTo("**Skills** (1)\n- `good` — Works. _(global, skills/good/SKILL.md)_\n\n"
                + "**Problems**\n- skipped: skills/bad/SKILL.md has no description: add description: saying what the "
                + "skill does and when to use it");
    }

    @Test
    void saysHowToMakeOneWhenThereAreNone() {
        assertThat(run(true)).startsWith("No skills yet.");
    }

    @Test
    void saysWhenSkillsAreTurnedOff() {
        assertThat(run(false)).isEqualTo("Skills are turned off (ENABLE_SKILLS=false).");
    }
}
