package dev.cortana.host.plugins;

import java.util.Objects;

/**
 * An extension of a started plugin, with the plugin it came from: callers need the id to attribute tools, report
 * failures and honour per-plugin settings.
 */
public record Contribution<T>(String pluginId, T extension) {
    public Contribution {
        Objects.requireNonNull(pluginId, "pluginId");
        Objects.requireNonNull(extension, "extension");
    }
}
