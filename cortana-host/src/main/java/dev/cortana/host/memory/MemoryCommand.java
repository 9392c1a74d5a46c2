package dev.cortana.host.memory;

import dev.cortana.api.commands.Command;
import dev.cortana.api.commands.CommandInvocation;
import dev.cortana.api.commands.CommandOption;
import dev.cortana.api.memory.MemoryFact;
import java.util.List;
import java.util.Optional;

/**
 * {@code /memory}: what Cortana remembers about the user, with ids ({@code /memory}), and
 * {@code /memory forget <id>}. Listed only while a memory provider is active ({@link #ifActive}).
 */
public final class MemoryCommand implements Command {

    static final int LIST_LIMIT = 50;

    private final ActiveMemory memory;

    public MemoryCommand(ActiveMemory memory) {
        this.memory = memory;
    }

    /** This command while a memory provider is active, else nothing (for the command list). */
    public List<Command> ifActive() {
        return memory.provider().isPresent() ? List.of(this) : List.of();
    }

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public String description() {
        return "What Cortana remembers about you";
    }

    /** One optional option, so {@code /memory} alone lists: Discord's {@code forget:<id>}, the console's {@code forget <id>}. */
    @Override
    public List<CommandOption> options() {
        return List.of(CommandOption.optional("forget", "Id of a fact to forget (ids are in /memory)"));
    }

    @Override
    public String run(CommandInvocation invocation) throws Exception {
        if (memory.provider().isEmpty()) {
            return "No memory plugin is active: add memory-local to the plugins folder, or set ZEP_API_KEY for Zep.";
        }
        Optional<String> forget = invocation.option("forget");
        if (forget.isPresent() && !forget.get().strip().equalsIgnoreCase("list")) {
            // The console fills the option with the rest of the line: "forget 12".
            String id = forget.get().strip().replaceFirst("(?i)^forget\\b\\s*", "");
            if (id.isEmpty() || id.contains(" ")) {
                return "Send one fact id: /memory forget <id> (the ids are in /memory).";
            }
            if (!memory.forget(invocation.userId(), id)) {
                return "No remembered fact has id " + id + ". /memory lists the ids.";
            }
            String note = memory.forgetNote();
            return "Forgot fact " + id + "." + (note.isEmpty() ? "" : " " + note);
        }
        List<MemoryFact> facts = memory.facts(invocation.userId(), LIST_LIMIT + 1);
        if (facts.isEmpty()) {
            return "I don't remember anything about you yet.";
        }
        StringBuilder out = new StringBuilder("What I remember about you (newest first):\n");
        facts.stream().limit(LIST_LIMIT).forEach(f -> out.append("- ").append(MemoryTools.line(f)).append('\n'));
        if (facts.size() > LIST_LIMIT) {
            out.append("(only the newest ").append(LIST_LIMIT).append(" are shown)\n");
        }
        out.append("Forget one with /memory forget <id>.");
        return out.toString();
    }
}
