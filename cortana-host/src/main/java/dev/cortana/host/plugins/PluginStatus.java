package dev.cortana.host.plugins;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.pf4j.PluginState;

/**
 * What the host knows about one file in the plugins folder, for {@code /plugins} and logs.
 *
 * @param id      the plugin id, or the file name when the file has no readable id
 * @param version the plugin version, when the descriptor could be read
 * @param state   {@code STARTED}; {@code FAILED} for a broken file or plugin; {@code DISABLED} when
 *                {@code enabled.txt}/{@code disabled.txt} turn it off; {@code STOPPED} when a plugin it depends on went away
 * @param file    the JAR or ZIP file
 * @param reason  why it is not started, in words a user can act on; empty when started
 */
public record PluginStatus(String id, Optional<String> version, PluginState state, Path file, Optional<String> reason) {

    public PluginStatus {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(file, "file");
        version = version == null ? Optional.empty() : version;
        reason = reason == null ? Optional.empty() : reason;
    }

    public boolean started() {
        return state == PluginState.STARTED;
    }

    /** {@code todos 0.1.0}, or the file name for a file without a plugin id. */
    public String label() {
        return version.map(v -> id + " " + v).orElse(id);
    }
}
