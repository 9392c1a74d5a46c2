package dev.cortana.host.plugins;

import dev.cortana.api.commands.Command;
import dev.cortana.api.commands.CommandInvocation;
import dev.cortana.api.commands.CommandProvider;
import dev.cortana.api.llm.LlmProvider;
import dev.cortana.api.memory.MemoryProvider;
import dev.cortana.api.skills.SkillSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * {@code /plugins}: what is in the plugins folder, whether it runs, and what each plugin adds, so a user can tell why
 * a tool is missing without reading logs.
 */
public final class PluginsCommand implements Command {

    private final PluginHost host;
    private final Function<String, List<String>> toolNamesOfPlugin;

    /**
     * @param toolNamesOfPlugin the names of the tools a plugin contributes, as the tool registry accepted them (it may
     *                          drop duplicates), by plugin id
     */
    public PluginsCommand(PluginHost host, Function<String, List<String>> toolNamesOfPlugin) {
        this.host = Objects.requireNonNull(host, "host");
        this.toolNamesOfPlugin = Objects.requireNonNull(toolNamesOfPlugin, "toolNamesOfPlugin");
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
        StringBuilder out = new StringBuilder("Plugins in ").append(host.pluginsDir()).append(':');
        for (PluginStatus status : statuses) {
            out.append("\n• ").append(status.label()).append(" — ");
            if (status.started()) {
                out.append("started — ").append(contributions(status.id()));
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

    private String contributions(String pluginId) {
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
        return parts.isEmpty() ? "no tools or other extensions" : String.join(" — ", parts);
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
