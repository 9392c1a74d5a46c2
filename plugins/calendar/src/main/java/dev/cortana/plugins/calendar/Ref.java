package dev.cortana.plugins.calendar;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;

/**
 * How the model names an event: {@code 12} (or {@code #12}) for an event or a whole series, {@code 12@2026-12-07}
 * for one occurrence of series 12 on that date, {@code 12@2026-12-07T09:00} where a series has several a day.
 */
record Ref(long id, LocalDateTime at, boolean wholeDay) {

    static final String EXPECTED = "an event id from calendar_list like 12, or 12@2026-12-07 for one occurrence of a series";

    static Ref parse(String text) {
        String value = text == null ? "" : text.strip();
        if (value.startsWith("#")) {
            value = value.substring(1);
        }
        int at = value.indexOf('@');
        try {
            long id = Long.parseLong(at < 0 ? value : value.substring(0, at));
            if (at < 0) {
                return new Ref(id, null, false);
            }
            String when = value.substring(at + 1);
            if (when.length() <= 10) {
                return new Ref(id, LocalDate.parse(when).atStartOfDay(), true);
            }
            return new Ref(id, LocalDateTime.parse(when), false);
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new CalendarInputException("id must be " + EXPECTED + " (got \"" + value + "\")");
        }
    }

    /** The reference the user reads for an occurrence: "#12", or "#12@2026-12-07" for one of a series. */
    static String of(Occurrence occurrence) {
        Event event = occurrence.event();
        if (!event.recurring()) {
            return "#" + event.id();
        }
        Rule rule = Rule.parse(event.rrule());
        boolean severalADay = rule.text().contains("BYHOUR") || rule.text().contains("BYMINUTE");
        return "#" + event.id() + "@" + (severalADay ? occurrence.originalLocal().toString()
                : occurrence.originalLocal().toLocalDate().toString());
    }
}
