package dev.cortana.host.commands;

import dev.cortana.api.commands.Command;
import dev.cortana.api.commands.CommandInvocation;
import dev.cortana.host.agent.Agent;
import dev.cortana.host.conversation.Compaction;
import dev.cortana.host.llm.LlmUnavailableException;
import java.util.Locale;

/** {@code /compact}: summarise the older part of the conversation now and say how many tokens that saved. */
public final class CompactCommand implements Command {

    private final Agent agent;

    public CompactCommand(Agent agent) {
        this.agent = agent;
    }

    @Override
    public String name() {
        return "compact";
    }

    @Override
    public String description() {
        return "Summarise older messages to shrink the conversation";
    }

    @Override
    public String run(CommandInvocation invocation) {
        Compaction result;
        try {
            result = agent.compact(invocation.userId());
        } catch (LlmUnavailableException e) {
            return "Could not compact: " + e.getMessage() + " The conversation is unchanged.";
        } catch (RuntimeException e) {
            return "Could not compact (" + e.getMessage() + "). The conversation is unchanged.";
        }
        if (result.tokensBefore() == 0) {
            return "Nothing to compact: the conversation is empty.";
        }
        if (!result.happened()) {
            return String.format(Locale.ROOT, "Nothing to compact: the conversation (%,d tokens) has only the last %d "
                    + "exchanges, which are always kept.", result.tokensBefore(), result.keptExchanges());
        }
        String done = String.format(Locale.ROOT, "Compacted the conversation: %,d → %,d tokens (%d older messages "
                        + "summarised, last %d exchanges kept).", result.tokensBefore(), result.tokensAfter(),
                result.summarisedMessages(), result.keptExchanges());
        if (result.droppedMessages() > 0) {
            done += String.format(Locale.ROOT, " %d of them did not fit the model's context window, even in pieces, "
                    + "and were dropped without a summary; /reset starts a fresh conversation.", result.droppedMessages());
        }
        return done;
    }
}
