package dev.cortana.plugins.calendar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.testkit.TestDatabase;
import dev.cortana.testkit.TestDatabases;
import java.time.ZoneId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Recurring events: rules, their occurrences as conflicts, single-occurrence exceptions, "this and following". */
class CalendarRecurrenceTest {

    private static final TestDatabase DATABASE = TestDatabases.fresh().migrated("calendar");
    private static final ZoneId LISBON = ZoneId.of("Europe/Lisbon");

    private final Calendars calendar = Calendars.open(DATABASE, LISBON);

    @AfterAll
    static void dropDatabase() {
        DATABASE.close();
    }

    private String standup() {
        return calendar.add("title", "Standup", "start", "2026-12-07T09:00", "minutes", 15, "rrule", "FREQ=WEEKLY;BYDAY=MO");
    }

    private String list(String from, String to) {
        return calendar.call("calendar_list", "from", from, "to", to);
    }

    @Test
    void aWeeklySeriesIsListedOccurrenceByOccurrence() {
        String id = standup();
        assertThat(list("2026-12-01", "2026-12-20")).isEqualTo(
                "Mon 7 Dec 09:00–09:15 Europe/Lisbon · Standup (#" + id + "@2026-12-07)\n"
                        + "Mon 14 Dec 09:00–09:15 Europe/Lisbon · Standup (#" + id + "@2026-12-14)");
        assertThat(calendar.call("calendar_list", "id", id))
                .isEqualTo("Mon 7 Dec 09:00–09:15 Europe/Lisbon · Standup (#" + id + "@2026-12-07) · repeats weekly byday=mo");
    }

    @Test
    void anOccurrenceOfASeriesIsAConflictWeeksAhead() {
        String id = standup();
        assertThat(calendar.call("calendar_add", "title", "Doctor", "start", "2027-02-15T09:10"))
                .startsWith("Not saved, it overlaps Mon 15 Feb 2027 09:00–09:15 Europe/Lisbon · Standup (#" + id + "@2027-02-15)");
        assertThat(calendar.call("calendar_add", "title", "Doctor", "start", "2027-02-15T09:15")).startsWith("Added");
        assertThat(calendar.call("calendar_add", "title", "Tuesday", "start", "2027-02-16T09:00")).startsWith("Added");
    }

    @Test
    void aNewSeriesConflictsWithAnEventOnOneOfItsDays() {
        String dinner = calendar.add("title", "Dinner", "start", "2027-01-20T19:00", "minutes", 120);
        assertThat(calendar.call("calendar_add", "title", "Gym", "start", "2026-12-02T18:30", "rrule", "FREQ=WEEKLY;BYDAY=WE"))
                .startsWith("Not saved, it overlaps Wed 20 Jan 2027 19:00–21:00 Europe/Lisbon · Dinner (#" + dinner + ")");
        assertThat(calendar.call("calendar_add", "title", "Gym", "start", "2026-12-02T18:00",
                "rrule", "FREQ=WEEKLY;BYDAY=WE", "book_anyway", true)).startsWith("Added");
    }

    @Test
    void countAndUntilEndASeries() {
        calendar.add("title", "Course", "start", "2026-12-02T18:00", "rrule", "FREQ=DAILY;COUNT=3");
        assertThat(list("2026-12-01", "2026-12-31").lines()).hasSize(3).last().asString().startsWith("Fri 4 Dec 18:00");
        calendar.add("title", "Yoga", "start", "2026-12-03T07:00", "rrule", "RRULE:FREQ=WEEKLY;BYDAY=TH;UNTIL=20261217");
        assertThat(list("2026-12-01", "2027-01-31").lines().filter(l -> l.contains("Yoga")))
                .containsExactly(
                        "Thu 3 Dec 07:00–08:00 Europe/Lisbon · Yoga (#" + idOf("Yoga") + "@2026-12-03)",
                        "Thu 10 Dec 07:00–08:00 Europe/Lisbon · Yoga (#" + idOf("Yoga") + "@2026-12-10)",
                        "Thu 17 Dec 07:00–08:00 Europe/Lisbon · Yoga (#" + idOf("Yoga") + "@2026-12-17)");
    }

    @Test
    void monthlyAndYearlyRules() {
        calendar.add("title", "Rent", "start", "2027-01-31", "rrule", "FREQ=MONTHLY;BYMONTHDAY=-1");
        assertThat(list("2027-02-01", "2027-04-30").lines())
                .containsExactly("Sun 28 Feb 2027 (all day) · Rent (#" + idOf("Rent") + "@2027-02-28)",
                        "Wed 31 Mar 2027 (all day) · Rent (#" + idOf("Rent") + "@2027-03-31)",
                        "Fri 30 Apr 2027 (all day) · Rent (#" + idOf("Rent") + "@2027-04-30)");
        String birthday = calendar.add("title", "Birthday", "start", "2026-12-24", "rrule", "FREQ=YEARLY");
        assertThat(calendar.call("calendar_add", "title", "Party", "start", "2027-12-24T20:00"))
                .startsWith("Not saved, it overlaps Fri 24 Dec 2027 (all day) · Birthday (#" + birthday + "@2027-12-24)");
    }

    @Test
    void aBadRuleIsAnsweredWithTheExpectedForm() {
        assertThat(calendar.call("calendar_add", "title", "X", "start", "2026-12-07T09:00", "rrule", "every monday"))
                .isEqualTo("Error: rrule must be an RFC 5545 RRULE like FREQ=WEEKLY;BYDAY=MO,WE (FREQ DAILY, WEEKLY, "
                        + "MONTHLY or YEARLY; end it with COUNT=10 or UNTIL=20270131).");
    }

    @Test
    void cancellingOneOccurrenceKeepsTheRest() {
        String id = standup();
        assertThat(calendar.call("calendar_update", "delete", true, "id", id + "@2026-12-07")).isEqualTo(
                "Cancelled Mon 7 Dec 09:00–09:15 Europe/Lisbon · Standup (#" + id + "@2026-12-07); the rest of the series stays.");
        assertThat(list("2026-12-01", "2026-12-20")).isEqualTo(
                "Mon 14 Dec 09:00–09:15 Europe/Lisbon · Standup (#" + id + "@2026-12-14)");
        assertThat(calendar.call("calendar_add", "title", "Free now", "start", "2026-12-07T09:00")).startsWith("Added");
        assertThat(calendar.call("calendar_update", "delete", true, "id", id + "@2026-12-08")).startsWith("Error: series #" + id + " has no occurrence on 2026-12-08");
    }

    @Test
    void movingOneOccurrenceLeavesTheOthersWhereTheyAre() {
        String id = standup();
        String reply = calendar.call("calendar_update", "id", id + "@2026-12-14", "start", "2026-12-14T10:00");
        assertThat(reply).matches("Changed this occurrence only: Mon 14 Dec 10:00–10:15 Europe/Lisbon · Standup \\(#\\d+\\)\\.");
        String moved = Calendars.id(reply);
        assertThat(list("2026-12-07", "2026-12-21")).isEqualTo(
                "Mon 7 Dec 09:00–09:15 Europe/Lisbon · Standup (#" + id + "@2026-12-07)\n"
                        + "Mon 14 Dec 10:00–10:15 Europe/Lisbon · Standup (#" + moved + ")\n"
                        + "Mon 21 Dec 09:00–09:15 Europe/Lisbon · Standup (#" + id + "@2026-12-21)");
        // the old time is free, the new one is busy
        assertThat(calendar.call("calendar_add", "title", "Call", "start", "2026-12-14T09:00", "minutes", 15)).startsWith("Added");
        assertThat(calendar.call("calendar_add", "title", "Call", "start", "2026-12-14T10:05")).contains("(#" + moved + ")");
        // naming the moved occurrence by the series finds the moved one
        assertThat(calendar.call("calendar_list", "id", id + "@2026-12-14")).startsWith("Mon 14 Dec 10:00–10:15");
    }

    @Test
    void changingThisAndFollowingSplitsTheSeries() {
        String id = standup();
        String reply = calendar.call("calendar_update", "id", id + "@2026-12-21", "start", "2026-12-21T09:30", "scope", "following");
        assertThat(reply).matches("Changed this and following: Mon 21 Dec 09:30–09:45 Europe/Lisbon · Standup \\(#\\d+@2026-12-21\\); #"
                + id + " now ends Mon 14 Dec\\.");
        String following = Calendars.id(reply);
        assertThat(list("2026-12-07", "2027-01-04")).isEqualTo(
                "Mon 7 Dec 09:00–09:15 Europe/Lisbon · Standup (#" + id + "@2026-12-07)\n"
                        + "Mon 14 Dec 09:00–09:15 Europe/Lisbon · Standup (#" + id + "@2026-12-14)\n"
                        + "Mon 21 Dec 09:30–09:45 Europe/Lisbon · Standup (#" + following + "@2026-12-21)\n"
                        + "Mon 28 Dec 09:30–09:45 Europe/Lisbon · Standup (#" + following + "@2026-12-28)\n"
                        + "Mon 4 Jan 2027 09:30–09:45 Europe/Lisbon · Standup (#" + following + "@2027-01-04)");
    }

    @Test
    void aCountedSeriesSplitKeepsItsTotal() {
        String id = calendar.add("title", "Therapy", "start", "2026-12-02T17:00", "rrule", "FREQ=WEEKLY;COUNT=4");
        calendar.call("calendar_update", "id", id + "@2026-12-16", "start", "2026-12-16T18:00", "scope", "following");
        assertThat(list("2026-12-01", "2027-03-01").lines().map(l -> l.substring(0, l.indexOf(" Europe"))))
                .containsExactly("Wed 2 Dec 17:00–18:00", "Wed 9 Dec 17:00–18:00", "Wed 16 Dec 18:00–19:00",
                        "Wed 23 Dec 18:00–19:00");
    }

    @Test
    void movingTheWholeSeriesMovesEveryOccurrenceAndItsCancellations() {
        String id = standup();
        calendar.call("calendar_update", "delete", true, "id", id + "@2026-12-14");
        assertThat(calendar.call("calendar_update", "id", id + "@2026-12-07", "start", "2026-12-08T09:30", "scope", "all"))
                .isEqualTo("Updated Tue 8 Dec 09:30–09:45 Europe/Lisbon · Standup (#" + id + "@2026-12-08) (whole series).");
        assertThat(list("2026-12-07", "2026-12-23")).isEqualTo(
                "Tue 8 Dec 09:30–09:45 Europe/Lisbon · Standup (#" + id + "@2026-12-08)\n"
                        + "Tue 22 Dec 09:30–09:45 Europe/Lisbon · Standup (#" + id + "@2026-12-22)");
    }

    @Test
    void deletingThisAndFollowingEndsTheSeries() {
        String id = standup();
        assertThat(calendar.call("calendar_update", "delete", true, "id", id + "@2026-12-21", "scope", "following")).isEqualTo(
                "Deleted Mon 21 Dec 09:00–09:15 Europe/Lisbon · Standup (#" + id + "@2026-12-21) and the following; "
                        + "the series now ends Mon 14 Dec.");
        assertThat(list("2026-12-01", "2027-06-30").lines()).hasSize(2);
        assertThat(calendar.call("calendar_update", "delete", true, "id", id)).isEqualTo(
                "Deleted Mon 7 Dec 09:00–09:15 Europe/Lisbon · Standup (#" + id + "@2026-12-07) and the whole series.");
        assertThat(list("2026-12-01", "2027-06-30")).startsWith("No events");
    }

    @Test
    void aSeriesWithoutEndIsSeenBeyondTheHorizon() {
        Calendars shortHorizon = Calendars.open(DATABASE, LISBON, Calendars.NOW,
                java.util.Map.of("CALENDAR_HORIZON_DAYS", "30"));
        String id = shortHorizon.add("title", "Standup", "start", "2026-12-07T09:00", "rrule", "FREQ=WEEKLY;BYDAY=MO");
        assertThat(shortHorizon.call("calendar_list", "from", "2027-06-07", "to", "2027-06-07"))
                .isEqualTo("Mon 7 Jun 2027 09:00–10:00 Europe/Lisbon · Standup (#" + id + "@2027-06-07)");
        assertThat(shortHorizon.call("calendar_add", "title", "Clash", "start", "2027-09-06T09:30")).startsWith("Not saved");
    }

    private String idOf(String title) {
        String all = list("2026-12-01", "2027-11-30");
        return all.lines().filter(l -> l.contains("· " + title + " ")).findFirst().map(Calendars::id).orElseThrow();
    }
}
