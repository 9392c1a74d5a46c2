package dev.cortana.plugins.calendar;

import dev.cortana.api.PluginSettings;
import dev.cortana.api.SettingException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The calendar's settings, read once when the plugin starts.
 *
 * <ul>
 *   <li>{@code CALENDAR_WORK_HOURS} (default {@code 09:00-18:00}): the hours {@code calendar_list} with {@code free} looks in.</li>
 *   <li>{@code CALENDAR_WORK_DAYS} (default {@code MO-FR}): the days it looks on, a range or a list
 *       ({@code MO,TU,TH}).</li>
 *   <li>{@code CALENDAR_HORIZON_DAYS} (default 365): how far ahead series without end are stored as occurrences
 *       (searches further ahead extend them first).</li>
 *   <li>{@code CALENDAR_MAX_LIST} (default 50): the most occurrences one {@code calendar_list} shows.</li>
 * </ul>
 */
record Settings(LocalTime workStart, LocalTime workEnd, Set<DayOfWeek> workDays, Duration horizon, int maxList) {

    private static final List<String> DAYS = List.of("MO", "TU", "WE", "TH", "FR", "SA", "SU");

    static Settings read(PluginSettings settings) {
        String hours = settings.get("CALENDAR_WORK_HOURS", "09:00-18:00").strip();
        LocalTime start;
        LocalTime end;
        try {
            String[] parts = hours.split("-");
            start = LocalTime.parse(parts[0].strip());
            end = LocalTime.parse(parts[1].strip());
            if (parts.length != 2 || !end.isAfter(start)) {
                throw new IllegalArgumentException();
            }
        } catch (RuntimeException e) {
            throw SettingException.invalid("CALENDAR_WORK_HOURS", hours, "two times like 09:00-18:00, the first earlier");
        }
        String days = settings.get("CALENDAR_WORK_DAYS", "MO-FR").strip();
        Set<DayOfWeek> workDays = days(days);
        int horizon = settings.getInt("CALENDAR_HORIZON_DAYS", 365, 30, 3660);
        int maxList = settings.getInt("CALENDAR_MAX_LIST", 50, 1, 500);
        return new Settings(start, end, workDays, Duration.ofDays(horizon), maxList);
    }

    private static Set<DayOfWeek> days(String text) {
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        try {
            for (String part : text.toUpperCase(Locale.ROOT).split(",")) {
                String[] range = part.strip().split("-");
                int from = index(range[0]);
                int to = range.length == 2 ? index(range[1]) : from;
                if (range.length > 2 || to < from) {
                    throw new IllegalArgumentException();
                }
                for (int d = from; d <= to; d++) {
                    days.add(DayOfWeek.of(d + 1));
                }
            }
        } catch (RuntimeException e) {
            throw SettingException.invalid("CALENDAR_WORK_DAYS", text, "days like MO-FR or MO,TU,TH");
        }
        return days;
    }

    private static int index(String day) {
        int i = DAYS.indexOf(day.strip());
        if (i < 0) {
            throw new IllegalArgumentException(day);
        }
        return i;
    }
}
