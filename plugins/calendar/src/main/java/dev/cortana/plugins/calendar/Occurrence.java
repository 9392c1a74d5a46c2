package dev.cortana.plugins.calendar;

import java.time.Instant;
import java.time.LocalDateTime;

/** One occurrence of an event: its own start and end, and the local start the rule gave it (its RECURRENCE-ID). */
record Occurrence(Event event, LocalDateTime originalLocal, Instant start, Instant end) {

    boolean overlaps(Instant from, Instant to) {
        return start.isBefore(to) && end.isAfter(from);
    }
}
