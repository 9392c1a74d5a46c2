package dev.cortana.api.commands;

import java.util.List;

/**
 * A slash command. Commands are only ever run for the master user in a DM (or on the console); the host enforces
 * that before {@link #run} is called.
 *
 * <p>A command either has options of its own ({@code /remind <when> <text>}) or subcommands, each with options
 * ({@code /settings model <name>}, {@code /settings status}). On the console, words after the name fill the options
 * in order; the last option takes the rest of the line.
 *
 * @since 0.1.0
 */
public interface Command {

    /** Lower-case name without the slash: {@code settings}. */
    String name();

    /** One line shown in Discord's command picker and in {@code /help}. */
    String description();

    default List<CommandOption> options() {
        return List.of();
    }

    default List<Subcommand> subcommands() {
        return List.of();
    }

    /** Runs the command; the returned Markdown is shown to the user (only to them, on Discord). */
    String run(CommandInvocation invocation) throws Exception;

    /** A command with no options. */
    static Command of(String name, String description, Handler handler) {
        return new Command() {
            @Override public String name() { return name; }
            @Override public String description() { return description; }
            @Override public String run(CommandInvocation invocation) throws Exception { return handler.run(invocation); }
        };
    }

    @FunctionalInterface
    interface Handler {
        String run(CommandInvocation invocation) throws Exception;
    }

    /** A subcommand such as {@code model} of {@code /settings}. */
    record Subcommand(String name, String description, List<CommandOption> options) {
        public Subcommand {
            options = List.copyOf(options);
        }
    }
}
