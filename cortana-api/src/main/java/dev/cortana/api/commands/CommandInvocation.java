package dev.cortana.api.commands;

import java.util.Map;
import java.util.Optional;

/**
 * One run of a command.
 *
 * @param userId     the master user's id
 * @param subcommand the subcommand's name, or null for a command without subcommands
 * @param options    option values by option name; absent options are missing from the map
 * @since 0.1.0
 */
public record CommandInvocation(String userId, String subcommand, Map<String, String> options) {

    public CommandInvocation {
        options = Map.copyOf(options);
    }

    public Optional<String> option(String name) {
        return Optional.ofNullable(options.get(name)).filter(v -> !v.isBlank());
    }
}
