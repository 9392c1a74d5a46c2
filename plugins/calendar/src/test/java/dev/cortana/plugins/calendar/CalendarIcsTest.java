package dev.cortana.plugins.calendar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.testkit.TestDatabase;
import dev.cortana.testkit.TestDatabases;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.fortuna.ical4j.data.CalendarBuilder;
import net.fortuna.ical4j.model.Calendar;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * .ics import and export with a Google Calendar export (VTIMEZONEs, a weekly RRULE with an EXDATE and a moved
 * occurrence by RECURRENCE-ID, all-day and multi-day events, a UTC and a New York event, a cancelled one).
 */
class CalendarIcsTest {

    private static final TestDatabase DATABASE = TestDatabases.fresh().migrated("calendar");
    private static final ZoneId LISBON = ZoneId.of("Europe/Lisbon");
    private static final String DECEMBER = String.join("\n",
            "Wed 2 Dec 18:30–19:30 Europe/Lisbon · Portuguese course",
            "Fri 4 Dec 15:00–16:00 Europe/Lisbon · Dentist",
            "Mon 7 Dec 09:00–09:15 Europe/Lisbon · Team standup",
            "Tue 8 Dec (all day) · Feriado - Imaculada Conceição",
            "Wed 9 Dec 18:30–19:30 Europe/Lisbon · Portuguese course",
            "Thu 10 Dec 15:00–16:00 Europe/Lisbon · Call with the New York office",
            "Mon 14 Dec 10:00–10:15 Europe/Lisbon · Team standup (moved)",
            "Wed 16 Dec 18:30–19:30 Europe/Lisbon · Portuguese course",
            "Wed 23 Dec 18:30–19:30 Europe/Lisbon · Portuguese course",
            "Thu 24 Dec – Sat 26 Dec (all day) · Christmas at the Algarve",
            "Mon 28 Dec 09:00–09:15 Europe/Lisbon · Team standup",
            "Wed 30 Dec 18:30–19:30 Europe/Lisbon · Portuguese course");

    @AfterAll
    static void dropDatabase() {
        DATABASE.close();
    }

    private static String attach(Calendars calendar, String name) throws Exception {
        Path folder = Files.createDirectories(calendar.context.workspace().resolve("users/u1/attachments"));
        try (InputStream in = CalendarIcsTest.class.getResourceAsStream("/ics/" + name)) {
            Files.copy(in, folder.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return "users/u1/attachments/" + name;
    }

    private static String december(Calendars calendar) {
        return String.join("\n", calendar.call("calendar_list", "from", "2026-12-01", "to", "2026-12-31").lines()
                .map(l -> l.substring(0, l.lastIndexOf(" (#"))).toList());
    }

    @Test
    void importsAGoogleCalendarExportAndSaysWhatItDid() throws Exception {
        Calendars calendar = Calendars.open(DATABASE, LISBON);
        String gym = calendar.add("title", "Gym", "start", "2026-12-09T19:00");
        String path = attach(calendar, "google-calendar-export.ics");
        assertThat(calendar.call("calendar_ics", "path", path)).isEqualTo("Imported 7 events from " + path
                + "; skipped 1 (0 already in the calendar, 1 cancelled or unreadable); 1 conflicting"
                + " (with Wed 9 Dec 19:00–20:00 Europe/Lisbon · Gym (#" + gym + ")).");
        assertThat(december(calendar)).isEqualTo(DECEMBER.replace(
                "Wed 9 Dec 18:30–19:30 Europe/Lisbon · Portuguese course",
                "Wed 9 Dec 18:30–19:30 Europe/Lisbon · Portuguese course\nWed 9 Dec 19:00–20:00 Europe/Lisbon · Gym"));
        String dentist = calendar.call("calendar_list", "from", "2026-12-04", "to", "2026-12-04");
        assertThat(calendar.call("calendar_list", "id", Calendars.id(dentist)))
                .contains("at Clínica Dentária da Baixa, Rua Augusta 10, 1100-053 Lisboa, Portugal");

        assertThat(calendar.call("calendar_ics", "path", path)).isEqualTo("Imported 0 events from " + path
                + "; skipped 8 (7 already in the calendar, 1 cancelled or unreadable); 0 conflicting.");
    }

    @Test
    void anExportImportsBackToTheSameCalendar() throws Exception {
        Calendars calendar = Calendars.open(DATABASE, LISBON);
        calendar.call("calendar_ics", "path", attach(calendar, "google-calendar-export.ics"));
        String reply = calendar.call("calendar_ics", "from", "2026-12-01", "to", "2026-12-31");
        Matcher m = Pattern.compile("Exported 7 events \\(Tue 1 Dec to Thu 31 Dec\\) to (\\S+\\.ics); the file is attached\\.")
                .matcher(reply);
        assertThat(m.matches()).as(reply).isTrue();
        Path file = calendar.context.workspace().resolve(m.group(1));
        String ics = Files.readString(file);
        assertThat(ics).contains("BEGIN:VTIMEZONE\r\nTZID:Europe/Lisbon\r\n", "TZID:America/New_York",
                "RRULE:FREQ=WEEKLY;BYDAY=MO\r\n", "EXDATE;TZID=Europe/Lisbon:20261221T090000",
                "RECURRENCE-ID;TZID=Europe/Lisbon:20261214T090000", "DTSTART;VALUE=DATE:20261224\r\nDTEND;VALUE=DATE:20261227",
                "UID:3k1m9q7u0p2s8v6d4f5g@google.com", "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU");
        Calendar parsed = new CalendarBuilder().build(new StringReader(ics)); // a real parser reads it
        assertThat(parsed.getComponents("VEVENT")).hasSize(7);
        assertThat(ics).doesNotContain("EXDATE;TZID=Europe/Lisbon:20261214T090000");

        Calendars other = Calendars.open(DATABASE, LISBON);
        Path copy = Files.createDirectories(other.context.workspace().resolve("in")).resolve("back.ics");
        Files.writeString(copy, ics);
        assertThat(other.call("calendar_ics", "path", "in/back.ics")).startsWith("Imported 7 events");
        assertThat(december(other)).isEqualTo(DECEMBER);
    }

    @Test
    void aPathThatIsNoIcsFileIsAnsweredWithTheExpectedForm() {
        Calendars calendar = Calendars.open(DATABASE, LISBON);
        assertThat(calendar.call("calendar_ics", "path", "nothing.ics")).isEqualTo(
                "Error: no .ics file at nothing.ics; give a workspace path like users/<id>/attachments/calendar.ics.");
        assertThat(calendar.call("calendar_ics")).startsWith("Error: give path to import, or from and to");
    }
}
