package dev.cortana.api.commands;

/**
 * A string option of a command or subcommand.
 *
 * @param name         lower-case option name ({@code name}, {@code provider})
 * @param description  one line for Discord's picker
 * @param required     whether the command refuses to run without it
 * @param autocomplete whether Discord offers suggestions while the user types; the command then implements
 *                     {@link Autocompleting}
 * @since 0.1.0
 */
public record CommandOption(String name, String description, boolean required, boolean autocomplete) {

    public static CommandOption required(String name, String description) {
        return new CommandOption(name, description, true, false);
    }

    public static CommandOption optional(String name, String description) {
        return new CommandOption(name, description, false, false);
    }
}
