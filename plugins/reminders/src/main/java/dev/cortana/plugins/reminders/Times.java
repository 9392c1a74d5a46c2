package dev.cortana.plugins.reminders;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** How reminders read and show times: local ISO date-times in the user's zone in, "Mon 1 Dec 18:00 Europe/Lisbon" out. */
final class Times {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("EEE d MMM", Locale.ENGLISH);
    private static final DateTimeFormatter DAY_YEAR = DateTimeFormatter.ofPattern("EEE d MMM yyyy", Locale.ENGLISH);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm", Locale.ENGLISH);

    private Times() {
    }

    /** "Mon 1 Dec 18:00 Europe/Lisbon"; the year is added when it is not the current one. */
    static String when(Instant time, ZoneId zone, Instant now) {
        ZonedDateTime local = time.atZone(zone);
        boolean thisYear = local.getYear() == now.atZone(zone).getYear();
        return (thisYear ? DAY : DAY_YEAR).format(local) + " " + TIME.format(local) + " " + zone.getId();
    }

    /** "45 s", "20 min", "2 h", "1 h 5 min", "3 d 2 h". */
    static String duration(Duration duration) {
        long seconds = Math.max(0, duration.getSeconds());
        if (seconds < 60) {
            return seconds + " s";
        }
        long minutes = seconds / 60;
        if (minutes < 60) {
            return minutes + " min";
        }
        long hours = minutes / 60;
        if (hours < 24) {
            return hours + " h" + (minutes % 60 == 0 ? "" : " " + minutes % 60 + " min");
        }
        return hours / 24 + " d" + (hours % 24 == 0 ? "" : " " + hours % 24 + " h");
    }

    /**
     * A local date-time in {@code zone} ({@code 2026-12-01T18:00}, a space instead of the T, or a time alone, meaning its
     * next occurrence), or one with an offset or Z.
     */
    static LocalDateTime localTime(String text, ZoneId zone, Instant now) {
        String value = text.strip().replace(' ', 'T');
        try {
            if (value.length() <= 8 && value.indexOf('T') < 0) { // "18:00"
                LocalTime time = LocalTime.parse(value);
                LocalDateTime today = now.atZone(zone).toLocalDate().atTime(time);
                return ZonedDateTime.of(today, zone).toInstant().isAfter(now) ? today : today.plusDays(1);
            }
            if (value.endsWith("Z") || value.matches(".*[+-]\\d\\d:\\d\\d$")) {
                return OffsetDateTime.parse(value).atZoneSameInstant(zone).toLocalDateTime();
            }
            return LocalDateTime.parse(value);
        } catch (DateTimeParseException e) {
            throw new InvalidInput("`at` must be a local date-time like 2026-12-01T18:00 (or a time like 18:00), got \""
                    + text.strip() + "\"");
        }
    }

    /** An ISO-8601 duration of at least a second ({@code PT20M}, {@code PT1H30M}, {@code P1D}). */
    static Duration duration(String text, String name) {
        try {
            Duration duration = Duration.parse(text.strip().toUpperCase(Locale.ROOT));
            if (duration.getSeconds() < 1) {
                throw new InvalidInput("`" + name + "` must be positive, like PT20M");
            }
            return duration;
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new InvalidInput("`" + name + "` must be an ISO-8601 duration like PT20M or PT1H30M, got \""
                    + text.strip() + "\"");
        }
    }

    static ZoneId zone(String id) {
        try {
            return ZoneId.of(id);
        } catch (DateTimeException e) {
            return ZoneId.of("UTC");
        }
    }
}
