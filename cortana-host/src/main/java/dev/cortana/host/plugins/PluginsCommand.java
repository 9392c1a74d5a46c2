package dev.cortana.host.plugins;

import dev.cortana.api.StatusLines;
import dev.cortana.api.StatusNote;
import dev.cortana.api.commands.Command;
import dev.cortana.api.commands.CommandInvocation;
import dev.cortana.api.commands.CommandProvider;
import dev.cortana.api.llm.LlmProvider;
import dev.cortana.api.memory.MemoryProvider;
import dev.cortana.api.skills.SkillSource;
import dev.cortana.host.config.Secrets;
import dev.cortana.host.llm.SecretRedactor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * {@code /plugins}: what is in the plugins folder, whether it runs, and what each plugin adds, so a user can tell why
 * a tool is missing without reading logs. Under a started plugin, each on its own line: its {@link StatusNote}s, then
 * the settings it declared and was granted beyond its own section (names only, never values).
 */
public final class PluginsCommand implements Command {

    private final PluginHost host;
    private final Function<String, List<String>> toolNamesOfPlugin;
    private final Function<String, List<String>> skippedToolsOfPlugin;

    /**
     * @param toolNamesOfPlugin the names of the tools a plugin contributes, as the tool registry accepted them (it may
     *                          drop duplicates), by plugin id
     */
    public PluginsCommand(PluginHost host, Function<String, List<String>> toolNamesOfPlugin) {
        this(host, toolNamesOfPlugin, id -> List.of());
    }

    /**
     * @param skippedToolsOfPlugin the tools of a plugin the registry did not offer, as
     *                             {@code "<tool name>: <why> — <what to do>"} ({@code ToolRegistry.skippedToolsByPlugin}),
     *                             by plugin id; each shows on its own line under the plugin
     */
    public PluginsCommand(PluginHost host, Function<String, List<String>> toolNamesOfPlugin,
                          Function<String, List<String>> skippedToolsOfPlugin) {
        this.host = Objects.requireNonNull(host, "host");
        this.toolNamesOfPlugin = Objects.requireNonNull(toolNamesOfPlugin, "toolNamesOfPlugin");
        this.skippedToolsOfPlugin = Objects.requireNonNull(skippedToolsOfPlugin, "skippedToolsOfPlugin");
    }

    @Override
    public String name() {
        return "plugins";
    }

    @Override
    public String description() {
        return "List plugins, their state and the tools each contributes";
    }

    @Override
    public String run(CommandInvocation invocation) {
        return render();
    }

    /** The listing, one line per plugin file. */
    public String render() {
        List<PluginStatus> statuses = host.statuses();
        if (statuses.isEmpty()) {
            return "No plugins in " + host.pluginsDir() + ". Copy plugin JARs into that folder: "
                    + "they are loaded while Cortana runs, no restart needed.";
        }
        List<Path> folders = host.pluginFolders();
        StringBuilder out = new StringBuilder("Plugins in ").append(folders.stream().map(Path::toString)
                .collect(java.util.stream.Collectors.joining(", "))).append(':');
        for (PluginStatus status : statuses) {
            out.append("\n• ").append(status.label()).append(" — ");
            if (folders.size() > 1) { // which folder it came from, and what it overrides
                out.append("from ").append(status.file().getParent()).append(" — ");
                host.overridden().forEach((overridden, by) -> {
                    if (by.equals(status.file())) {
                        out.append("overrides the one in ").append(overridden.getParent()).append(" — ");
                    }
                });
            }
            if (status.started()) {
                List<String> skippedTools = skippedTools(status.id());
                out.append("started — ").append(contributions(status.id(), !skippedTools.isEmpty()));
                for (String skipped : skippedTools) {
                    out.append("\n  skipped tool ").append(skipped);
                }
                for (String note : notesOf(host, status.id())) {
                    out.append("\n  ").append(note);
                }
                host.settingsOf(status.id()).flatMap(PluginsCommand::settingsLine)
                        .ifPresent(line -> out.append("\n  ").append(line));
            } else {
                out.append(status.state().toString().toLowerCase(Locale.ROOT));
                status.reason().ifPresent(reason -> out.append(": ").append(reason));
                String fileName = status.file().getFileName().toString();
                if (!status.id().equals(fileName)) {
                    out.append(" (").append(fileName).append(')');
                }
            }
        }
        return out.toString();
    }

    /**
     * The status notes of every started plugin as {@code "<plugin id>: <note>"}, for the start-up line; empty when no
     * plugin has anything to say.
     */
    public static List<String> statusNotes(PluginHost host) {
        List<String> lines = new ArrayList<>();
        for (PluginStatus status : host.statuses()) {
            if (status.started()) {
                notesOf(host, status.id()).forEach(note -> lines.add(status.id() + ": " + note));
            }
        }
        return lines;
    }

    /** The status notes as the start-up line ends with them: {@code "; coding: ..."} each, or nothing. */
    public static String startupNotes(PluginHost host) {
        StringBuilder out = new StringBuilder();
        statusNotes(host).forEach(note -> out.append("; ").append(note));
        return out.toString();
    }

    /**
     * What a plugin may read beyond its own section: {@code settings: BASH_*, FILE_* · granted: GITHUB_TOKEN}, plus
     * the grants refused and the {@code ${NAME}} references left empty; empty when it declared and was granted nothing.
     */
    static Optional<String> settingsLine(ScopedSettings settings) {
        List<String> parts = new ArrayList<>();
        if (!settings.declared().isEmpty()) {
            parts.add("settings: " + String.join(", ", settings.declared()));
        }
        if (!settings.granted().isEmpty()) {
            parts.add("granted: " + String.join(", ", settings.granted()));
        }
        if (!settings.refusedGrants().isEmpty()) {
            parts.add("grant refused (Cortana's own): " + String.join(", ", settings.refusedGrants()));
        }
        if (!settings.ungrantedReferences().isEmpty()) {
            parts.add("not granted, left empty: " + settings.ungrantedReferences().stream().map(n -> "${" + n + "}")
                    .collect(Collectors.joining(", ")) + " (grant with plugins: <id>: grant: [NAME])");
        }
        return parts.isEmpty() ? Optional.empty() : Optional.of(String.join(" · ", parts));
    }

    /**
     * The {@link StatusLines} of every started plugin, by plugin id in the plugins' order: blank lines dropped, at most
     * {@value StatusLines#MAX_LINES} lines of {@value StatusLines#MAX_LENGTH} characters each, any value of a secret
     * setting replaced; a plugin with nothing to say, or whose extension throws, is left out.
     */
    public static Map<String, List<String>> statusLines(PluginHost host) {
        SecretRedactor redactor = redactor(host);
        Map<String, List<String>> byPlugin = new LinkedHashMap<>();
        for (Contribution<StatusLines> contribution : host.extensions(StatusLines.class)) {
            List<String> lines;
            try {
                lines = contribution.extension().statusLines();
            } catch (RuntimeException | LinkageError e) {
                continue;
            }
            if (lines == null) {
                continue;
            }
            List<String> shown = byPlugin.computeIfAbsent(contribution.pluginId(), id -> new ArrayList<>());
            for (String line : lines) {
                if (line == null || line.isBlank() || shown.size() >= StatusLines.MAX_LINES) {
                    continue;
                }
                String one = redactor.redact(line.strip().replaceAll("\\s*\\R\\s*", " "));
                shown.add(one.length() > StatusLines.MAX_LENGTH ? one.substring(0, StatusLines.MAX_LENGTH - 3) + "..." : one);
            }
        }
        byPlugin.values().removeIf(List::isEmpty);
        return byPlugin;
    }

    /** Replaces the value of every secret-looking setting ({@code *_API_KEY}, {@code DISCORD_TOKEN}, ...). */
    private static SecretRedactor redactor(PluginHost host) {
        return SecretRedactor.of(Secrets.values(host.config()));
    }

    /** The plugin's notes, one line each, capped and with secret values redacted; a blank or failing note shows nothing. */
    private static List<String> notesOf(PluginHost host, String pluginId) {
        List<String> notes = new ArrayList<>();
        SecretRedactor redactor = null;
        for (Contribution<StatusNote> contribution : host.extensions(StatusNote.class)) {
            if (!contribution.pluginId().equals(pluginId)) {
                continue;
            }
            Optional<String> note;
            try {
                note = contribution.extension().statusNote();
            } catch (RuntimeException | LinkageError e) {
                continue;
            }
            if (note != null && note.isPresent() && !note.get().isBlank()) {
                redactor = redactor == null ? redactor(host) : redactor;
                String line = redactor.redact(note.get().strip().lines().findFirst().orElse(""));
                notes.add(line.length() > StatusNote.MAX_LENGTH
                        ? line.substring(0, StatusNote.MAX_LENGTH - 3) + "..." : line);
            }
        }
        return notes;
    }

    private List<String> skippedTools(String pluginId) {
        try {
            List<String> skipped = skippedToolsOfPlugin.apply(pluginId);
            return skipped == null ? List.of() : skipped;
        } catch (RuntimeException e) {
            return List.of("(cannot list: " + PluginHost.describe(e) + ")");
        }
    }

    private String contributions(String pluginId, boolean toolsSkipped) {
        List<String> parts = new ArrayList<>();
        List<String> tools;
        try {
            tools = toolNamesOfPlugin.apply(pluginId);
        } catch (RuntimeException e) {
            tools = List.of("(cannot list: " + PluginHost.describe(e) + ")");
        }
        if (tools != null && !tools.isEmpty()) {
            parts.add("tools: " + String.join(", ", tools));
        }
        add(parts, pluginId, LlmProvider.class, "LLM provider", "LLM providers", provider -> List.of(provider.id()));
        add(parts, pluginId, MemoryProvider.class, "memory provider", "memory providers", memory -> List.of(memory.id()));
        add(parts, pluginId, SkillSource.class, "skill", "skills", source -> source.skillDirectories().stream()
                .map(Path::getFileName).map(String::valueOf).toList());
        add(parts, pluginId, CommandProvider.class, "command", "commands", provider -> provider.commands().stream()
                .map(command -> "/" + command.name()).toList());
        if (parts.isEmpty()) {
            return toolsSkipped ? "no usable tools (each was skipped, see below)" : "no tools or other extensions";
        }
        return String.join(" — ", parts);
    }

    /** Appends {@code "<kind>: a, b"} for the plugin's extensions of {@code type}; a plugin bug shows, never breaks it. */
    private <T> void add(List<String> parts, String pluginId, Class<T> type, String singular, String plural,
                         Function<T, List<String>> names) {
        List<String> found = new ArrayList<>();
        for (Contribution<T> contribution : host.extensions(type)) {
            if (contribution.pluginId().equals(pluginId)) {
                try {
                    found.addAll(names.apply(contribution.extension()));
                } catch (RuntimeException | LinkageError e) {
                    found.add("(cannot list: " + PluginHost.describe(e) + ")");
                }
            }
        }
        if (!found.isEmpty()) {
            parts.add((found.size() == 1 ? singular : plural) + ": " + String.join(", ", found));
        }
    }
}
