package dev.cortana.plugins.reminders;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;

/**
 * The tools the model calls. Descriptions are terse on purpose: every request carries them (all four together are
 * measured in {@code ReminderConversationTest}). A bad argument is answered with one {@code Error: ...} line saying what
 * to send.
 */
public final class ReminderTools {

    private final Reminders reminders;

    ReminderTools(Reminders reminders) {
        this.reminders = reminders;
    }

    @Tool("Set a reminder")
    public String reminder_set(
            String text,
            @P(value = "local ISO date-time", required = false) String at,
            @P(value = "duration, e.g. PT20M", required = false) String in,
            @P(value = "RFC 5545 RRULE; at = first", required = false) String rrule) {
        return guarded(() -> reminders.set(text, at, in, rrule));
    }

    @Tool("List reminders")
    public String reminders_list() {
        return reminders.list();
    }

    @Tool("Snooze or edit a reminder")
    public String reminder_update(
            long id,
            @P(value = "duration", required = false) String snooze,
            @P(value = "local date-time", required = false) String at,
            @P(value = "", required = false) String text) {
        return guarded(() -> reminders.update(id, snooze, at, text));
    }

    @Tool("Cancel a reminder")
    public String reminder_cancel(
            long id,
            @P(value = "skip only the next time", required = false) Boolean occurrence_only) {
        return guarded(() -> reminders.cancel(id, Boolean.TRUE.equals(occurrence_only)));
    }

    private static String guarded(java.util.function.Supplier<String> action) {
        try {
            return action.get();
        } catch (InvalidInput e) {
            return "Error: " + e.getMessage() + ".";
        }
    }
}
