package dev.cortana.plugins.reminders;

import static dev.cortana.plugins.reminders.ReminderConversationTest.BERLIN;
import static dev.cortana.plugins.reminders.ReminderConversationTest.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.testkit.CortanaTestHost;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Reminders that fell due while Cortana was stopped: delivered once at start-up, marked late, several in one message,
 * a recurring one missed several times once with the count, and then on its schedule again.
 */
class ReminderDowntimeTest {

    @RegisterExtension
    final CortanaTestHost cortana = CortanaTestHost.forPluginUnderTest().zone(BERLIN).startingAt(NOW);

    @Test
    void aReminderDueWhileStoppedArrivesAtStartUpMarkedLate() {
        set("call mom", Map.of("at", "2026-12-01T12:00"));
        cortana.clock().set(ZonedDateTime.of(2026, 12, 1, 11, 0, 0, 0, BERLIN).toInstant());

        cortana.restartAfter(Duration.ofHours(3)); // stopped 11:00 to 14:00

        assertThat(cortana.awaitMessage("call mom")).isEqualTo("⏰ Reminder, late by 2 h — I was offline: call mom");
        assertThat(deliveredRuns()).isEqualTo("1 run(s) in 1 message(s), 0 open");
        assertThat(cortana.messages()).hasSize(1);
        assertThat(cortana.chat("/reminders")).isEqualTo("No reminders.");
    }

    @Test
    void manyLateRemindersComeAsOneMessageAndARecurringOneSaysHowOftenItWasMissed() {
        set("stretch", Map.of("rrule", "FREQ=DAILY;BYHOUR=11;BYMINUTE=0"));
        set("call mom", Map.of("at", "2026-12-01T12:00"));
        set("water the plants", Map.of("at", "2026-12-02T18:30"));

        cortana.restartAfter(Duration.ofHours(50)); // Tue 10:00 to Thu 12:00

        assertThat(cortana.awaitMessage("reminders")).isEqualTo("""
                ⏰ 3 reminders, late by up to 2 d 1 h — I was offline:
                • stretch (Tue 1 Dec 11:00 Europe/Berlin; missed 3 times, late by 2 d 1 h)
                • call mom (Tue 1 Dec 12:00 Europe/Berlin; late by 2 d)
                • water the plants (Wed 2 Dec 18:30 Europe/Berlin; late by 17 h 30 min)""");
        assertThat(deliveredRuns()).isEqualTo("3 run(s) in 1 message(s), 0 open");
        assertThat(cortana.chat("/reminders"))
                .isEqualTo("1. stretch — repeats FREQ=DAILY;BYHOUR=11;BYMINUTE=0, next Fri 4 Dec 11:00 Europe/Berlin");

        cortana.clock().set(ZonedDateTime.of(2026, 12, 4, 11, 0, 0, 0, BERLIN).toInstant());
        assertThat(cortana.messages()).hasSize(2).last().isEqualTo("⏰ Reminder: stretch");
    }

    @Test
    void aRecurringReminderMissedSeveralTimesArrivesOnceWithTheCount() {
        set("stretch", Map.of("rrule", "FREQ=DAILY;BYHOUR=11;BYMINUTE=0"));

        cortana.restartAfter(Duration.ofHours(50));

        assertThat(cortana.awaitMessage("stretch"))
                .isEqualTo("⏰ Reminder, missed 3 times, late by 2 d 1 h — I was offline: stretch");
        assertThat(deliveredRuns()).isEqualTo("1 run(s) in 1 message(s), 0 open");
    }

    private void set(String text, Map<String, String> when) {
        Map<String, String> arguments = new java.util.HashMap<>(when);
        arguments.put("text", text);
        cortana.model().when("remind me: " + text).callTool("reminder_set", arguments).thenAnswerWithToolResult();
        assertThat(cortana.chat("remind me: " + text)).startsWith("Reminder ");
    }

    /** How the runs ended, once none is queued or being sent any more (the message is recorded before that). */
    private String deliveredRuns() {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String runs = runs();
        while (!runs.endsWith(" 0 open") && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            runs = runs();
        }
        return runs;
    }

    private String runs() {
        return cortana.database().rows("SELECT count(*) || ' run(s) in ' || count(DISTINCT batch)"
                + " || ' message(s), ' || count(*) FILTER (WHERE state <> 'delivered') || ' open' FROM reminder_sends")
                .get(0);
    }
}
