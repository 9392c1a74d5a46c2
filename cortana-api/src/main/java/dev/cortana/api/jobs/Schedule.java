package dev.cortana.api.jobs;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Objects;

/**
 * When a durable job runs: once, at a fixed interval, or by a calendar rule in a time zone.
 *
 * <p>Local times follow RFC 5545 (iCalendar) everywhere: a local time that does not exist because clocks spring
 * forward moves forward by the length of the gap (02:30 on the day Europe/Berlin goes from 02:00 to 03:00 runs at
 * 03:30), and a local time that happens twice because clocks fall back is its first occurrence. A recurring job keeps
 * its local wall-clock time across daylight-saving changes: "daily at 08:00 Europe/Berlin" runs at 08:00 in winter and
 * in summer.
 *
 * <pre>{@code
 * Schedule.at(Instant.now().plusSeconds(60))
 * Schedule.at(LocalDateTime.of(2027, 3, 28, 2, 30), ZoneId.of("Europe/Berlin"))   // runs at 03:30 CEST
 * Schedule.every(Duration.ofMinutes(15))
 * Schedule.rrule("FREQ=WEEKLY;BYDAY=MO,WE;BYHOUR=9;BYMINUTE=0", LocalDateTime.of(2027, 1, 4, 9, 0), zone)
 * Schedule.cron("0 8 * * 1-5", zone)                                            // weekdays at 08:00
 * }</pre>
 *
 * @since 0.1.0
 */
public sealed interface Schedule {

    /** Once, at {@code time}. */
    static Schedule at(Instant time) {
        return new At(time);
    }

    /** Once, at a local time in a zone, resolved as RFC 5545 says (a gap moves forward, an overlap takes the first). */
    static Schedule at(LocalDateTime localTime, ZoneId zone) {
        return new At(ZonedDateTime.of(localTime, zone).toInstant()); // java.time resolves gaps and overlaps this way
    }

    /** Every {@code interval}, first one interval from now. */
    static Schedule every(Duration interval) {
        return new Every(interval, null);
    }

    /** Every {@code interval}, first at {@code first}. */
    static Schedule every(Duration interval, Instant first) {
        return new Every(interval, first);
    }

    /**
     * By an RFC 5545 recurrence rule ({@code FREQ=DAILY;BYHOUR=8}, with or without the {@code RRULE:} prefix) whose
     * first occurrence ({@code DTSTART}) is {@code start}, a local time in {@code zone}. Occurrences before now are
     * skipped; {@code COUNT} and {@code UNTIL} end it.
     */
    static Schedule rrule(String rule, LocalDateTime start, ZoneId zone) {
        return new Rrule(rule, start, zone);
    }

    /**
     * By a five-field Unix cron expression ({@code minute hour day-of-month month day-of-week}) read in {@code zone}.
     * A time the expression names that falls in a spring-forward gap runs once, shifted forward by the gap.
     */
    static Schedule cron(String expression, ZoneId zone) {
        return new Cron(expression, zone);
    }

    /** Once, at {@code time}. */
    record At(Instant time) implements Schedule {
        public At {
            Objects.requireNonNull(time, "time");
        }
    }

    /** Every {@code interval}, first at {@code first} (one interval after scheduling if null). */
    record Every(Duration interval, Instant first) implements Schedule {
        public Every {
            Objects.requireNonNull(interval, "interval");
            if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("A job's interval must be at least 1 s, got " + interval);
            }
        }
    }

    /** An RFC 5545 RRULE from a local start time in a zone. */
    record Rrule(String rule, LocalDateTime start, ZoneId zone) implements Schedule {
        public Rrule {
            Objects.requireNonNull(rule, "rule");
            Objects.requireNonNull(start, "start");
            Objects.requireNonNull(zone, "zone");
            rule = rule.strip();
            if (rule.regionMatches(true, 0, "RRULE:", 0, 6)) {
                rule = rule.substring(6);
            }
        }
    }

    /** A five-field Unix cron expression in a zone. */
    record Cron(String expression, ZoneId zone) implements Schedule {
        public Cron {
            Objects.requireNonNull(expression, "expression");
            Objects.requireNonNull(zone, "zone");
            expression = expression.strip();
        }
    }
}
