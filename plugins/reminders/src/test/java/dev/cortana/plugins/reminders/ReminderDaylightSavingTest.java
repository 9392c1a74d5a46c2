package dev.cortana.plugins.reminders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.testkit.CortanaTestHost;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * "Every day at 09:00" stays 09:00 local across both daylight-saving changes, in Europe/Berlin and America/New_York; a
 * time in the spring-forward gap fires once, moved forward by the gap (02:30 -> 03:30), and an ambiguous fall-back
 * time fires once, at its first occurrence. The clock steps to one second before and to each expected instant (UTC).
 */
class ReminderDaylightSavingTest {

    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    @RegisterExtension
    final CortanaTestHost cortana = CortanaTestHost.forPluginUnderTest();

    @Test
    void berlinSpringForward() { // Sunday 28 March 2027, 02:00 CET -> 03:00 CEST
        start(BERLIN, "2027-03-26T12:00:00Z");
        daily("nine", "2027-03-27T09:00");
        daily("half past two", "2027-03-27T02:30");
        expect(Map.of(
                "2027-03-27T08:00:00Z", "nine", "2027-03-28T07:00:00Z", "nine", "2027-03-29T07:00:00Z", "nine",
                "2027-03-27T01:30:00Z", "half past two",
                "2027-03-28T01:30:00Z", "half past two", // 02:30 does not exist: 03:30 CEST
                "2027-03-29T00:30:00Z", "half past two"));
    }

    @Test
    void berlinFallBack() { // Sunday 31 October 2027, 03:00 CEST -> 02:00 CET
        start(BERLIN, "2027-10-29T12:00:00Z");
        daily("nine", "2027-10-30T09:00");
        daily("half past two", "2027-10-30T02:30");
        expect(Map.of(
                "2027-10-30T07:00:00Z", "nine", "2027-10-31T08:00:00Z", "nine", "2027-11-01T08:00:00Z", "nine",
                "2027-10-30T00:30:00Z", "half past two",
                "2027-10-31T00:30:00Z", "half past two", // 02:30 CEST; not again at 02:30 CET (01:30Z)
                "2027-11-01T01:30:00Z", "half past two"));
    }

    @Test
    void newYorkSpringForward() { // Sunday 14 March 2027, 02:00 EST -> 03:00 EDT
        start(NEW_YORK, "2027-03-12T17:00:00Z");
        daily("nine", "2027-03-13T09:00");
        daily("half past two", "2027-03-13T02:30");
        expect(Map.of(
                "2027-03-13T14:00:00Z", "nine", "2027-03-14T13:00:00Z", "nine", "2027-03-15T13:00:00Z", "nine",
                "2027-03-13T07:30:00Z", "half past two",
                "2027-03-14T07:30:00Z", "half past two", // 02:30 does not exist: 03:30 EDT
                "2027-03-15T06:30:00Z", "half past two"));
    }

    @Test
    void newYorkFallBack() { // Sunday 7 November 2027, 02:00 EDT -> 01:00 EST
        start(NEW_YORK, "2027-11-05T17:00:00Z");
        daily("nine", "2027-11-06T09:00");
        daily("half past one", "2027-11-06T01:30");
        expect(Map.of(
                "2027-11-06T13:00:00Z", "nine", "2027-11-07T14:00:00Z", "nine", "2027-11-08T14:00:00Z", "nine",
                "2027-11-06T05:30:00Z", "half past one",
                "2027-11-07T05:30:00Z", "half past one", // 01:30 EDT; not again at 01:30 EST (06:30Z)
                "2027-11-08T06:30:00Z", "half past one"));
    }

    private void start(ZoneId zone, String instant) {
        cortana.command("/settings timezone " + zone.getId());
        cortana.clock().set(Instant.parse(instant));
    }

    private void daily(String text, String first) {
        cortana.model().when("daily " + text).callTool("reminder_set",
                Map.of("text", text, "rrule", "FREQ=DAILY", "at", first)).thenAnswerWithToolResult();
        assertThat(cortana.chat("daily " + text)).startsWith("Reminder ");
    }

    /** Each reminder arrives exactly at its instant, not a second earlier, and nothing else arrives in between. */
    private void expect(Map<String, String> fires) {
        List<String> seen = new ArrayList<>();
        for (Map.Entry<String, String> fire : new TreeMap<>(fires).entrySet()) {
            Instant time = Instant.parse(fire.getKey());
            cortana.clock().set(time.minusSeconds(1));
            assertThat(cortana.messages()).as("before " + time).isEqualTo(seen);
            cortana.clock().set(time);
            seen.add("⏰ Reminder: " + fire.getValue());
            assertThat(cortana.messages()).as("at " + time).isEqualTo(seen);
        }
        cortana.clock().set(Instant.parse(new TreeMap<>(fires).lastKey()).plusSeconds(3600));
        assertThat(cortana.messages()).isEqualTo(seen);
    }
}
