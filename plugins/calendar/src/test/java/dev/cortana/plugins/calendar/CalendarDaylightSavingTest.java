package dev.cortana.plugins.calendar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.testkit.TestDatabase;
import dev.cortana.testkit.TestDatabases;
import java.time.ZoneId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Local times across daylight-saving changes, by RFC 5545: a series keeps its wall-clock time, a time in a
 * spring-forward gap moves forward by the gap, a fall-back time that happens twice is the first. Europe/Lisbon goes
 * 01:00 -> 02:00 on 28 March 2027 and 02:00 -> 01:00 on 31 October 2027; America/New_York goes 02:00 -> 03:00 on
 * 14 March 2027 and 02:00 -> 01:00 on 7 November 2027.
 */
class CalendarDaylightSavingTest {

    private static final TestDatabase DATABASE = TestDatabases.fresh().migrated("calendar");
    private static final ZoneId LISBON = ZoneId.of("Europe/Lisbon");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    @AfterAll
    static void dropDatabase() {
        DATABASE.close();
    }

    private static String times(Calendars calendar, String from, String to) {
        return String.join("\n", calendar.call("calendar_list", "from", from, "to", to).lines()
                .map(l -> l.substring(0, l.indexOf(" · "))).toList());
    }

    @Test
    void aDailySeriesKeepsItsLocalTimeAcrossTheSpringChangeInLisbon() {
        Calendars calendar = Calendars.open(DATABASE, LISBON);
        calendar.add("title", "Walk", "start", "2027-03-26T09:00", "rrule", "FREQ=DAILY");
        assertThat(times(calendar, "2027-03-27", "2027-03-29")).isEqualTo(
                "Sat 27 Mar 2027 09:00–10:00 Europe/Lisbon\nSun 28 Mar 2027 09:00–10:00 Europe/Lisbon\n"
                        + "Mon 29 Mar 2027 09:00–10:00 Europe/Lisbon");
        // 09:00 WET is 09:00Z before the change, 09:00 WEST is 08:00Z after it
        assertThat(calendar.call("calendar_add", "title", "X", "start", "2027-03-27T09:30:00Z")).startsWith("Not saved");
        assertThat(calendar.call("calendar_add", "title", "X", "start", "2027-03-29T08:30:00Z")).startsWith("Not saved");
        assertThat(calendar.call("calendar_add", "title", "X", "start", "2027-03-29T09:00:00Z")).startsWith("Added");
    }

    @Test
    void aTimeInTheSpringGapMovesForwardByTheGap() {
        Calendars lisbon = Calendars.open(DATABASE, LISBON);
        lisbon.add("title", "Night job", "start", "2027-03-27T01:30", "minutes", 30, "rrule", "FREQ=DAILY;COUNT=3");
        assertThat(times(lisbon, "2027-03-27", "2027-03-29")).isEqualTo(
                "Sat 27 Mar 2027 01:30–02:00 Europe/Lisbon\nSun 28 Mar 2027 02:30–03:00 Europe/Lisbon\n"
                        + "Mon 29 Mar 2027 01:30–02:00 Europe/Lisbon");
        Calendars newYork = Calendars.open(DATABASE, NEW_YORK);
        assertThat(newYork.call("calendar_add", "title", "Backup", "start", "2027-03-14T02:30", "minutes", 30))
                .startsWith("Added Sun 14 Mar 2027 03:30–04:00 America/New_York · Backup");
        newYork.add("title", "Feed", "start", "2027-03-13T02:30", "minutes", 15, "rrule", "FREQ=DAILY;COUNT=3",
                "book_anyway", true);
        assertThat(newYork.call("calendar_list", "from", "2027-03-13", "to", "2027-03-15").lines()
                .filter(l -> l.contains("Feed")).map(l -> l.substring(0, l.indexOf(" · "))).toList()).containsExactly(
                "Sat 13 Mar 2027 02:30–02:45 America/New_York", "Sun 14 Mar 2027 03:30–03:45 America/New_York",
                "Mon 15 Mar 2027 02:30–02:45 America/New_York");
    }

    @Test
    void aTimeThatHappensTwiceInTheFallIsTheFirst() {
        Calendars lisbon = Calendars.open(DATABASE, LISBON);
        lisbon.add("title", "Twice", "start", "2027-10-31T01:30", "minutes", 20);
        // first 01:30 is WEST (+01:00) = 00:30Z; the second, WET, would be 01:30Z
        assertThat(lisbon.call("calendar_add", "title", "X", "start", "2027-10-31T00:40:00Z", "minutes", 5)).startsWith("Not saved");
        assertThat(lisbon.call("calendar_add", "title", "Y", "start", "2027-10-31T01:35:00Z", "minutes", 5)).startsWith("Added");

        Calendars newYork = Calendars.open(DATABASE, NEW_YORK);
        newYork.add("title", "Daily", "start", "2027-11-05T01:30", "minutes", 20, "rrule", "FREQ=DAILY");
        // on 7 Nov the first 01:30 is EDT (-04:00) = 05:30Z, not EST 06:30Z
        assertThat(newYork.call("calendar_add", "title", "X", "start", "2027-11-07T05:40:00Z", "minutes", 5)).startsWith("Not saved");
        assertThat(newYork.call("calendar_add", "title", "Y", "start", "2027-11-07T06:35:00Z", "minutes", 5)).startsWith("Added");
        // and the day after it is 01:30 EST again
        assertThat(newYork.call("calendar_add", "title", "Z", "start", "2027-11-08T06:35:00Z", "minutes", 5)).startsWith("Not saved");
    }

    @Test
    void anAllDayEventOnTheChangeDayIsTheWholeLocalDay() {
        Calendars newYork = Calendars.open(DATABASE, NEW_YORK);
        newYork.add("title", "Sunday", "start", "2027-03-14");
        // the day has 23 hours: 05:00Z to 04:00Z the next day
        assertThat(newYork.call("calendar_add", "title", "A", "start", "2027-03-15T03:30:00Z", "minutes", 30)).startsWith("Not saved");
        assertThat(newYork.call("calendar_add", "title", "B", "start", "2027-03-15T04:00:00Z", "minutes", 30)).startsWith("Added");
    }
}
