package dev.cortana.api.commands;

import java.util.List;

/**
 * Implemented by a {@link Command} whose options offer suggestions as the user types (Discord autocomplete).
 *
 * @since 0.1.0
 */
public interface Autocompleting {

    /**
     * Up to 25 suggestions for {@code option} of {@code subcommand} (null for a command without subcommands),
     * given what the user has typed so far.
     */
    List<String> complete(String subcommand, String option, String typed);
}
