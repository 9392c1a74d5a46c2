package dev.cortana.api;

import java.util.Optional;

/**
 * An extension with one line to tell the user about how it runs, so the user learns it without reading the logs:
 * {@code /plugins} shows the note under the plugin, and the start-up line ("Cortana ... is ready ...") includes it as
 * {@code <plugin id>: <note>}. Implement it beside an extension point, on any extension of the plugin.
 *
 * <p>Say what is in force and, when something is degraded or off, why and what to change. Keep it to one short
 * sentence with no secret in it; the host shows the first line only and cuts it at {@value #MAX_LENGTH} characters.
 * The host asks whenever it shows the plugins: answer from what the extension already knows (decide at start-up,
 * don't probe here); an empty, blank or throwing note shows nothing.
 *
 * <pre>{@code
 * @Extension
 * public final class BackupTools implements ToolProvider, StatusNote {
 *     private final Optional<String> remote;
 *
 *     public BackupTools(CortanaContext context) { this.remote = context.settings().get("BACKUP_REMOTE"); }
 *
 *     @Override
 *     public Optional<String> statusNote() {
 *         return remote.isPresent() ? Optional.empty()
 *                 : Optional.of("backups stay on this machine: BACKUP_REMOTE is not set");
 *     }
 * }
 * }</pre>
 * @since 0.1.0
 */
public interface StatusNote {

    /** The longest note the host shows; longer ones are cut. */
    int MAX_LENGTH = 300;

    /** The note, or empty when all is as the user would expect and there is nothing worth saying. */
    Optional<String> statusNote();
}
