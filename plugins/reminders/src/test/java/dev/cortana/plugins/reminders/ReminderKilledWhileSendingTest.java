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
 * reminder once.
 */
class ReminderKilledWhileSendingTest {

    @Test
    void aReminderPostedJustBeforeACrashIsNotSentAgainAfterTheRestart() {
        Instant six = ZonedDateTime.of(2026, 12, 1, 18, 0, 0, 0, BERLIN).toInstant();
        try (CortanaProcess cortana = CortanaProcess.forPluginUnderTest().zone(BERLIN).startingAt(NOW)) {
            cortana.haltAfterPosting("call mom").start();
            cortana.model().when("remind me at 18:00 to call mom")
                    .callTool("reminder_set", Map.of("text", "call mom", "at", "2026-12-01T18:00"))
                    .thenAnswerWithToolResult();
            assertThat(cortana.chat("remind me at 18:00 to call mom"))
                    .isEqualTo("Reminder 1 set for Tue 1 Dec 18:00 Europe/Berlin: call mom");

            cortana.setClock(six);
            assertThat(cortana.awaitExit()).isEqualTo(137); // died in the send window
            assertThat(cortana.messages()).containsExactly("⏰ Reminder: call mom");
            assertThat(cortana.database().rows("SELECT state FROM reminder_sends")).containsExactly("sending");

            cortana.haltAfterPosting(null).start();
            cortana.setClock(six.plusSeconds(300));

            assertThat(cortana.messages()).containsExactly("⏰ Reminder: call mom");
            assertThat(cortana.database().rows("SELECT state FROM reminder_sends")).containsExactly("delivered");
            assertThat(cortana.chat("/reminders")).isEqualTo("No reminders.");
        }
    }
}
