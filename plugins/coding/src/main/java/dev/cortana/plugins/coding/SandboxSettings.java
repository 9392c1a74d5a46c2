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
        String mode = settings.get("BASH_SANDBOX", "auto").trim().toLowerCase(Locale.ROOT);
        String network = settings.get("BASH_SANDBOX_NETWORK", "on").trim().toLowerCase(Locale.ROOT);
        if (!mode.equals("auto") && !mode.equals("required") && !mode.equals("off")) {
            throw new IllegalArgumentException("BASH_SANDBOX must be auto, required or off, got '" + mode + "'");
        }
        if (!network.equals("on") && !network.equals("off")) {
            throw new IllegalArgumentException("BASH_SANDBOX_NETWORK must be on or off, got '" + network + "'");
        }
        return new SandboxSettings(Mode.valueOf(mode.toUpperCase(Locale.ROOT)), network.equals("on"));
    }
}
