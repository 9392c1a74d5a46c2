package dev.cortana.plugins.coding;

import dev.cortana.api.PluginSettings;
import java.time.Duration;
import java.util.Locale;

/**
 * The coding plugin's settings, read and checked once when the plugin starts.
 *
 * @param bashEnabled        {@code ENABLE_BASH_TOOL} (default true)
 * @param fileToolsEnabled   {@code ENABLE_FILE_TOOLS} (default true)
 * @param bashTimeoutSeconds {@code BASH_TIMEOUT_DEFAULT} (default 60)
 * @param bashMaxLines       {@code BASH_OUTPUT_MAX_LINES} (default 500)
 * @param bashMaxBytes       {@code BASH_OUTPUT_MAX_BYTES} (default 51200)
 * @param readMaxLines       {@code FILE_READ_MAX_LINES} (default 1000)
 * @param askApproval        {@code BASH_APPROVAL=ask} (default {@code never})
 * @param approvalTimeout    {@code BASH_APPROVAL_TIMEOUT_SECONDS} (default 60)
 */
record CodingSettings(boolean bashEnabled, boolean fileToolsEnabled, int bashTimeoutSeconds, int bashMaxLines,
                      int bashMaxBytes, int readMaxLines, boolean askApproval, Duration approvalTimeout) {

    static CodingSettings from(PluginSettings settings) {
        String approval = settings.get("BASH_APPROVAL", "never").trim().toLowerCase(Locale.ROOT);
        if (!approval.equals("never") && !approval.equals("ask")) {
            throw new IllegalArgumentException("BASH_APPROVAL must be never or ask, got '" + approval + "'");
        }
        return new CodingSettings(
                settings.getBoolean("ENABLE_BASH_TOOL", true),
                settings.getBoolean("ENABLE_FILE_TOOLS", true),
                positive(settings, "BASH_TIMEOUT_DEFAULT", 60, BashTool.MAX_TIMEOUT_SECONDS),
                positive(settings, "BASH_OUTPUT_MAX_LINES", 500, 100_000),
                positive(settings, "BASH_OUTPUT_MAX_BYTES", 51_200, 10 * 1024 * 1024),
                positive(settings, "FILE_READ_MAX_LINES", 1000, 100_000),
                approval.equals("ask"),
                Duration.ofSeconds(positive(settings, "BASH_APPROVAL_TIMEOUT_SECONDS", 60, 3600)));
    }

    private static int positive(PluginSettings settings, String key, int defaultValue, int max) {
        return settings.getInt(key, defaultValue, 1, max); // a SettingException in the one form on a bad value
    }
}
