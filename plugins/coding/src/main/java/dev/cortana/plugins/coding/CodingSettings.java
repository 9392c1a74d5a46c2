package dev.cortana.plugins.coding;

import dev.cortana.api.PluginSettings;
import dev.cortana.api.SettingException;
import dev.cortana.api.Workspace;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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
 * @param fileRoots          folders besides the workspace the file tools may use: {@code FILE_TOOLS_ROOT} when set,
 *                           and the global skills folder ({@link Workspace#skillsDir()}) when it lies outside
 */
record CodingSettings(boolean bashEnabled, boolean fileToolsEnabled, int bashTimeoutSeconds, int bashMaxLines,
                      int bashMaxBytes, int readMaxLines, boolean askApproval, Duration approvalTimeout,
                      List<Path> fileRoots) {

    static CodingSettings from(PluginSettings settings, Workspace workspace) {
        String approval = settings.oneOf("BASH_APPROVAL", "never", "never", "ask");
        return new CodingSettings(
                settings.getBoolean("ENABLE_BASH_TOOL", true),
                settings.getBoolean("ENABLE_FILE_TOOLS", true),
                positive(settings, "BASH_TIMEOUT_DEFAULT", 60, BashTool.MAX_TIMEOUT_SECONDS),
                positive(settings, "BASH_OUTPUT_MAX_LINES", 500, 100_000),
                positive(settings, "BASH_OUTPUT_MAX_BYTES", 51_200, 10 * 1024 * 1024),
                positive(settings, "FILE_READ_MAX_LINES", 1000, 100_000),
                approval.equals("ask"),
                Duration.ofSeconds(positive(settings, "BASH_APPROVAL_TIMEOUT_SECONDS", 60, 3600)),
                fileRoots(settings, workspace));
    }

    private static List<Path> fileRoots(PluginSettings settings, Workspace workspace) {
        List<Path> roots = new ArrayList<>();
        Optional<String> widened = settings.get("FILE_TOOLS_ROOT").map(String::trim).filter(v -> !v.isEmpty());
        if (widened.isPresent()) {
            String raw = widened.get();
            String expanded = raw.equals("~") || raw.startsWith("~/")
                    ? System.getProperty("user.home") + raw.substring(1) : raw;
            Path root;
            try {
                root = Path.of(expanded);
            } catch (InvalidPathException e) {
                throw SettingException.invalid("FILE_TOOLS_ROOT", raw, "the absolute path of an existing folder");
            }
            if (!root.isAbsolute() || !Files.isDirectory(root)) {
                throw SettingException.invalid("FILE_TOOLS_ROOT", raw, "the absolute path of an existing folder");
            }
            root = root.normalize();
            for (Path system : systemFolders()) {
                if (system.startsWith(root)) {
                    throw SettingException.invalid("FILE_TOOLS_ROOT", raw, "a folder of your data, not one holding "
                            + system + " (the agent could change programs Cortana runs outside any sandbox)");
                }
            }
            roots.add(root);
        }
        // The skills folder is the agent's to read and write, wherever it is (SKILLS_DIR is the host's: it says where).
        if (!workspace.skillsDir().startsWith(workspace.root())) {
            roots.add(workspace.skillsDir());
        }
        return List.copyOf(roots);
    }

    /** Folders whose files Cortana runs or trusts (programs, libraries, system settings) and the Java runtime. */
    private static List<Path> systemFolders() {
        List<Path> folders = new ArrayList<>();
        for (String name : List.of("/bin", "/boot", "/dev", "/etc", "/lib", "/lib64", "/proc", "/sbin", "/sys", "/usr")) {
            folders.add(Path.of(name));
        }
        folders.add(Path.of(System.getProperty("java.home")).toAbsolutePath().normalize());
        return folders;
    }

    private static int positive(PluginSettings settings, String key, int defaultValue, int max) {
        return settings.getInt(key, defaultValue, 1, max); // a SettingException in the one form on a bad value
    }
}
