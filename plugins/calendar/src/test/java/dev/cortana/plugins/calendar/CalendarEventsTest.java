package dev.cortana.plugins.calendar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.testkit.TestDatabase;
import dev.cortana.testkit.TestDatabases;
import java.time.ZoneId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Single events: add, list, show, update, delete, and what counts as a conflict. The user is in Europe/Lisbon. */
class CalendarEventsTest {

    private static final TestDatabase DATABASE = TestDatabases.fresh().migrated("calendar");
    private static final ZoneId LISBON = ZoneId.of("Europe/Lisbon");

    private final Calendars calendar = Calendars.open(DATABASE, LISBON);

    @AfterAll
    static void dropDatabase() {
        DATABASE.close();
    }

    private String dentist() {
        return calendar.add("title", "Dentist", "start", "2026-12-04T15:00", "minutes", 60);
    }

    @Test
    void addsAnEventAndAnswersWithItsTimeInTheUsersZone() {
        String reply = calendar.call("calendar_add", "title", "Dentist", "start", "2026-12-04T15:00", "end", "2026-12-04T16:00");
        assertThat(reply).matches("Added Fri 4 Dec 15:00–16:00 Europe/Lisbon · Dentist \\(#\\d+\\)\\.");
    }

    @Test
    void anEventWithoutEndOrLengthLastsAnHour() {
        assertThat(calendar.call("calendar_add", "title", "Call", "start", "2026-12-04T09:30"))
                .startsWith("Added Fri 4 Dec 09:30–10:30 Europe/Lisbon · Call");
    }

    @Test
    void backToBackEventsAreNoConflict() {
        dentist();
        assertThat(calendar.call("calendar_add", "title", "After", "start", "2026-12-04T16:00", "minutes", 30))
                .startsWith("Added Fri 4 Dec 16:00–16:30");
        assertThat(calendar.call("calendar_add", "title", "Before", "start", "2026-12-04T14:00", "end", "2026-12-04T15:00"))
                .startsWith("Added Fri 4 Dec 14:00–15:00");
    }

    @Test
    void anOverlapOfOneMinuteIsAConflictAndNothingIsSaved() {
        String id = dentist();
        String reply = calendar.call("calendar_add", "title", "Call", "start", "2026-12-04T15:59", "minutes", 30);
        assertThat(reply).isEqualTo("Not saved, it overlaps Fri 4 Dec 15:00–16:00 Europe/Lisbon · Dentist (#" + id + ")."
                + "\nSay book_anyway=true to save it anyway, or pick another time.");
        assertThat(calendar.call("calendar_list", "from", "2026-12-04", "to", "2026-12-04")).doesNotContain("Call");
        assertThat(calendar.call("calendar_add", "title", "Call", "start", "2026-12-04T14:30", "minutes", 31))
                .startsWith("Not saved, it overlaps Fri 4 Dec 15:00–16:00");
    }

    @Test
    void anEventInsideOrAroundAnotherConflicts() {
        dentist();
        assertThat(calendar.call("calendar_add", "title", "Inside", "start", "2026-12-04T15:15", "minutes", 15))
                .startsWith("Not saved, it overlaps");
        assertThat(calendar.call("calendar_add", "title", "Around", "start", "2026-12-04T08:00", "end", "2026-12-04T20:00"))
                .startsWith("Not saved, it overlaps");
    }

    @Test
    void bookAnywaySavesDespiteTheConflict() {
        dentist();
        assertThat(calendar.call("calendar_add", "title", "Call", "start", "2026-12-04T15:30", "book_anyway", true))
                .startsWith("Added Fri 4 Dec 15:30–16:30 Europe/Lisbon · Call");
        assertThat(calendar.call("calendar_list", "from", "2026-12-04", "to", "2026-12-04").lines())
                .hasSize(2);
    }

    @Test
    void anAllDayEventCoversTheLocalDayAndNothingOutsideIt() {
        String holiday = calendar.add("title", "Holiday", "start", "2026-12-08");
        assertThat(calendar.call("calendar_list", "id", holiday)).startsWith("Tue 8 Dec (all day) · Holiday (#" + holiday + ")");
        assertThat(calendar.call("calendar_add", "title", "Lunch", "start", "2026-12-08T12:00"))
                .isEqualTo("Not saved, it overlaps Tue 8 Dec (all day) · Holiday (#" + holiday + ")."
                        + "\nSay book_anyway=true to save it anyway, or pick another time.");
        assertThat(calendar.call("calendar_add", "title", "Late", "start", "2026-12-07T23:00", "end", "2026-12-08T00:00"))
                .startsWith("Added Mon 7 Dec 23:00–00:00");
        assertThat(calendar.call("calendar_add", "title", "Early", "start", "2026-12-09T00:00", "minutes", 30))
                .startsWith("Added Wed 9 Dec 00:00–00:30");
        assertThat(calendar.call("calendar_add", "title", "Night", "start", "2026-12-07T23:30", "minutes", 60))
                .startsWith("Not saved, it overlaps");
    }

    @Test
    void aMultiDayEventConflictsOnEveryDayItCovers() {
        String trip = calendar.add("title", "Trip", "start", "2026-12-10", "end", "2026-12-12");
        assertThat(calendar.call("calendar_list", "id", trip)).startsWith("Thu 10 Dec – Sat 12 Dec (all day) · Trip");
        assertThat(calendar.call("calendar_add", "title", "Dinner", "start", "2026-12-11T20:00"))
                .startsWith("Not saved, it overlaps Thu 10 Dec – Sat 12 Dec (all day) · Trip");
        assertThat(calendar.call("calendar_add", "title", "Back", "start", "2026-12-13T10:00")).startsWith("Added");
        String party = calendar.add("title", "Party", "start", "2026-12-05T22:00", "end", "2026-12-06T02:00");
        assertThat(calendar.call("calendar_list", "id", party)).startsWith("Sat 5 Dec 22:00 – Sun 6 Dec 02:00 Europe/Lisbon · Party");
        assertThat(calendar.call("calendar_add", "title", "Brunch", "start", "2026-12-06T01:00")).startsWith("Not saved");
    }

    @Test
    void anotherUsersEventsAreNoConflictAndNotListed() {
        dentist();
        Calendars bob = calendar.as("bob-" + java.util.UUID.randomUUID());
        assertThat(bob.call("calendar_add", "title", "Bob's", "start", "2026-12-04T15:00")).startsWith("Added");
        assertThat(bob.call("calendar_list", "from", "2026-12-04", "to", "2026-12-04")).doesNotContain("Dentist");
    }

    @Test
    void listsARangeSoonestFirstWithIds() {
        String dentist = dentist();
        String call = calendar.add("title", "Call", "start", "2026-12-03T09:00", "minutes", 15);
        calendar.add("title", "Later", "start", "2026-12-09T09:00");
        assertThat(calendar.call("calendar_list", "from", "2026-12-01", "to", "2026-12-06")).isEqualTo(
                "Thu 3 Dec 09:00–09:15 Europe/Lisbon · Call (#" + call + ")\n"
                        + "Fri 4 Dec 15:00–16:00 Europe/Lisbon · Dentist (#" + dentist + ")");
        assertThat(calendar.call("calendar_list", "from", "2026-12-05", "to", "2026-12-06"))
                .isEqualTo("No events from Sat 5 Dec to Sun 6 Dec.");
    }

    @Test
    void showsLocationNotesAndReminders() {
        String id = calendar.add("title", "Dentist", "start", "2026-12-04T15:00", "location", "Rua Augusta 10",
                "notes", "bring the card", "remind", "60,15");
        assertThat(calendar.call("calendar_list", "id", "#" + id)).isEqualTo(
                "Fri 4 Dec 15:00–16:00 Europe/Lisbon · Dentist (#" + id + ") · at Rua Augusta 10 · reminders 15 min, 60 min before"
                        + "\nNotes: bring the card");
    }

    @Test
    void movesAnEventWithoutConflictingWithItself() {
        String id = dentist();
        assertThat(calendar.call("calendar_update", "id", id, "start", "2026-12-04T15:30"))
                .isEqualTo("Updated Fri 4 Dec 15:30–16:30 Europe/Lisbon · Dentist (#" + id + ").");
        assertThat(calendar.call("calendar_update", "id", id, "end", "2026-12-04T17:00"))
                .isEqualTo("Updated Fri 4 Dec 15:30–17:00 Europe/Lisbon · Dentist (#" + id + ").");
        assertThat(calendar.call("calendar_update", "id", id, "start", "2026-12-07", "title", "Dentist (moved)"))
                .isEqualTo("Updated Mon 7 Dec 15:30–17:00 Europe/Lisbon · Dentist (moved) (#" + id + ").");
    }

    @Test
    void aMoveOntoAnotherEventReturnsTheConflictAndKeepsTheEvent() {
        String id = dentist();
        String call = calendar.add("title", "Call", "start", "2026-12-04T17:00");
        assertThat(calendar.call("calendar_update", "id", id, "start", "2026-12-04T16:30"))
                .startsWith("Not saved, it overlaps Fri 4 Dec 17:00–18:00 Europe/Lisbon · Call (#" + call + ")");
        assertThat(calendar.call("calendar_list", "id", id)).startsWith("Fri 4 Dec 15:00–16:00");
        assertThat(calendar.call("calendar_update", "id", id, "start", "2026-12-04T16:30", "book_anyway", true))
                .startsWith("Updated Fri 4 Dec 16:30–17:30");
    }

    @Test
    void deletesAnEvent() {
        String id = dentist();
        assertThat(calendar.call("calendar_update", "delete", true, "id", id))
                .isEqualTo("Deleted Fri 4 Dec 15:00–16:00 Europe/Lisbon · Dentist (#" + id + ").");
        assertThat(calendar.call("calendar_list", "from", "2026-12-04", "to", "2026-12-04")).startsWith("No events");
        assertThat(calendar.call("calendar_update", "delete", true, "id", id)).startsWith("Error: no event #" + id + ";");
        assertThat(calendar.call("calendar_add", "title", "Call", "start", "2026-12-04T15:00")).startsWith("Added");
    }

    @Test
    void badTimesAreAnsweredWithTheExpectedForm() {
        assertThat(calendar.call("calendar_add", "title", "X", "start", "friday 3pm")).isEqualTo(
                "Error: start must be an ISO date-time like 2026-12-05T15:00 or a date like 2026-12-05 (got \"friday 3pm\").");
        assertThat(calendar.call("calendar_add", "title", "X", "start", "2026-12-04T15:00", "end", "2026-12-04T14:00"))
                .isEqualTo("Error: end must be after start.");
        assertThat(calendar.call("calendar_add", "title", "X", "start", "2026-12-04T15:00", "zone", "Lisbon"))
                .isEqualTo("Error: zone must be an IANA time zone like Europe/Lisbon (got \"Lisbon\").");
        assertThat(calendar.call("calendar_list", "from", "2026-12-04")).isEqualTo(
                "Error: give from and to as an ISO date-time like 2026-12-05T15:00 or a date like 2026-12-05, or an id.");
        assertThat(calendar.call("calendar_update", "id", "dentist")).startsWith("Error: id must be an event id from calendar_list like 12");
    }

    @Test
    void anEventInAnotherZoneIsShownInTheUsersZone() {
        String id = calendar.add("title", "NY call", "start", "2026-12-04T09:00", "zone", "America/New_York");
        assertThat(calendar.call("calendar_list", "id", id))
                .isEqualTo("Fri 4 Dec 14:00–15:00 Europe/Lisbon · NY call (#" + id + ") · zone America/New_York");
    }
}
