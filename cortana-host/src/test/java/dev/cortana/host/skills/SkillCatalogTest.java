package dev.cortana.host.skills;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.api.skills.SkillSource;
import dev.cortana.host.plugins.Contribution;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SkillCatalogTest {

    @TempDir
    Path workspace;

    private final List<Contribution<SkillSource>> plugins = new ArrayList<>();

    private final List<SkillCatalog> opened = new ArrayList<>();

    /** Checks the disk on every call (no notifications), so each test sees its files at once; see SkillCatalogWatchTest. */
    private SkillCatalog catalog() {
        SkillCatalog catalog = new SkillCatalog(true, workspace.resolve("skills"), workspace.resolve("users"),
                () -> plugins, false, SkillCatalog.RECHECK_EVERY);
        opened.add(catalog);
        return catalog;
    }

    @AfterEach
    void closeCatalogs() {
        opened.forEach(SkillCatalog::close);
    }

    private Path skill(String folder, String frontMatter) throws Exception {
        Path dir = Files.createDirectories(workspace.resolve(folder));
        Files.writeString(dir.resolve("SKILL.md"), "---\n" + frontMatter + "\n---\n# Instructions\n");
        return dir.resolve("SKILL.md");
    }

    private static List<String> names(SkillIndex index) {
        return index.skills().stream().map(s -> s.name() + "@" + s.origin()).toList();
    }

    private static List<String> problems(SkillIndex index) {
        return index.problems().stream().map(p -> (p.skipped() ? "skipped " : "warning ") + p.message()).toList();
    }

    @Test
    void globalSkillsAreListedInThePromptWithDescriptionAndLocation() throws Exception {
        skill("skills/pdf-tools", "name: pdf-tools\ndescription: Extract text and tables from PDF files.");

        String section = catalog().forUser("42").promptSection(workspace.toAbsolutePath());

        assertThat(section).isEqualTo("# Skills\nWhen a task matches a skill, read its SKILL.md with read_file and "
                + "follow it.\n- pdf-tools: Extract text and tables from PDF files. (skills/pdf-tools/SKILL.md)\n");
    }

    @Test
    void noSkillsMeansNoPromptSection() {
        assertThat(catalog().forUser("42").promptSection(workspace)).isEmpty();
    }

    @Test
    void blockScalarAndQuotedDescriptionsBecomeOneLine() throws Exception {
        skill("skills/folded", "name: folded\ndescription: >\n  Converts units\n  between systems.");
        skill("skills/literal", "name: literal\ndescription: |\n  Line one\n  line two");
        skill("skills/quoted", "name: \"quoted\"\ndescription: 'It''s: quoted, with a colon'");

        SkillIndex index = catalog().forUser("42");

        assertThat(index.skills()).extracting(Skill::description)
                .containsExactly("Converts units between systems.", "Line one line two", "It's: quoted, with a colon");
        assertThat(index.problems()).isEmpty();
    }

    @Test
    void longDescriptionLoadsWithAWarningAndIsCutInThePrompt() throws Exception {
        skill("skills/wordy", "name: wordy\ndescription: " + "a".repeat(1500));

        SkillIndex index = catalog().forUser("42");

        assertThat(index.skills()).hasSize(1);
        assertThat(index.skills().get(0).description()).hasSize(1024).endsWith("…");
        assertThat(problems(index)).containsExactly(
                "warning description has 1500 characters (at most 1024); the system prompt shows the first 1024");
    }

    @Test
    void missingDescriptionSkipsOnlyThatSkill() throws Exception {
        Path bad = skill("skills/bad", "name: bad");
        skill("skills/good", "name: good\ndescription: Works.");

        SkillIndex index = catalog().forUser("42");

        assertThat(names(index)).containsExactly("good@global");
        assertThat(index.problems()).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo(bad);
            assertThat(p.skipped()).isTrue();
            assertThat(p.message()).startsWith("has no description");
        });
    }

    @Test
    void brokenYamlSkipsOnlyThatSkillWithADiagnostic() throws Exception {
        skill("skills/broken", "name: broken\ndescription: [unclosed");
        skill("skills/good", "name: good\ndescription: Works.");

        SkillIndex index = catalog().forUser("42");

        assertThat(names(index)).containsExactly("good@global");
        assertThat(problems(index)).singleElement().asString().startsWith("skipped front matter is not valid YAML");
    }

    @Test
    void fileWithoutFrontMatterIsSkipped() throws Exception {
        Path dir = Files.createDirectories(workspace.resolve("skills/plain"));
        Files.writeString(dir.resolve("SKILL.md"), "# Just markdown\n");

        assertThat(problems(catalog().forUser("42"))).singleElement().asString().startsWith("skipped has no YAML front matter");
    }

    @Test
    void nameMismatchAndBadNameLoadWithWarnings() throws Exception {
        skill("skills/folder-name", "name: Other_Name\ndescription: Still useful.");

        SkillIndex index = catalog().forUser("42");

        assertThat(names(index)).containsExactly("Other_Name@global");
        assertThat(problems(index)).containsExactly(
                "warning name 'Other_Name' should be 1-64 lowercase letters, digits and single hyphens",
                "warning name 'Other_Name' does not match its folder 'folder-name'");
    }

    @Test
    void userSkillOverridesGlobalAndGlobalOverridesPlugin() throws Exception {
        Path pluginSkill = skill("plugin-files/deploy", "name: deploy\ndescription: From the plugin.");
        plugins.add(new Contribution<>("ops", () -> List.of(pluginSkill.getParent())));
        skill("plugin-files/only-plugin", "name: only-plugin\ndescription: Plugin only.");
        plugins.add(new Contribution<>("extra", () -> List.of(workspace.resolve("plugin-files/only-plugin"))));
        skill("skills/deploy", "name: deploy\ndescription: Global.");
        skill("users/42/skills/deploy", "name: deploy\ndescription: Mine.");

        SkillIndex forOwner = catalog().forUser("42");
        SkillIndex forOther = catalog().forUser("7");

        assertThat(names(forOwner)).containsExactly("deploy@user", "only-plugin@plugin extra");
        assertThat(forOwner.skills().get(0).description()).isEqualTo("Mine.");
        assertThat(problems(forOwner)).hasSize(2).allMatch(p -> p.startsWith("warning overrides the "));
        assertThat(names(forOther)).containsExactly("deploy@global", "only-plugin@plugin extra");
    }

    @Test
    void twoSkillsOfOneOriginWithTheSameNameKeepTheFirst() throws Exception {
        skill("skills/a-first", "name: same\ndescription: First.");
        skill("skills/b-second", "name: same\ndescription: Second.");

        SkillIndex index = catalog().forUser("42");

        assertThat(index.skills()).extracting(Skill::description).containsExactly("First.");
        assertThat(problems(index)).anyMatch(p -> p.startsWith("skipped another global skill is already named 'same'"));
    }

    @Test
    void withoutNotificationsNewAndChangedSkillsAreSeenOnTheNextCall() throws Exception {
        SkillCatalog catalog = catalog();
        Path file = skill("skills/notes", "name: notes\ndescription: Old.");
        assertThat(catalog.forUser("42").skills()).extracting(Skill::description).containsExactly("Old.");

        Files.writeString(file, "---\nname: notes\ndescription: New and longer.\n---\n");
        Files.setLastModifiedTime(file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 2000));
        Path added = skill("skills/zz-added", "name: zz-added\ndescription: Added.");
        Files.setLastModifiedTime(workspace.resolve("skills"),
                FileTime.fromMillis(Files.getLastModifiedTime(added).toMillis() + 2000));

        assertThat(catalog.forUser("42").skills()).extracting(Skill::description)
                .containsExactly("New and longer.", "Added.");
    }

    @Test
    void aPluginThatFailsToListItsSkillsDoesNotHideOthers() throws Exception {
        plugins.add(new Contribution<>("broken", () -> {
            throw new IllegalStateException("boom");
        }));
        skill("skills/good", "name: good\ndescription: Works.");

        SkillIndex index = catalog().forUser("42");

        assertThat(names(index)).containsExactly("good@global");
        assertThat(problems(index)).containsExactly(
                "skipped plugin broken could not list its skills: java.lang.IllegalStateException: boom");
    }

    @Test
    void disabledSkillsGiveAnEmptyIndex() throws Exception {
        skill("skills/good", "name: good\ndescription: Works.");

        SkillCatalog off = new SkillCatalog(false, workspace.resolve("skills"), workspace.resolve("users"), () -> plugins);

        assertThat(off.forUser("42").skills()).isEmpty();
    }

    @Test
    void userIdsThatAreNotPlainNamesNeverReachOutsideTheUsersFolder() throws Exception {
        skill("skills/good", "name: good\ndescription: Works.");
        skill("escape/skills/evil", "name: evil\ndescription: Should not load.");

        assertThat(names(catalog().forUser("../escape"))).containsExactly("good@global");
    }
}
