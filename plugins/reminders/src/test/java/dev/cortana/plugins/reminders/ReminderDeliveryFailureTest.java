package dev.cortana.plugins.reminders;

import static dev.cortana.plugins.reminders.ReminderConversationTest.BERLIN;
import static dev.cortana.plugins.reminders.ReminderConversationTest.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.testkit.CortanaTestHost;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Never silently failed: a reminder the channel refused stays pending, shows as failed with the reason, is retried
 * with growing pauses, and the next message that arrives says it could not be delivered on time.
 */
class ReminderDeliveryFailureTest {

    static final String REFUSED = "Discord answered 403: Cannot send messages to this user";
    static final Instant SIX = ZonedDateTime.of(2026, 12, 1, 18, 0, 0, 0, BERLIN).toInstant();

    @RegisterExtension
    final CortanaTestHost cortana = CortanaTestHost.forPluginUnderTest().zone(BERLIN).startingAt(NOW);

    @Test
    void aRefusedReminderIsShownAsFailedRetriedWithBackoffAndDeliveredOnceTheChannelWorks() {
        set("call mom", "2026-12-01T18:00");
        cortana.failDeliveries(REFUSED);

        cortana.clock().set(SIX);
        assertThat(cortana.messages()).isEmpty();
        assertThat(cortana.chat("/reminders")).isEqualTo("1. call mom — FAILED at Tue 1 Dec 18:00 Europe/Berlin: "
                + REFUSED + "; retrying Tue 1 Dec 18:01 Europe/Berlin");

        cortana.clock().set(SIX.plus(Duration.ofMinutes(1)));
        assertThat(cortana.messages()).isEmpty();
        assertThat(cortana.chat("/reminders")).isEqualTo("1. call mom — FAILED at Tue 1 Dec 18:00 Europe/Berlin: "
                + REFUSED + "; retrying Tue 1 Dec 18:03 Europe/Berlin");

        cortana.failDeliveries(null);
        cortana.clock().set(SIX.plus(Duration.ofMinutes(3)));
        assertThat(cortana.messages()).containsExactly("⏰ Reminder, due Tue 1 Dec 18:00 Europe/Berlin, not delivered"
                + " on time: " + REFUSED + ": call mom");
        assertThat(cortana.chat("/reminders")).isEqualTo("No reminders.");
        cortana.clock().advance(Duration.ofHours(2));
        assertThat(cortana.messages()).hasSize(1);
    }

    @Test
    void theNextMessageThatArrivesSaysAReminderCouldNotBeDeliveredOnTime() {
        set("call mom", "2026-12-01T18:00");
        set("check the oven", "2026-12-01T18:00:30");
        cortana.failDeliveries(REFUSED);
        cortana.clock().set(SIX);
        cortana.failDeliveries(null);

        cortana.clock().set(SIX.plusSeconds(30));
        assertThat(cortana.messages()).containsExactly("⏰ Reminder: check the oven\n(1 reminder could not be"
                + " delivered on time: \"call mom\"; I keep trying, /reminders shows why)");

        cortana.clock().set(SIX.plusSeconds(60));
        assertThat(cortana.messages()).hasSize(2).last().isEqualTo("⏰ Reminder, due Tue 1 Dec 18:00 Europe/Berlin,"
                + " not delivered on time: " + REFUSED + ": call mom");
    }

    private void set(String text, String at) {
        cortana.model().when("remind me: " + text)
                .callTool("reminder_set", Map.of("text", text, "at", at)).thenAnswerWithToolResult();
        assertThat(cortana.chat("remind me: " + text)).startsWith("Reminder ");
    }
}
