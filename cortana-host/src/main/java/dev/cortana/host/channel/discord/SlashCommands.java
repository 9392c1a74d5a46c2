package dev.cortana.host.channel.discord;

import dev.cortana.api.commands.Autocompleting;
import dev.cortana.api.commands.Command;
import dev.cortana.api.commands.CommandInvocation;
import dev.cortana.api.commands.CommandOption;
import dev.cortana.host.commands.CommandRouter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import net.dv8tion.jda.api.entities.channel.ChannelType;
import net.dv8tion.jda.api.events.interaction.command.CommandAutoCompleteInteractionEvent;
import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.interactions.IntegrationType;
import net.dv8tion.jda.api.interactions.InteractionContextType;
import net.dv8tion.jda.api.interactions.commands.OptionMapping;
import net.dv8tion.jda.api.interactions.commands.OptionType;
import net.dv8tion.jda.api.interactions.commands.build.OptionData;
import net.dv8tion.jda.api.interactions.commands.build.SlashCommandData;
import net.dv8tion.jda.api.interactions.commands.build.SubcommandData;
import net.dv8tion.jda.api.interactions.InteractionHook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every {@link Command} of the {@link CommandRouter} as a Discord slash command, without knowing any of them: options
 * and subcommands come from the command's model, suggestions from {@link Autocompleting}. Interactions are
 * acknowledged at once (deferred, visible only to the master) and answered with a follow-up when the command is
 * done, so a slow command never misses Discord's 3-second limit.
 */
final class SlashCommands {

    private static final Logger log = LoggerFactory.getLogger(SlashCommands.class);

    static final String DM_ONLY = "Cortana only works in DMs.";
    static final String UNAUTHORIZED = "You are not authorized to use Cortana.";

    private final CommandRouter commands;
    private final String masterUserId;
    private final ExecutorService workers;

    SlashCommands(CommandRouter commands, String masterUserId, ExecutorService workers) {
        this.commands = commands;
        this.masterUserId = masterUserId;
        this.workers = workers;
    }

    /** The registrations for Discord: global commands usable in the bot's DMs. */
    List<SlashCommandData> definitions() {
        return commands.all().stream().map(SlashCommands::definition).toList();
    }

    static SlashCommandData definition(Command command) {
        SlashCommandData data = net.dv8tion.jda.api.interactions.commands.build.Commands
                .slash(command.name(), describe(command.description()))
                .setContexts(InteractionContextType.BOT_DM)
                .setIntegrationTypes(IntegrationType.GUILD_INSTALL);
        if (command.subcommands().isEmpty()) {
            data.addOptions(options(command.options()));
        } else {
            for (Command.Subcommand sub : command.subcommands()) {
                data.addSubcommands(new SubcommandData(sub.name(), describe(sub.description()))
                        .addOptions(options(sub.options())));
            }
        }
        return data;
    }

    private static List<OptionData> options(List<CommandOption> options) {
        return options.stream()
                .map(o -> new OptionData(OptionType.STRING, o.name(), describe(o.description()), o.required(),
                        o.autocomplete()))
                .toList();
    }

    /** Discord wants 1 to 100 characters. */
    private static String describe(String description) {
        String text = description == null || description.isBlank() ? "-" : description.strip();
        return text.length() > 100 ? text.substring(0, 99) + "…" : text;
    }

    void onSlashCommand(SlashCommandInteractionEvent event) {
        if (event.isFromGuild() || event.getChannelType() != ChannelType.PRIVATE) {
            event.reply(DM_ONLY).setEphemeral(true).queue();
            return;
        }
        if (!event.getUser().getId().equals(masterUserId)) {
            log.info("Slash command /{} from user {} refused: not the master user", event.getName(),
                    event.getUser().getId());
            event.reply(UNAUTHORIZED).setEphemeral(true).queue();
            return;
        }
        event.deferReply(true).queue();
        InteractionHook hook = event.getHook();
        String name = event.getName();
        String subcommand = event.getSubcommandName();
        Map<String, String> values = new LinkedHashMap<>();
        for (OptionMapping option : event.getOptions()) {
            values.put(option.getName(), option.getAsString());
        }
        workers.execute(() -> {
            String result = run(name, subcommand, values);
            List<String> chunks = ReplySplitter.split(result, ReplySplitter.DISCORD_LIMIT);
            for (String chunk : chunks) {
                hook.sendMessage(chunk).setEphemeral(true).queue(null,
                        failure -> log.warn("Could not answer /{}: {}", name, failure.toString()));
            }
        });
    }

    private String run(String name, String subcommand, Map<String, String> values) {
        Optional<Command> found = commands.find(name);
        if (found.isEmpty()) {
            return "/" + name + " is not available any more (its plugin was removed).";
        }
        Command command = found.get();
        List<CommandOption> declared = command.options();
        if (subcommand != null) {
            declared = command.subcommands().stream().filter(s -> s.name().equals(subcommand)).findFirst()
                    .map(Command.Subcommand::options).orElse(List.of());
        }
        for (CommandOption option : declared) {
            if (option.required() && (values.get(option.name()) == null || values.get(option.name()).isBlank())) {
                return "Missing <" + option.name() + ">. " + CommandRouter.usage(command);
            }
        }
        try {
            String result = command.run(new CommandInvocation(masterUserId, subcommand, values));
            return result == null || result.isBlank() ? "Done." : result;
        } catch (Exception e) {
            log.warn("Command /{} failed", name, e);
            return "/" + name + " failed: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    void onAutocomplete(CommandAutoCompleteInteractionEvent event) {
        if (event.isFromGuild() || !event.getUser().getId().equals(masterUserId)) {
            event.replyChoiceStrings(List.of()).queue();
            return;
        }
        List<String> choices = commands.find(event.getName())
                .filter(Autocompleting.class::isInstance)
                .map(c -> {
                    try {
                        return ((Autocompleting) c).complete(event.getSubcommandName(), event.getFocusedOption().getName(),
                                event.getFocusedOption().getValue());
                    } catch (RuntimeException e) {
                        log.warn("Suggestions for /{} failed: {}", event.getName(), e.toString());
                        return List.<String>of();
                    }
                })
                .orElse(List.of());
        event.replyChoiceStrings(choices.stream().filter(c -> !c.isBlank() && c.length() <= 100).limit(25).toList())
                .queue();
    }
}
