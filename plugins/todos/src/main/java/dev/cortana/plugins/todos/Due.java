package dev.cortana.plugins.todos;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * When a todo is due, in the user's time zone: a day, or a day and a time (minutes precision).
 *
 * @param date the day
 * @param time the time of day, or null for "some time that day"
 */
record Due(LocalDate date, LocalTime time) {

    Due {
        Objects.requireNonNull(date, "date");
    }

    /**
     * Parses an ISO-8601 local date ({@code 2026-11-27}) or local date-time ({@code 2026-11-27T09:00}). Anything
     * else, natural language included, is rejected: turning "Friday" into a date is the model's job.
     */
    static Due parse(String text) {
        String s = text.trim();
        try {
            return new Due(LocalDate.parse(s, DateTimeFormatter.ISO_LOCAL_DATE), null);
        } catch (DateTimeParseException notADate) {
            // try a date-time next
        }
        try {
            LocalDateTime dateTime = LocalDateTime.parse(s, DateTimeFormatter.ISO_LOCAL_DATE_TIME);
            return new Due(dateTime.toLocalDate(), dateTime.toLocalTime().truncatedTo(ChronoUnit.MINUTES));
        } catch (DateTimeParseException notADateTime) {
            throw new InvalidTodoInput("due must be an ISO-8601 date like 2026-11-27 or date-time like 2026-11-27T09:00, got "
                    + InvalidTodoInput.quote(text));
        }
    }

    /** Whether this is past at {@code now} (both in the user's zone); a whole-day due is past from the next day. */
    boolean isBefore(LocalDateTime now) {
        return time == null ? date.isBefore(now.toLocalDate()) : LocalDateTime.of(date, time).isBefore(now);
    }
}
