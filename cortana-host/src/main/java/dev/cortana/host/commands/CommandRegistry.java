package dev.cortana.host.commands;

import dev.cortana.api.commands.Command;
import dev.cortana.api.commands.CommandProvider;
import dev.cortana.host.plugins.Contribution;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The commands Cortana answers: the host's, registered while Cortana is wired, then those of every started plugin
 * (read on each call, so a dropped-in plugin's commands appear at once). Built before the commands that list the
 * others ({@code /help}), which receive {@link #all()} as a supplier: no command needs the router that runs it.
 */
public final class CommandRegistry {

    private static final Logger log = LoggerFactory.getLogger(CommandRegistry.class);

    private final List<Command> hostCommands = new CopyOnWriteArrayList<>();
    private final Supplier<List<Contribution<CommandProvider>>> plugins;

    public CommandRegistry(Supplier<List<Contribution<CommandProvider>>> plugins) {
        this.plugins = plugins;
    }

    /** Adds a host command; host commands come first and keep their names against plugin commands. */
    public CommandRegistry register(Command command) {
        hostCommands.add(command);
        return this;
    }

    /** Every command, host commands first; a plugin command whose name is taken is left out. */
    public List<Command> all() {
        List<Command> all = new ArrayList<>(hostCommands);
        for (Contribution<CommandProvider> provider : plugins.get()) {
            try {
                all.addAll(provider.extension().commands());
            } catch (RuntimeException | LinkageError e) {
                log.warn("Commands of plugin {} skipped: {}", provider.pluginId(), e.toString());
            }
        }
        Map<String, Command> byName = new LinkedHashMap<>();
        for (Command command : all) {
            byName.putIfAbsent(command.name(), command);
        }
        return List.copyOf(byName.values());
    }
}
