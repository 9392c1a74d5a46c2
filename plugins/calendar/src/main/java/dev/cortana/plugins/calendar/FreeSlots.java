package dev.cortana.plugins.calendar;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Free time of at least a given length inside a window, within working hours on working days in the user's zone,
 * around the busy ranges the store returns (recurring and all-day events included: they are occurrences like any
 * other). Working hours are local: on a daylight-saving change day 09:00-18:00 is still 09:00-18:00 on the clock.
 */
final class FreeSlots {

    private FreeSlots() {
    }

    /** @param busy [start, end) pairs sorted by start */
    static List<Instant[]> find(List<Instant[]> busy, Instant from, Instant to, Duration length, Settings settings,
                                ZoneId zone, int limit) {
        List<Instant[]> free = new ArrayList<>();
        LocalDate day = from.atZone(zone).toLocalDate();
        LocalDate lastDay = to.atZone(zone).toLocalDate();
        int next = 0;
        for (; !day.isAfter(lastDay) && free.size() < limit; day = day.plusDays(1)) {
            if (!settings.workDays().contains(day.getDayOfWeek())) {
                continue;
            }
            Instant open = max(ZonedDateTime.of(day, settings.workStart(), zone).toInstant(), from);
            Instant close = min(ZonedDateTime.of(day, settings.workEnd(), zone).toInstant(), to);
            if (!open.isBefore(close)) {
                continue;
            }
            while (next < busy.size() && !busy.get(next)[1].isAfter(open)) {
                next++; // ended before this day's opening
            }
            Instant cursor = open;
            for (int i = next; i < busy.size() && busy.get(i)[0].isBefore(close); i++) {
                Instant[] b = busy.get(i);
                if (b[0].isAfter(cursor) && Duration.between(cursor, b[0]).compareTo(length) >= 0) {
                    free.add(new Instant[] {cursor, b[0]});
                    if (free.size() >= limit) {
                        return free;
                    }
                }
                cursor = max(cursor, b[1]);
            }
            if (cursor.isBefore(close) && Duration.between(cursor, close).compareTo(length) >= 0) {
                free.add(new Instant[] {cursor, close});
            }
        }
        return free;
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
