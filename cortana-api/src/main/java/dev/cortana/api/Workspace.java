package dev.cortana.api;

import java.nio.file.Path;
import java.util.List;

/**
 * Cortana's workspace folder ({@code WORKSPACE_DIR}): prompt files, skills, the agent's own files — and the rules
 * of what the agent may touch there.
 *
 * <ul>
 *   <li>{@linkplain #readOnlyFiles() Read-only}: {@code IDENTITY.md} and {@code TOOLS.md} at the workspace root.
 *       The agent may read them, never write them.</li>
 *   <li>{@linkplain #privatePaths() Private}: Cortana's own state and anything Cortana executes or trusts (the
 *       embedded database's folder, {@code .env}, {@code cortana.yml}, the usage ledger, the conversation cache,
 *       logs, plugin folders). The agent may neither read nor write them.</li>
 * </ul>
 *
 * <pre>{@code
 * Path notes = context.workspace().resolve("notes/today.md");
 * if (context.workspace().isPrivate(notes)) { return "That file belongs to Cortana."; }
 * if (context.workspace().isReadOnly(notes)) { return "That file is read-only."; }
 * }</pre>
 *
 * @since 0.1.0
 */
public interface Workspace {

    /** The workspace folder, absolute and normalised. */
    Path root();

    /** Resolves a path the way the agent's file tools do: relative paths against {@link #root()}. */
    default Path resolve(String path) {
        return root().resolve(path).toAbsolutePath().normalize();
    }

    /**
     * Whether the agent must not write this file ({@code IDENTITY.md} and {@code TOOLS.md} at the workspace root),
     * however the path is spelled: {@code ./IDENTITY.md}, {@code skills/../IDENTITY.md}, a symbolic link, or a hard
     * link to the same file.
     */
    boolean isReadOnly(Path path);

    /** The read-only files, absolute and normalised (they may not exist yet). */
    List<Path> readOnlyFiles();

    /**
     * Whether the agent must neither read nor write this path: it is, or lies inside, one of
     * {@link #privatePaths()}, however the path is spelled (links are followed; a hard link is the same file).
     */
    boolean isPrivate(Path path);

    /**
     * Files and folders that are Cortana's alone, absolute and normalised; a folder covers everything inside it.
     * Some may not exist yet (the ledger before the first model call).
     */
    List<Path> privatePaths();

    /**
     * The global skills folder, absolute and normalised: {@code SKILLS_DIR} when the user set it (it may lie outside
     * the workspace), else {@code skills} in the workspace. The agent may read and write skills there; a plugin takes
     * it from here rather than reading {@code SKILLS_DIR}, which is Cortana's setting, not the plugin's.
     */
    default Path skillsDir() {
        return resolve("skills");
    }
}
