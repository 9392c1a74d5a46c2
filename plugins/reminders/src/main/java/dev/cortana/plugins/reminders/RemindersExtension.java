package dev.cortana.plugins.reminders;

import dev.cortana.api.CortanaContext;
import dev.cortana.api.commands.Command;
import dev.cortana.api.commands.CommandProvider;
import dev.cortana.api.tools.ToolProvider;
import java.util.List;
import org.pf4j.Extension;

/**
 * The reminders plugin: tools {@code reminder_set}, {@code reminders_list}, {@code reminder_update},
 * {@code reminder_cancel}, and the {@code /reminders} command. Created once per plugin start; registers the durable
 * job handler that delivers them.
 */
@Extension
public final class RemindersExtension implements ToolProvider, CommandProvider {

    private final Reminders reminders;
    private final ReminderTools tools;

    public RemindersExtension(CortanaContext context) {
        this.reminders = new Reminders(context);
        this.tools = new ReminderTools(reminders);
    }

    @Override
    public List<Object> tools() {
        return List.of(tools);
    }

    @Override
    public List<Command> commands() {
        return List.of(Command.of("reminders", "List your reminders, failed ones with the reason",
                invocation -> reminders.list()));
    }
}
