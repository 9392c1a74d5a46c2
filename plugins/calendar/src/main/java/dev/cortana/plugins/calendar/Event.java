package dev.cortana.plugins.calendar;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * One stored event: a single event, a recurring series (with {@link #rrule}) or an override of one occurrence of a
 * series ({@link #parentId} and {@link #recurrenceId}).
 *
 * @param start      the (first) start
 * @param end        the (first) end, exclusive; an all-day event ends at midnight after its last day
 * @param localStart the start as wall-clock time in {@link #zone} (the series' DTSTART)
 * @param seriesEnd  the last occurrence's end, null for a single event or a series without end
 */
record Event(long id, String userId, String title, Instant start, Instant end, ZoneId zone, LocalDateTime localStart,
             boolean allDay, String rrule, Instant seriesEnd, Long parentId, LocalDateTime recurrenceId,
             String location, String notes, List<Integer> reminders, String uid) {

    boolean recurring() {
        return rrule != null;
    }

    /** An all-day event's length in days (at least 1). */
    long days() {
        LocalDate first = localStart.toLocalDate();
        LocalDate after = end.atZone(zone).toLocalDate();
        return Math.max(1, ChronoUnit.DAYS.between(first, after));
    }

    /** A timed event's exact length. */
    Duration duration() {
        return Duration.between(start, end);
    }

    /** The end of an occurrence that starts at {@code localStart} (wall-clock time in the event's zone). */
    Instant endOf(LocalDateTime occurrenceLocal, Instant occurrenceStart) {
        if (allDay) {
            return occurrenceLocal.toLocalDate().plusDays(days()).atStartOfDay(zone).toInstant();
        }
        return occurrenceStart.plus(duration());
    }
}
