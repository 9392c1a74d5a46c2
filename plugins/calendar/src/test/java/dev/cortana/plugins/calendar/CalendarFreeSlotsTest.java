package dev.cortana.plugins.calendar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.testkit.TestDatabase;
import dev.cortana.testkit.TestDatabases;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Free slots inside a window, within working hours and days, around single, recurring and all-day events. */
class CalendarFreeSlotsTest {

    private static final TestDatabase DATABASE = TestDatabases.fresh().migrated("calendar");
    private static final ZoneId LISBON = ZoneId.of("Europe/Lisbon");

    private final Calendars calendar = Calendars.open(DATABASE, LISBON);

    @AfterAll
    static void dropDatabase() {
        DATABASE.close();
    }

    private String free(Calendars c, String from, String to, int minutes) {
        return c.call("calendar_list", "from", from, "to", to, "free", minutes);
    }

    @Test
    void anEmptyWorkingDayIsFreeFromNineToSix() {
        assertThat(free(calendar, "2026-12-03", "2026-12-03", 60)).isEqualTo("Free (Europe/Lisbon): Thu 3 Dec 09:00–18:00");
    }

    @Test
    void slotsGoAroundSingleAndRecurringEventsAndSkipTheWeekend() {
        calendar.add("title", "Standup", "start", "2026-12-07T09:00", "minutes", 30, "rrule", "FREQ=DAILY");
        calendar.add("title", "Lunch", "start", "2026-12-10T12:00", "minutes", 90);
        assertThat(free(calendar, "2026-12-10T00:00", "2026-12-12T00:00", 60)).isEqualTo(
                "Free (Europe/Lisbon): Thu 10 Dec 09:30–12:00, 13:30–18:00; Fri 11 Dec 09:30–18:00");
        assertThat(free(calendar, "2026-12-12", "2026-12-13", 30)).startsWith("No free 30 min in working hours (09:00–18:00)");
    }

    @Test
    void aSlotMustBeLongEnough() {
        calendar.add("title", "A", "start", "2026-12-03T09:45", "end", "2026-12-03T17:00");
        assertThat(free(calendar, "2026-12-03", "2026-12-03", 60)).isEqualTo("Free (Europe/Lisbon): Thu 3 Dec 17:00–18:00");
        assertThat(free(calendar, "2026-12-03", "2026-12-03", 45)).isEqualTo("Free (Europe/Lisbon): Thu 3 Dec 09:00–09:45, 17:00–18:00");
    }

    @Test
    void anAllDayEventMakesItsDayBusy() {
        calendar.add("title", "Holiday", "start", "2026-12-08");
        assertThat(free(calendar, "2026-12-08", "2026-12-09", 60)).isEqualTo("Free (Europe/Lisbon): Wed 9 Dec 09:00–18:00");
    }

    @Test
    void workingHoursAndDaysComeFromTheSettings() {
        Calendars custom = Calendars.open(DATABASE, LISBON, Calendars.NOW,
                Map.of("CALENDAR_WORK_HOURS", "10:00-16:00", "CALENDAR_WORK_DAYS", "SA,SU"));
        assertThat(free(custom, "2026-12-04", "2026-12-06", 60))
                .isEqualTo("Free (Europe/Lisbon): Sat 5 Dec 10:00–16:00; Sun 6 Dec 10:00–16:00");
    }

    @Test
    void thePastIsNotFree() {
        // now is Tue 1 Dec 10:00Z = 10:00 in Lisbon
        assertThat(free(calendar, "2026-12-01", "2026-12-01", 60)).isEqualTo("Free (Europe/Lisbon): Tue 1 Dec 10:00–18:00");
    }

    @Test
    void badArgumentsSayWhatToSend() {
        assertThat(free(calendar, "thursday", "2026-12-03", 60)).startsWith("Error: from must be an ISO date-time like");
        assertThat(free(calendar, "2026-12-03", "2026-12-02", 60)).isEqualTo("Error: to must be after from.");
        assertThat(free(calendar, "2026-12-03", "2026-12-03", 0)).isEqualTo("Error: free must be from 5 to 1440 minutes.");
    }
}
