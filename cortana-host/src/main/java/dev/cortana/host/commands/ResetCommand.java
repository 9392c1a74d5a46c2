package dev.cortana.host.commands;

import dev.cortana.api.commands.Command;
import dev.cortana.api.commands.CommandInvocation;
import dev.cortana.host.conversation.ConversationStore;

/** {@code /reset}: forget the running conversation (saved data such as todos stays). */
public final class ResetCommand implements Command {

    private final ConversationStore conversations;

    public ResetCommand(ConversationStore conversations) {
        this.conversations = conversations;
    }

    @Override
    public String name() {
        return "reset";
    }

    @Override
    public String description() {
        return "Start a fresh conversation";
    }

    @Override
    public String run(CommandInvocation invocation) {
        conversations.reset(invocation.userId());
        return "Started a fresh conversation. Your todos and settings are untouched.";
    }
}
