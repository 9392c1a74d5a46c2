package dev.cortana.plugins.reminders;

import static dev.cortana.plugins.reminders.ReminderConversationTest.BERLIN;
import static dev.cortana.plugins.reminders.ReminderConversationTest.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.testkit.CortanaProcess;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Never twice: Cortana dies in the send window (the channel accepted the reminder, Cortana had not learned it, the
 * job's run was not finished). At the next start the run is delivered to the plugin again; the user still sees the
 * reminder once. The reminder is a recurring one, so it stays pending after the send: only the run's recorded
 * idempotency key keeps the repeated run from sending it again.
 */
class ReminderKilledWhileSendingTest {

    @Test
    void aReminderPostedJustBeforeACrashIsNotSentAgainAfterTheRestart() {
        Instant six = ZonedDateTime.of(2026, 12, 1, 18, 0, 0, 0, BERLIN).toInstant();
        try (CortanaProcess cortana = CortanaProcess.forPluginUnderTest().zone(BERLIN).startingAt(NOW)) {
            cortana.haltAfterPosting("call mom").start();
            cortana.model().when("every day at 18:00 remind me to call mom")
                    .callTool("reminder_set", Map.of("text", "call mom", "rrule", "FREQ=DAILY;BYHOUR=18;BYMINUTE=0"))
                    .thenAnswerWithToolResult();
            assertThat(cortana.chat("every day at 18:00 remind me to call mom")).isEqualTo("Reminder 1 set, repeating"
                    + " (FREQ=DAILY;BYHOUR=18;BYMINUTE=0), next Tue 1 Dec 18:00 Europe/Berlin: call mom");

            cortana.setClock(six);
            assertThat(cortana.awaitExit()).isEqualTo(137); // died in the send window
            assertThat(cortana.messages()).containsExactly("⏰ Reminder: call mom");
            assertThat(cortana.database().rows("SELECT state FROM reminder_sends")).containsExactly("sending");

            cortana.haltAfterPosting(null).start();
            cortana.setClock(six.plusSeconds(300));

            assertThat(cortana.messages()).containsExactly("⏰ Reminder: call mom");
            assertThat(cortana.database().rows("SELECT state FROM reminder_sends")).containsExactly("delivered");
            assertThat(cortana.chat("/reminders")).isEqualTo("1. call mom — repeats FREQ=DAILY;BYHOUR=18;BYMINUTE=0,"
                    + " next Wed 2 Dec 18:00 Europe/Berlin");
        }
    }
}
