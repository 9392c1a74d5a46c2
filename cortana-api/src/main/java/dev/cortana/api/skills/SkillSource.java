package dev.cortana.api.skills;

import java.util.List;
import org.pf4j.ExtensionPoint;

/**
 * Skills bundled in a plugin. A skill is a folder with a {@code SKILL.md} (YAML front matter with {@code name} and
 * {@code description}, then Markdown instructions); the model reads it when a task matches its description.
 *
 * <pre>{@code
 * @Extension
 * public final class PdfSkills implements SkillSource {
 *     private final CortanaContext context;
 *     public PdfSkills(CortanaContext context) { this.context = context; }
 *     public List<Path> skillDirectories() {
 *         return List.of(context.workspace().resolve(".plugins/pdf/skills/pdf-tools"));
 *     }
 * }
 * }</pre>
 * @since 0.1.0
 */
public interface SkillSource extends ExtensionPoint {

    /**
     * Folders each holding one skill's {@code SKILL.md}. A plugin that ships skills inside its JAR extracts them to
     * a folder of its own in the workspace first (the model reads skills as files).
     */
    List<java.nio.file.Path> skillDirectories();
}
