package dev.cortana.api;

import java.nio.file.Path;

/**
 * Cortana's workspace folder ({@code WORKSPACE_DIR}): prompt files, skills, the agent's own files.
 *
 * <pre>{@code
 * Path notes = context.workspace().resolve("notes/today.md");
 * if (context.workspace().isReadOnly(notes)) { return "That file is read-only."; }
 * }</pre>
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
     * however the path is spelled: {@code ./IDENTITY.md}, {@code skills/../IDENTITY.md} or a symbolic link.
     */
    boolean isReadOnly(Path path);
}
