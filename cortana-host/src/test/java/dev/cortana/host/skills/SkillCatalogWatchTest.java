package dev.cortana.host.skills;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The catalog as the bot runs it: folders it has read are watched, so an unchanged catalog reads nothing from disk,
 * and a change is seen as soon as its notice arrives (asynchronously, within milliseconds: hence the awaits).
 */
class SkillCatalogWatchTest {

    @TempDir
    Path workspace;

    private final List<SkillCatalog> opened = new ArrayList<>();

    private SkillCatalog catalog(Duration recheckEvery) {
        SkillCatalog catalog = new SkillCatalog(true, workspace.resolve("skills"), workspace.resolve("users"),
                List::of, true, recheckEvery);
        opened.add(catalog);
        return catalog;
    }

    private SkillCatalog catalog() {
        return catalog(Duration.ofHours(1));
    }

    @AfterEach
    void closeCatalogs() {
        opened.forEach(SkillCatalog::close);
    }

    private Path skill(String folder, String name, String description) throws Exception {
        Path dir = Files.createDirectories(workspace.resolve(folder));
        return Files.writeString(dir.resolve("SKILL.md"), text(name, description));
    }

    private static String text(String name, String description) {
        return "---\nname: " + name + "\ndescription: " + description + "\n---\n# Instructions\n";
    }

    private static List<String> descriptions(SkillCatalog catalog) {
        return catalog.forUser("42").skills().stream().map(Skill::description).toList();
    }

    private static void awaitDescriptions(SkillCatalog catalog, String... expected) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
                .untilAsserted(() -> assertThat(descriptions(catalog)).containsExactly(expected));
    }

    @Test
    void anUnchangedCatalogHandsBackTheSameIndex() throws Exception {
        skill("skills/notes", "notes", "Notes.");
        SkillCatalog catalog = catalog();

        SkillIndex first = catalog.forUser("42");

        assertThat(catalog.forUser("42")).isSameAs(first);
    }

    @Test
    void aSkillAddedIsSeen() throws Exception {
        skill("skills/notes", "notes", "Notes.");
        SkillCatalog catalog = catalog();
        assertThat(descriptions(catalog)).containsExactly("Notes.");

        skill("skills/todo", "todo", "Todo lists.");

        awaitDescriptions(catalog, "Notes.", "Todo lists.");
    }

    @Test
    void aSkillRemovedIsGone() throws Exception {
        skill("skills/notes", "notes", "Notes.");
        Path todo = skill("skills/todo", "todo", "Todo lists.");
        SkillCatalog catalog = catalog();
        assertThat(descriptions(catalog)).containsExactly("Notes.", "Todo lists.");

        Files.delete(todo);
        Files.delete(todo.getParent());

        awaitDescriptions(catalog, "Notes.");
    }

    @Test
    void aSkillEditedInPlaceIsSeenEvenWithSameSizeAndTime() throws Exception {
        Path file = skill("skills/notes", "notes", "Old one.");
        FileTime written = Files.getLastModifiedTime(file);
        SkillCatalog catalog = catalog();
        assertThat(descriptions(catalog)).containsExactly("Old one.");

        Files.writeString(file, text("notes", "New one."));
        Files.setLastModifiedTime(file, written); // what a stat cannot tell apart, the notice still reports

        awaitDescriptions(catalog, "New one.");
    }

    @Test
    void aSkillReplacedByRenameIsSeen() throws Exception {
        Path file = skill("skills/notes", "notes", "Old.");
        SkillCatalog catalog = catalog();
        assertThat(descriptions(catalog)).containsExactly("Old.");

        // How editors save: write a temporary file next to it, then rename it over the original.
        Path temporary = Files.writeString(file.resolveSibling("SKILL.md.swp"), text("notes", "Saved by an editor."));
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

        awaitDescriptions(catalog, "Saved by an editor.");
    }

    @Test
    void aSkillFolderReplacedByRenameIsSeen() throws Exception {
        Path file = skill("skills/notes", "notes", "Old.");
        SkillCatalog catalog = catalog();
        assertThat(descriptions(catalog)).containsExactly("Old.");

        Files.move(file.getParent(), workspace.resolve("old-notes"));
        Path replacement = skill("drafts/notes", "notes", "Drafted elsewhere.");
        Files.move(replacement.getParent(), workspace.resolve("skills/notes"));

        awaitDescriptions(catalog, "Drafted elsewhere.");
        Files.writeString(workspace.resolve("old-notes/SKILL.md"), text("notes", "Moved away, edited later."));
        awaitDescriptions(catalog, "Drafted elsewhere.");
        Files.writeString(workspace.resolve("skills/notes/SKILL.md"), text("notes", "Edited in its new place."));
        awaitDescriptions(catalog, "Edited in its new place.");
    }

    @Test
    void aUserSkillsFolderCreatedLaterIsSeenOnTheVeryNextCall() throws Exception {
        skill("skills/notes", "notes", "Notes.");
        SkillCatalog catalog = catalog();
        assertThat(descriptions(catalog)).containsExactly("Notes.");

        skill("users/42/skills/mine", "mine", "Mine.");

        assertThat(descriptions(catalog)).containsExactly("Notes.", "Mine.");
    }

    @Test
    void whenARecheckIsDueTheVeryNextCallSeesAnEditBeforeItsNotice() throws Exception {
        Path file = skill("skills/notes", "notes", "Old.");
        SkillCatalog catalog = catalog(Duration.ZERO);
        assertThat(descriptions(catalog)).containsExactly("Old.");

        Files.writeString(file, text("notes", "New and longer."));

        assertThat(descriptions(catalog)).containsExactly("New and longer.");
    }
}
