package dev.cortana.host.commands;

import dev.cortana.api.commands.Command;
import dev.cortana.api.commands.CommandInvocation;
import java.util.List;
import java.util.function.Supplier;

/** {@code /help}: every command with its usage. */
public final class HelpCommand implements Command {

    private final Supplier<List<Command>> commands;

    /** @param commands every command as the user can run it now ({@link CommandRegistry#all()}) */
    public HelpCommand(Supplier<List<Command>> commands) {
        this.commands = commands;
    }

    @Override
    public String name() {
        return "help";
    }

    @Override
    public String description() {
        return "List Cortana's commands";
    }

    @Override
    public String run(CommandInvocation invocation) {
        StringBuilder text = new StringBuilder("Commands:\n");
        for (Command command : commands.get()) {
            text.append("• ").append(CommandRouter.usage(command).substring("Usage: ".length()))
                    .append(" — ").append(command.description()).append('\n');
        }
        return text.append("Anything else you type goes to Cortana.").toString();
    }
}
