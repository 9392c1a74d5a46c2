package dev.cortana.api.commands;

import java.util.List;
import org.pf4j.ExtensionPoint;

/**
 * Contributes slash commands. On Discord they are registered as global commands usable in the bot's DMs; on the
 * console a line starting with {@code /} runs them ({@code /name subcommand arg1 arg2}).
 *
 * <pre>{@code
 * @Extension
 * public final class PingCommands implements CommandProvider {
 *     public List<Command> commands() {
 *         return List.of(Command.of("ping", "Checks that Cortana is awake", invocation -> "pong"));
 *     }
 * }
 * }</pre>
 * @since 0.1.0
 */
public interface CommandProvider extends ExtensionPoint {

    List<Command> commands();
}
