package dev.cortana.plugins.calendar;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** Reading the times the model sends and writing the ones the user reads. */
final class Times {

    static final String DATE_TIME = "an ISO date-time like 2026-12-05T15:00";
    static final String DATE_OR_TIME = "an ISO date-time like 2026-12-05T15:00 or a date like 2026-12-05";
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("EEE d MMM", Locale.ENGLISH);
    private static final DateTimeFormatter DAY_YEAR = DateTimeFormatter.ofPattern("EEE d MMM yyyy", Locale.ENGLISH);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);

    private Times() {
    }

    /** A date or a date-time as the model sends it: local in {@code zone}, or with an offset or Z. */
    record Input(LocalDate date, LocalDateTime local, java.time.ZoneOffset offset) {
        boolean dateOnly() {
            return local == null;
        }

        /** The instant: the one the offset says, else the local time by RFC 5545 (gap forward, overlap first). */
        Instant instant(ZoneId zone) {
            return ZonedDateTime.ofLocal(local, zone, offset).toInstant();
        }
    }

    static Input parse(String name, String text, ZoneId zone) {
        String value = text.strip();
        try {
            if (value.length() <= 10) {
                return new Input(LocalDate.parse(value), null, null);
            }
            if (value.endsWith("Z") || value.matches(".*[+-]\\d\\d:?\\d\\d$")) {
                ZonedDateTime exact = OffsetDateTime.parse(value).atZoneSameInstant(zone);
                return new Input(exact.toLocalDate(), exact.toLocalDateTime(), exact.getOffset());
            }
            LocalDateTime local = LocalDateTime.parse(value);
            return new Input(local.toLocalDate(), local, null);
        } catch (DateTimeParseException e) {
            throw new CalendarInputException(name + " must be " + DATE_OR_TIME + " (got \"" + value + "\")");
        }
    }

    /** An instant from a date-time (a date means its midnight) in {@code zone}. */
    static Instant instant(String name, String text, ZoneId zone) {
        Input input = parse(name, text, zone);
        return input.dateOnly() ? input.date().atStartOfDay(zone).toInstant() : input.instant(zone);
    }

    /** An instant that ends a range: a date means the midnight after it ("to 2026-12-05" includes that day). */
    static Instant endInstant(String name, String text, ZoneId zone) {
        Input input = parse(name, text, zone);
        return input.dateOnly() ? input.date().plusDays(1).atStartOfDay(zone).toInstant() : input.instant(zone);
    }

    static ZoneId zone(String text, ZoneId fallback) {
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            return ZoneId.of(text.strip());
        } catch (DateTimeException e) {
            throw new CalendarInputException("zone must be an IANA time zone like Europe/Lisbon (got \"" + text.strip() + "\")");
        }
    }

    /**
     * One occurrence's time as the user reads it, in {@code userZone} with weekday: "Fri 5 Dec 15:00–16:00
     * Europe/Lisbon", "Fri 5 Dec 22:00 – Sat 6 Dec 01:00 Europe/Lisbon", "Fri 5 Dec (all day)", "Fri 5 Dec – Sun
     * 7 Dec (all day)". All-day events keep their own dates, whatever the user's zone.
     */
    static String when(Occurrence occurrence, ZoneId userZone, Instant now) {
        Event event = occurrence.event();
        if (event.allDay()) {
            LocalDate first = occurrence.start().atZone(event.zone()).toLocalDate();
            LocalDate last = occurrence.end().atZone(event.zone()).toLocalDate().minusDays(1);
            String day = day(first, now, userZone);
            return (last.isAfter(first) ? day + " – " + day(last, now, userZone) : day) + " (all day)";
        }
        ZonedDateTime start = occurrence.start().atZone(userZone);
        ZonedDateTime end = occurrence.end().atZone(userZone);
        String from = day(start.toLocalDate(), now, userZone) + " " + TIME.format(start);
        boolean sameDay = end.toLocalDate().equals(start.toLocalDate())
                || end.toLocalTime().equals(java.time.LocalTime.MIDNIGHT) && end.toLocalDate().equals(start.toLocalDate().plusDays(1));
        String to = sameDay ? "–" + TIME.format(end)
                : " – " + day(end.toLocalDate(), now, userZone) + " " + TIME.format(end);
        return from + to + " " + userZone.getId();
    }

    static String time(Instant instant, ZoneId zone) {
        return TIME.format(instant.atZone(zone));
    }

    /** "Fri 5 Dec", with the year when it is not this year. */
    static String day(LocalDate date, Instant now, ZoneId zone) {
        return date.getYear() == now.atZone(zone).getYear() ? DAY.format(date) : DAY_YEAR.format(date);
    }
}
