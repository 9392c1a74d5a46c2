package dev.cortana.host.jobs;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import dev.cortana.api.jobs.Schedule;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;
import java.util.function.UnaryOperator;
import net.fortuna.ical4j.model.Recur;

/**
 * When a {@link Schedule} runs. Calendar rules (RRULE, cron) are expanded in local wall-clock time, then each local
 * time is resolved in its zone as RFC 5545 §3.3.5 says: a time in a spring-forward gap moves forward by the gap's
 * length, an ambiguous fall-back time is its first occurrence ({@link ZonedDateTime#of} does exactly that). Expanding
 * in local time is what keeps "daily at 08:00" at 08:00 across daylight-saving changes; cron-utils alone would skip a
 * 02:30 run on the spring-forward day.
 */
final class NextRun {

    private static final CronParser CRON = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private static final int MAX_STEPS = 10_000;

    private NextRun() {
    }

    /** The first run of a schedule made at {@code now}, or empty if it has none (an RRULE that ended). */
    static Optional<Instant> first(Schedule schedule, Instant now) {
        if (schedule instanceof Schedule.At at) {
            return Optional.of(at.time()); // a time just passed runs at once
        }
        if (schedule instanceof Schedule.Every every) {
            return Optional.of(every.first() != null ? every.first() : now.plus(every.interval()));
        }
        if (schedule instanceof Schedule.Rrule rrule) {
            Instant start = resolve(rrule.start(), rrule.zone());
            if (!start.isBefore(now)) {
                return Optional.of(start); // DTSTART is the first occurrence (RFC 5545 §3.8.5.3)
            }
        }
        return after(schedule, now);
    }

    /**
     * The run after the one due at {@code due}, which ran at {@code now}: the first occurrence later than both, so runs
     * missed while Cortana was down are not repeated one by one.
     */
    static Optional<Instant> next(Schedule schedule, Instant due, Instant now) {
        Instant from = due.isAfter(now) ? due : now;
        if (schedule instanceof Schedule.Every every) {
            long interval = every.interval().toMillis();
            long steps = Math.max(1, (from.toEpochMilli() - due.toEpochMilli()) / interval + 1);
            return Optional.of(due.plusMillis(steps * interval));
        }
        return schedule instanceof Schedule.At ? Optional.empty() : after(schedule, from);
    }

    /** The first occurrence of a calendar rule strictly after {@code instant}. */
    static Optional<Instant> after(Schedule schedule, Instant instant) {
        if (schedule instanceof Schedule.Rrule rrule) {
            Recur<LocalDateTime> recur = parseRrule(rrule.rule());
            return firstResolvedAfter(instant, rrule.zone(), local -> recur.getNextDate(rrule.start(), local));
        }
        if (schedule instanceof Schedule.Cron cron) {
            ExecutionTime times = ExecutionTime.forCron(parseCron(cron.expression()));
            // cron-utils in UTC has no gaps or overlaps: it steps through local wall-clock times.
            return firstResolvedAfter(instant, cron.zone(), local -> times.nextExecution(local.atZone(ZoneOffset.UTC))
                    .map(ZonedDateTime::toLocalDateTime).orElse(null));
        }
        if (schedule instanceof Schedule.Every every) {
            return next(every, instant, instant);
        }
        Schedule.At at = (Schedule.At) schedule;
        return at.time().isAfter(instant) ? Optional.of(at.time()) : Optional.empty();
    }

    /** Checks a schedule's rule, with a message naming what is wrong. */
    static void validate(Schedule schedule) {
        if (schedule instanceof Schedule.Rrule rrule) {
            parseRrule(rrule.rule());
        } else if (schedule instanceof Schedule.Cron cron) {
            parseCron(cron.expression());
        }
    }

    /** A local time as RFC 5545 reads it in {@code zone}. */
    static Instant resolve(LocalDateTime local, ZoneId zone) {
        return ZonedDateTime.of(local, zone).toInstant();
    }

    private static Optional<Instant> firstResolvedAfter(Instant instant, ZoneId zone, UnaryOperator<LocalDateTime> nextLocal) {
        LocalDateTime cursor = instant.atZone(zone).toLocalDateTime();
        for (int step = 0; step < MAX_STEPS; step++) {
            LocalDateTime candidate = nextLocal.apply(cursor);
            if (candidate == null) {
                return Optional.empty();
            }
            Instant resolved = resolve(candidate, zone);
            if (resolved.isAfter(instant)) {
                return Optional.of(resolved);
            }
            cursor = candidate; // a gap time moved onto or before instant, or the second pass of an overlap
        }
        return Optional.empty();
    }

    private static Recur<LocalDateTime> parseRrule(String rule) {
        try {
            return new Recur<>(rule);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("Not an RFC 5545 RRULE: \"" + rule + "\" (" + e.getMessage() + ")", e);
        }
    }

    private static com.cronutils.model.Cron parseCron(String expression) {
        try {
            return CRON.parse(expression).validate();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("Not a five-field cron expression (minute hour day month weekday): \""
                    + expression + "\" (" + e.getMessage() + ")", e);
        }
    }
}
