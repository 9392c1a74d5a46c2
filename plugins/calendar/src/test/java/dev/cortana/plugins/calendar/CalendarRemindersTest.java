package dev.cortana.plugins.calendar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.testkit.TestDatabase;
import dev.cortana.testkit.TestDatabases;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Event reminders through the host's durable jobs: sent at the right time, following a moved event, gone with a
 * deleted one, once per occurrence of a series. Lisbon is on UTC in December. Moving the kit's clock runs the jobs
 * that fell due before it returns.
 */
class CalendarRemindersTest {

    private static final TestDatabase DATABASE = TestDatabases.fresh().migrated("calendar");
    private static final ZoneId LISBON = ZoneId.of("Europe/Lisbon");

    private final Calendars calendar = Calendars.open(DATABASE, LISBON);

    @AfterAll
    static void dropDatabase() {
        DATABASE.close();
    }

    private void at(String instant) {
        calendar.context.clock().set(Instant.parse(instant));
    }

    @Test
    void aReminderArrivesTheGivenMinutesBeforeTheEvent() {
        String id = calendar.add("title", "Dentist", "start", "2026-12-04T15:00", "remind", "15");
        at("2026-12-04T14:44:00Z");
        assertThat(calendar.context.messages()).isEmpty();
        at("2026-12-04T14:45:00Z");
        assertThat(calendar.context.notifier().awaitMessage("Dentist"))
                .isEqualTo("⏰ Dentist in 15 min: Fri 4 Dec 15:00–16:00 Europe/Lisbon (#" + id + ")");
        at("2026-12-04T16:00:00Z");
        assertThat(calendar.context.messages()).hasSize(1);
    }

    @Test
    void severalRemindersOfOneEventEachArrive() {
        calendar.add("title", "Flight", "start", "2026-12-04T15:00", "remind", "60,15");
        at("2026-12-04T14:00:00Z");
        calendar.context.notifier().awaitMessage("Flight in 60 min");
        at("2026-12-04T14:45:00Z");
        calendar.context.notifier().awaitMessage("Flight in 15 min");
        assertThat(calendar.context.messages()).hasSize(2);
    }

    @Test
    void aMovedEventIsRemindedAtItsNewTime() {
        String id = calendar.add("title", "Dentist", "start", "2026-12-04T15:00", "remind", "15");
        calendar.call("calendar_update", "id", id, "start", "2026-12-04T16:00");
        at("2026-12-04T14:50:00Z");
        assertThat(calendar.context.messages()).isEmpty();
        at("2026-12-04T15:45:00Z");
        assertThat(calendar.context.notifier().awaitMessage("Dentist")).contains("16:00–17:00");
    }

    @Test
    void aDeletedEventIsNotReminded() {
        String id = calendar.add("title", "Dentist", "start", "2026-12-04T15:00", "remind", "15");
        calendar.call("calendar_update", "delete", true, "id", id);
        at("2026-12-04T15:30:00Z");
        assertThat(calendar.context.messages()).isEmpty();
        assertThat(calendar.context.jobs().list()).noneMatch(job -> job.handlerName().equals(EventReminders.HANDLER));
    }

    @Test
    void remindersCanBeClearedAndAdded() {
        String id = calendar.add("title", "Dentist", "start", "2026-12-04T15:00", "remind", "15");
        calendar.call("calendar_update", "id", id, "remind", "none");
        at("2026-12-04T14:50:00Z");
        assertThat(calendar.context.messages()).isEmpty();
        calendar.call("calendar_update", "id", id, "remind", "5");
        at("2026-12-04T14:55:00Z");
        calendar.context.notifier().awaitMessage("Dentist in 5 min");
    }

    @Test
    void eachOccurrenceOfASeriesIsRemindedExceptACancelledOne() {
        String id = calendar.add("title", "Standup", "start", "2026-12-07T09:00", "minutes", 15,
                "rrule", "FREQ=WEEKLY;BYDAY=MO", "remind", "10");
        calendar.call("calendar_update", "delete", true, "id", id + "@2026-12-14");
        at("2026-12-07T08:50:00Z");
        calendar.context.notifier().awaitMessage("Mon 7 Dec");
        at("2026-12-14T08:50:00Z");
        at("2026-12-21T08:50:00Z");
        calendar.context.notifier().awaitMessage("Mon 21 Dec");
        assertThat(calendar.context.messages()).containsExactly(
                "⏰ Standup in 10 min: Mon 7 Dec 09:00–09:15 Europe/Lisbon (#" + id + "@2026-12-07)",
                "⏰ Standup in 10 min: Mon 21 Dec 09:00–09:15 Europe/Lisbon (#" + id + "@2026-12-21)");
    }
}
