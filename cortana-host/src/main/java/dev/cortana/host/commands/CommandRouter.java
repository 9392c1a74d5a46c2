package dev.cortana.host.commands;

import dev.cortana.api.commands.Command;
import dev.cortana.api.commands.CommandInvocation;
import dev.cortana.api.commands.CommandOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs slash commands typed as text ({@code /settings model gpt-4o}): the host's own and those plugins contribute.
 * The Discord channel maps its interactions onto the same {@link Command}s.
 */
public final class CommandRouter {

    private static final Logger log = LoggerFactory.getLogger(CommandRouter.class);

    private final Supplier<List<Command>> commands;

    public CommandRouter(Supplier<List<Command>> commands) {
        this.commands = commands;
    }

    public static boolean isCommand(String line) {
        return line.startsWith("/") && line.length() > 1 && Character.isLetter(line.charAt(1));
    }

    /** Every command, host commands first; a plugin command whose name is taken is left out. */
    public List<Command> all() {
        Map<String, Command> byName = new LinkedHashMap<>();
        for (Command command : commands.get()) {
            byName.putIfAbsent(command.name(), command);
        }
        return List.copyOf(byName.values());
    }

    public Optional<Command> find(String name) {
        return all().stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /** Runs a {@code /}-line for {@code userId} and returns the text to show. Never throws. */
    public String run(String userId, String line) {
        List<String> words = split(line.substring(1).trim());
        String name = words.isEmpty() ? "" : words.remove(0).toLowerCase(Locale.ROOT);
        Optional<Command> found = find(name);
        if (found.isEmpty()) {
            return "Unknown command /" + name + ". Commands: " + all().stream().map(c -> "/" + c.name())
                    .collect(Collectors.joining(", ")) + ".";
        }
        Command command = found.get();
        String subcommand = null;
        List<CommandOption> options = command.options();
        if (!command.subcommands().isEmpty()) {
            if (words.isEmpty()) {
                return usage(command);
            }
            String wanted = words.remove(0).toLowerCase(Locale.ROOT);
            Optional<Command.Subcommand> sub = command.subcommands().stream().filter(s -> s.name().equals(wanted)).findFirst();
            if (sub.isEmpty()) {
                return "Unknown subcommand \"" + wanted + "\". " + usage(command);
            }
            subcommand = sub.get().name();
            options = sub.get().options();
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < options.size() && !words.isEmpty(); i++) {
            boolean last = i == options.size() - 1;
            values.put(options.get(i).name(), last ? String.join(" ", words) : words.remove(0));
            if (last) {
                words.clear();
            }
        }
        for (CommandOption option : options) {
            if (option.required() && !values.containsKey(option.name())) {
                return "Missing <" + option.name() + ">. " + usage(command);
            }
        }
        try {
            return command.run(new CommandInvocation(userId, subcommand, values));
        } catch (Exception e) {
            Optional<java.sql.SQLException> database = databaseCause(e);
            if (database.isPresent()) { // an outage or a database error: one line, it is not a bug of the command
                String message = String.valueOf(database.get().getMessage()).lines().findFirst().orElse("");
                log.warn("Command /{} failed: {}", name, message);
                return "/" + name + " failed: " + message;
            }
            log.warn("Command /{} failed", name, e);
            return "/" + name + " failed: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    private static Optional<java.sql.SQLException> databaseCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.sql.SQLException sql) {
                return Optional.of(sql);
            }
        }
        return Optional.empty();
    }

    /** {@code Usage: /settings model <name> | status | models [provider]}. */
    public static String usage(Command command) {
        if (command.subcommands().isEmpty()) {
            return "Usage: /" + command.name() + optionsUsage(command.options());
        }
        return "Usage: /" + command.name() + " " + command.subcommands().stream()
                .map(s -> s.name() + optionsUsage(s.options())).collect(Collectors.joining(" | "));
    }

    private static String optionsUsage(List<CommandOption> options) {
        return options.stream().map(o -> o.required() ? " <" + o.name() + ">" : " [" + o.name() + "]")
                .collect(Collectors.joining());
    }

    /** Splits on spaces, keeping "quoted words" together. */
    static List<String> split(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (char c : text.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
                any = true;
            } else if (Character.isWhitespace(c) && !quoted) {
                if (any) {
                    words.add(current.toString());
                    current.setLength(0);
                    any = false;
                }
            } else {
                current.append(c);
                any = true;
            }
        }
        if (any) {
            words.add(current.toString());
        }
        return words;
    }
}
