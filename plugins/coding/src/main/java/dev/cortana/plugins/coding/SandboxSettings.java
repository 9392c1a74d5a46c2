package dev.cortana.plugins.coding;

import dev.cortana.api.PluginSettings;
import java.util.Locale;

/**
 * How {@code execute_bash} is isolated, read and checked once when the plugin starts.
 *
 * @param mode    {@code BASH_SANDBOX}: {@code auto} (default: bubblewrap when it works here, else off and said so),
 *                {@code required} (no {@code execute_bash} without it), {@code off}
 * @param network {@code BASH_SANDBOX_NETWORK}: {@code on} (default) or {@code off} (own empty network namespace)
 */
record SandboxSettings(Mode mode, boolean network) {

    enum Mode { AUTO, REQUIRED, OFF }

    static SandboxSettings from(PluginSettings settings) {
        String mode = settings.oneOf("BASH_SANDBOX", "auto", "auto", "required", "off");
        String network = settings.oneOf("BASH_SANDBOX_NETWORK", "on", "on", "off");
        return new SandboxSettings(Mode.valueOf(mode.toUpperCase(Locale.ROOT)), network.equals("on"));
    }
}
