package dev.cortana.plugins.reminders;

import static dev.cortana.plugins.reminders.ReminderConversationTest.BERLIN;
import static dev.cortana.plugins.reminders.ReminderConversationTest.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.testkit.CortanaTestHost;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Snooze, edit, and cancel one occurrence of a recurring reminder or all of it. "Now" is Tue 1 Dec 2026 10:00. */
class ReminderManageTest {

    @RegisterExtension
    final CortanaTestHost cortana = CortanaTestHost.forPluginUnderTest().zone(BERLIN).startingAt(NOW);

    @Test
    void snoozingADeliveredReminderBringsItBackTenMinutesLater() {
        call("remind me at 18:00 to call mom", "reminder_set", Map.of("text", "call mom", "at", "2026-12-01T18:00"));
        cortana.clock().set(at(1, 18, 0));
        assertThat(cortana.messages()).containsExactly("⏰ Reminder: call mom");

        assertThat(call("snooze that for 10 minutes", "reminder_update", Map.of("id", 1, "snooze", "PT10M")))
                .isEqualTo("Snoozed reminder 1: call mom — Tue 1 Dec 18:10 Europe/Berlin");
        cortana.clock().set(at(1, 18, 10).minusSeconds(1));
        assertThat(cortana.messages()).hasSize(1);
        cortana.clock().set(at(1, 18, 10));
        assertThat(cortana.messages()).containsExactly("⏰ Reminder: call mom", "⏰ Reminder: call mom");
    }

    @Test
    void editingTheTextAndTimeMovesTheReminder() {
        call("in 20 minutes check the oven", "reminder_set", Map.of("text", "check the oven", "in", "PT20M"));

        assertThat(call("make it 10:45 and add the cake", "reminder_update",
                Map.of("id", 1, "at", "2026-12-01T10:45", "text", "check the oven and the cake")))
                .isEqualTo("Reminder 1 changed: check the oven and the cake — Tue 1 Dec 10:45 Europe/Berlin");
        cortana.clock().set(at(1, 10, 20));
        assertThat(cortana.messages()).isEmpty();
        cortana.clock().set(at(1, 10, 45));
        assertThat(cortana.messages()).containsExactly("⏰ Reminder: check the oven and the cake");
    }

    @Test
    void aRecurringReminderCanSkipOneOccurrenceThenBeCancelledForGood() {
        call("every day at 9 stand-up notes", "reminder_set",
                Map.of("text", "stand-up notes", "rrule", "FREQ=DAILY;BYHOUR=9;BYMINUTE=0"));

        assertThat(call("skip tomorrow's", "reminder_cancel", Map.of("id", 1, "occurrence_only", true)))
                .isEqualTo("Skipped the Wed 2 Dec 09:00 Europe/Berlin occurrence of reminder 1: stand-up notes —"
                        + " repeats FREQ=DAILY;BYHOUR=9;BYMINUTE=0, next Thu 3 Dec 09:00 Europe/Berlin");
        cortana.clock().set(at(2, 9, 0));
        assertThat(cortana.messages()).isEmpty();
        cortana.clock().set(at(3, 9, 0));
        assertThat(cortana.messages()).containsExactly("⏰ Reminder: stand-up notes");

        assertThat(call("snooze it 15 minutes", "reminder_update", Map.of("id", 1, "snooze", "PT15M")))
                .isEqualTo("Snoozed reminder 1: stand-up notes — repeats FREQ=DAILY;BYHOUR=9;BYMINUTE=0, next Fri"
                        + " 4 Dec 09:00 Europe/Berlin; snoozed to Thu 3 Dec 09:15 Europe/Berlin");
        cortana.clock().set(at(3, 9, 15));
        assertThat(cortana.messages()).hasSize(2);

        assertThat(call("stop the stand-up reminder", "reminder_cancel", Map.of("id", 1)))
                .isEqualTo("Cancelled reminder 1: stand-up notes");
        cortana.clock().set(at(5, 9, 0));
        assertThat(cortana.messages()).hasSize(2);
        assertThat(cortana.chat("/reminders")).isEqualTo("No reminders.");
    }

    private String call(String userText, String tool, Map<String, ?> arguments) {
        cortana.model().when(userText).callTool(tool, arguments).thenAnswerWithToolResult();
        return cortana.chat(userText);
    }

    private static Instant at(int december, int hour, int minute) {
        return ZonedDateTime.of(2026, 12, december, hour, minute, 0, 0, BERLIN).toInstant();
    }
}
