package dev.cortana.plugins.calendar;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.StringJoiner;
import net.fortuna.ical4j.model.Recur;

/**
 * An RFC 5545 recurrence rule of an event, expanded in wall-clock time in the event's zone (so "every day at 09:00"
 * stays 09:00 across daylight-saving changes) and then resolved as RFC 5545 §3.3.5 says, like the host's durable
 * jobs: a local time in a spring-forward gap moves forward by the gap, a fall-back time that happens twice is the
 * first ({@link ZonedDateTime#of} does exactly that).
 *
 * <p>ical4j expands the rule (BYDAY, BYMONTHDAY, COUNT, ...). {@code UNTIL} is taken out and applied here, as an
 * instant: RFC 5545 writes it in UTC for a zoned start, as a date for an all-day one, and ical4j's {@code Recur} over
 * local times does not compare those.
 */
final class Rule {

    static final String EXPECTED = "an RFC 5545 RRULE like FREQ=WEEKLY;BYDAY=MO,WE (FREQ DAILY, WEEKLY, MONTHLY or "
            + "YEARLY; end it with COUNT=10 or UNTIL=20270131)";
    private static final Set<String> FREQUENCIES = Set.of("DAILY", "WEEKLY", "MONTHLY", "YEARLY");
    private static final DateTimeFormatter UTC_UNTIL = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT);
    private static final DateTimeFormatter LOCAL_UNTIL = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss", Locale.ROOT);
    private static final DateTimeFormatter DATE = DateTimeFormatter.BASIC_ISO_DATE;
    /** The most occurrences one expansion yields: a COUNT above it is refused. */
    static final int MAX_COUNT = 5_000;

    private final String text;
    private final Recur<LocalDateTime> recur;
    private final String untilValue;
    private final String frequency;
    private final Integer count;

    private Rule(String text, Recur<LocalDateTime> recur, String untilValue, String frequency, Integer count) {
        this.text = text;
        this.recur = recur;
        this.untilValue = untilValue;
        this.frequency = frequency;
        this.count = count;
    }

    /** Parses a rule ({@code RRULE:} prefix allowed), or says what to send instead. */
    static Rule parse(String rule) {
        String clean = rule.strip().toUpperCase(Locale.ROOT);
        if (clean.startsWith("RRULE:")) {
            clean = clean.substring(6);
        }
        StringJoiner withoutUntil = new StringJoiner(";");
        String until = null;
        String frequency = null;
        Integer count = null;
        for (String part : clean.split(";")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new CalendarInputException("rrule must be " + EXPECTED);
            }
            String name = part.substring(0, eq).strip();
            String value = part.substring(eq + 1).strip();
            switch (name) {
                case "UNTIL" -> until = value;
                case "FREQ" -> frequency = value;
                case "COUNT" -> {
                    try {
                        count = Integer.parseInt(value);
                    } catch (NumberFormatException e) {
                        throw new CalendarInputException("rrule must be " + EXPECTED);
                    }
                    if (count < 1 || count > MAX_COUNT) {
                        throw new CalendarInputException("COUNT must be from 1 to " + MAX_COUNT);
                    }
                }
                default -> { }
            }
            if (!name.equals("UNTIL")) {
                withoutUntil.add(name + "=" + value);
            }
        }
        if (frequency == null || !FREQUENCIES.contains(frequency)) {
            throw new CalendarInputException("rrule must be " + EXPECTED);
        }
        if (until != null && count != null) {
            throw new CalendarInputException("rrule may have COUNT or UNTIL, not both");
        }
        if (until != null) {
            untilInstant(until, ZoneOffset.UTC); // checks the form
        }
        try {
            return new Rule(clean, new Recur<>(withoutUntil.toString()), until, frequency, count);
        } catch (RuntimeException e) {
            throw new CalendarInputException("rrule must be " + EXPECTED);
        }
    }

    /** The rule as stored (upper case, no prefix). */
    String text() {
        return text;
    }

    String frequency() {
        return frequency;
    }

    boolean bounded() {
        return untilValue != null || count != null;
    }

    Integer count() {
        return count;
    }

    /** The same rule ending with the last occurrence before {@code firstExcluded} (an instant in UTC form). */
    Rule endingBefore(Instant firstExcluded, boolean allDay, ZoneId zone) {
        String until = allDay ? DATE.format(firstExcluded.atZone(zone).toLocalDate().minusDays(1))
                : UTC_UNTIL.format(firstExcluded.minusSeconds(1).atOffset(ZoneOffset.UTC));
        return parse(withPart("UNTIL", until, "COUNT"));
    }

    /**
     * The rule for a series moved by {@code days}: its plain weekdays ({@code BYDAY=MO,WE}) and days of the month
     * ({@code BYMONTHDAY=5}) move along, so "every Monday" moved to a Tuesday is "every Tuesday".
     */
    Rule shiftedByDays(long days) {
        if (days == 0) {
            return this;
        }
        StringJoiner joiner = new StringJoiner(";");
        for (String part : text.split(";")) {
            String name = part.substring(0, part.indexOf('='));
            String value = part.substring(part.indexOf('=') + 1);
            if (name.equals("BYDAY") && value.matches("[A-Z]{2}(,[A-Z]{2})*")) {
                List<String> week = List.of("MO", "TU", "WE", "TH", "FR", "SA", "SU");
                StringJoiner shifted = new StringJoiner(",");
                for (String day : value.split(",")) {
                    shifted.add(week.get(Math.floorMod(week.indexOf(day) + (int) (days % 7), 7)));
                }
                joiner.add("BYDAY=" + shifted);
            } else if (name.equals("BYMONTHDAY") && value.matches("\\d+(,\\d+)*")) {
                StringJoiner shifted = new StringJoiner(",");
                for (String day : value.split(",")) {
                    shifted.add(String.valueOf(Math.floorMod(Integer.parseInt(day) - 1 + (int) days, 31) + 1));
                }
                joiner.add("BYMONTHDAY=" + shifted);
            } else {
                joiner.add(part);
            }
        }
        return parse(joiner.toString());
    }

    /** The same rule with {@code COUNT=n}, or without COUNT when {@code n} is null. */
    Rule withCount(Integer n) {
        return parse(n == null ? withPart(null, null, "COUNT") : withPart("COUNT", String.valueOf(n), "UNTIL"));
    }

    private String withPart(String name, String value, String drop) {
        StringJoiner joiner = new StringJoiner(";");
        for (String part : text.split(";")) {
            String partName = part.substring(0, part.indexOf('='));
            if (!partName.equals(name) && !partName.equals(drop)) {
                joiner.add(part);
            }
        }
        if (name != null) {
            joiner.add(name + "=" + value);
        }
        return joiner.toString();
    }

    /**
     * The local starts of the occurrences from {@code seed} (DTSTART) whose start instant lies in
     * {@code [from, to)}, skipping {@code exdates}, at most {@value #MAX_COUNT}.
     */
    List<LocalDateTime> starts(LocalDateTime seed, ZoneId zone, Instant from, Instant to, Set<LocalDateTime> exdates) {
        Instant until = untilValue == null ? null : untilInstant(untilValue, zone);
        Instant end = until != null && until.isBefore(to) ? until.plusNanos(1) : to;
        List<LocalDateTime> starts = new ArrayList<>();
        if (!from.isBefore(end)) {
            return starts;
        }
        // Local bounds one day wider than the instants: offsets change by hours at most.
        LocalDateTime periodStart = from.atZone(zone).toLocalDateTime().minusDays(1);
        LocalDateTime periodEnd = end.atZone(zone).toLocalDateTime().plusDays(1);
        if (periodStart.isBefore(seed)) {
            periodStart = seed;
        }
        if (periodEnd.isBefore(periodStart)) {
            return starts;
        }
        for (LocalDateTime local : recur.getDates(seed, periodStart, periodEnd, MAX_COUNT)) {
            if (local.isBefore(seed) || exdates.contains(local)) {
                continue;
            }
            Instant start = ZonedDateTime.of(local, zone).toInstant();
            if (!start.isBefore(from) && start.isBefore(end)) {
                starts.add(local);
            }
        }
        if (!starts.contains(seed) && exdates.stream().noneMatch(seed::equals)) {
            // RFC 5545 §3.8.5.3: DTSTART is the first occurrence even when the rule does not match it.
            Instant start = ZonedDateTime.of(seed, zone).toInstant();
            if (!start.isBefore(from) && start.isBefore(end)) {
                starts.add(0, seed);
            }
        }
        return starts;
    }

    /** The local start of the last occurrence of a bounded rule, or null for a rule without end. */
    LocalDateTime last(LocalDateTime seed, ZoneId zone) {
        if (!bounded()) {
            return null;
        }
        Instant from = ZonedDateTime.of(seed, zone).toInstant();
        Instant to = untilValue != null ? untilInstant(untilValue, zone).plusSeconds(1)
                : from.plus(java.time.Duration.ofDays(366L * 200));
        List<LocalDateTime> all = starts(seed, zone, from, to, Set.of());
        return all.isEmpty() ? seed : all.get(all.size() - 1);
    }

    private static Instant untilInstant(String value, ZoneId zone) {
        try {
            if (value.endsWith("Z")) {
                return LocalDateTime.parse(value.substring(0, value.length() - 1), LOCAL_UNTIL).toInstant(ZoneOffset.UTC);
            }
            if (value.contains("T")) {
                return ZonedDateTime.of(LocalDateTime.parse(value, LOCAL_UNTIL), zone).toInstant();
            }
            // a date: the whole day counts
            return LocalDate.parse(value, DATE).plusDays(1).atStartOfDay(zone).toInstant().minusNanos(1);
        } catch (DateTimeParseException e) {
            throw new CalendarInputException("UNTIL must be a date like 20270131 or a UTC time like 20270131T235959Z");
        }
    }

    /** Words for the rule, for one line: "weekly MO,WE", "daily until 20270131". */
    String describe() {
        return text.replace("FREQ=", "").replace(';', ' ').toLowerCase(Locale.ROOT);
    }
}
