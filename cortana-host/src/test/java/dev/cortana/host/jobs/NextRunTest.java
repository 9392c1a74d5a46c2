package dev.cortana.host.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cortana.api.jobs.Schedule;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import dev.cortana.host.testing.WithoutResources;
import org.junit.jupiter.api.Test;

/** When jobs run: RFC 5545 local times, daylight-saving changes, gaps and overlaps, missed runs. */
class NextRunTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    @Test
    void aDailyRruleKeepsItsLocalTimeAcrossTheSpringChangeInBerlin() {
        // Berlin springs forward on 2027-03-28: 08:00 is 07:00Z before and 06:00Z after.
        Schedule daily = Schedule.rrule("FREQ=DAILY", LocalDateTime.of(2027, 3, 25, 8, 0), BERLIN);

        List<String> runs = localRuns(daily, Instant.parse("2027-03-25T00:00:00Z"), 5, BERLIN);

        assertThat(runs).containsExactly("2027-03-25T08:00+01:00", "2027-03-26T08:00+01:00",
                "2027-03-27T08:00+01:00", "2027-03-28T08:00+02:00", "2027-03-29T08:00+02:00");
    }

    @Test
    void aWeeklyRruleKeepsItsLocalTimeAcrossTheFallChangeInNewYork() {
        // New York falls back on 2026-11-01.
        Schedule weekly = Schedule.rrule("RRULE:FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=30",
                LocalDateTime.of(2026, 10, 19, 9, 30), NEW_YORK);

        List<String> runs = localRuns(weekly, Instant.parse("2026-10-19T00:00:00Z"), 4, NEW_YORK);

        assertThat(runs).containsExactly("2026-10-19T09:30-04:00", "2026-10-26T09:30-04:00",
                "2026-11-02T09:30-05:00", "2026-11-09T09:30-05:00");
    }

    @Test
    void aCronJobKeepsItsLocalTimeAcrossTheSpringChangeInNewYork() {
        // New York springs forward on 2027-03-14.
        Schedule cron = Schedule.cron("0 7 * * *", NEW_YORK);

        List<String> runs = localRuns(cron, Instant.parse("2027-03-13T00:00:00Z"), 3, NEW_YORK);

        assertThat(runs).containsExactly("2027-03-13T07:00-05:00", "2027-03-14T07:00-04:00", "2027-03-15T07:00-04:00");
    }

    @Test
    void aTimeInTheSpringForwardGapMovesForwardByTheGap() {
        // On 2027-03-28 Berlin's clocks go from 02:00 to 03:00: 02:30 does not exist and becomes 03:30 CEST.
        Instant expected = Instant.parse("2027-03-28T01:30:00Z");

        assertThat(((Schedule.At) Schedule.at(LocalDateTime.of(2027, 3, 28, 2, 30), BERLIN)).time()).isEqualTo(expected);
        Schedule rrule = Schedule.rrule("FREQ=DAILY", LocalDateTime.of(2027, 3, 27, 2, 30), BERLIN);
        assertThat(localRuns(rrule, Instant.parse("2027-03-27T00:00:00Z"), 3, BERLIN))
                .containsExactly("2027-03-27T02:30+01:00", "2027-03-28T03:30+02:00", "2027-03-29T02:30+02:00");
    }

    @Test
    void aCronTimeInTheGapRunsOnceShiftedInsteadOfBeingSkipped() {
        Schedule cron = Schedule.cron("30 2 * * *", BERLIN);

        assertThat(localRuns(cron, Instant.parse("2027-03-27T00:00:00Z"), 3, BERLIN))
                .containsExactly("2027-03-27T02:30+01:00", "2027-03-28T03:30+02:00", "2027-03-29T02:30+02:00");
    }

    @Test
    void anAmbiguousFallBackTimeIsItsFirstOccurrenceAndRunsOnce() {
        // On 2026-10-25 Berlin's clocks go from 03:00 back to 02:00: 02:30 happens at 00:30Z and again at 01:30Z.
        Instant first = Instant.parse("2026-10-25T00:30:00Z");

        assertThat(((Schedule.At) Schedule.at(LocalDateTime.of(2026, 10, 25, 2, 30), BERLIN)).time()).isEqualTo(first);
        Schedule cron = Schedule.cron("30 2 * * *", BERLIN);
        assertThat(localRuns(cron, Instant.parse("2026-10-24T12:00:00Z"), 2, BERLIN))
                .containsExactly("2026-10-25T02:30+02:00", "2026-10-26T02:30+01:00");
        Schedule rrule = Schedule.rrule("FREQ=DAILY", LocalDateTime.of(2026, 10, 24, 2, 30), BERLIN);
        assertThat(localRuns(rrule, Instant.parse("2026-10-24T00:00:00Z"), 3, BERLIN))
                .containsExactly("2026-10-24T02:30+02:00", "2026-10-25T02:30+02:00", "2026-10-26T02:30+01:00");
    }

    @Test
    void runsMissedWhileCortanaWasDownAreNotRepeatedOneByOne() {
        Schedule daily = Schedule.rrule("FREQ=DAILY", LocalDateTime.of(2027, 1, 1, 8, 0), BERLIN);
        Instant due = Instant.parse("2027-01-01T07:00:00Z");
        Instant backUp = Instant.parse("2027-01-04T12:00:00Z"); // down for three days; the late run just ran

        assertThat(NextRun.next(daily, due, backUp)).contains(Instant.parse("2027-01-05T07:00:00Z"));
        Schedule every = Schedule.every(Duration.ofMinutes(10), due);
        assertThat(NextRun.next(every, due, due.plusSeconds(3600 + 5))).contains(due.plusSeconds(3600 + 600));
        assertThat(NextRun.next(every, due, due.plusSeconds(2))).contains(due.plusSeconds(600));
    }

    @Test
    void anRruleWithCountEnds() {
        Schedule twice = Schedule.rrule("FREQ=DAILY;COUNT=2", LocalDateTime.of(2027, 1, 1, 8, 0), BERLIN);

        assertThat(localRuns(twice, Instant.parse("2027-01-01T00:00:00Z"), 5, BERLIN))
                .containsExactly("2027-01-01T08:00+01:00", "2027-01-02T08:00+01:00");
    }

    @Test
    void aBadRuleIsRefusedWithWhatIsWrong() {
        assertThatThrownBy(() -> NextRun.validate(Schedule.cron("61 * * * *", BERLIN)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cron expression");
        assertThatThrownBy(() -> NextRun.validate(Schedule.rrule("FREQ=SOMETIMES", LocalDateTime.now(), BERLIN)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RRULE");
    }

    /**
     * cortana-host.jar leaves out ical4j's own zone database (zoneinfo/, zoneinfo-global/): rules expand in local time
     * and java.time resolves them, so every kind of rule runs the same without it, and nothing asks for it.
     */
    @Test
    void rrulesRunTheSameWithoutIcal4jsZoneDatabase() {
        List<String> rules = List.of(
                "FREQ=DAILY|2027-03-25T08:00|Europe/Berlin",
                "RRULE:FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=30|2026-10-19T09:30|America/New_York",
                "FREQ=MONTHLY;BYDAY=-1FR;BYHOUR=17|2026-12-01T17:00|Australia/Sydney",
                "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU|2027-03-28T02:30|Europe/Berlin",
                "FREQ=WEEKLY;BYDAY=TH;UNTIL=20270121|2026-12-03T07:00|Europe/Lisbon",
                "FREQ=DAILY;UNTIL=20270105T000000Z|2027-01-01T08:00|Asia/Kolkata",
                "FREQ=HOURLY;INTERVAL=5;COUNT=4|2026-11-01T00:00|America/New_York",
                "FREQ=SOMETIMES|2027-01-01T08:00|Europe/Berlin");
        List<String> withoutZoneDatabase;
        List<String> asked;
        try (WithoutResources jar = WithoutResources.hiding(
                name -> name.startsWith("zoneinfo/") || name.startsWith("zoneinfo-global/"))) {
            withoutZoneDatabase = jar.apply(RunsOf.class, rules);
            asked = jar.requested();
        }

        assertThat(asked).isEmpty();
        assertThat(withoutZoneDatabase).isEqualTo(new RunsOf().apply(rules))
                .contains("2027-03-28T03:30+02:00 2028-03-26T03:30+02:00 2029-03-25T03:30+02:00 2030-03-31T03:30+02:00")
                .contains("2026-12-03T07:00Z 2026-12-10T07:00Z 2026-12-17T07:00Z 2026-12-24T07:00Z")
                .contains("refused");
    }

    /** Each "rule|local start|zone": its first four runs from the start, in local time, or "refused". */
    public static final class RunsOf implements Function<List<String>, List<String>> {

        @Override
        public List<String> apply(List<String> rules) {
            List<String> runs = new ArrayList<>();
            for (String line : rules) {
                String[] parts = line.split("\\|");
                ZoneId zone = ZoneId.of(parts[2]);
                Schedule rule;
                try {
                    rule = Schedule.rrule(parts[0], LocalDateTime.parse(parts[1]), zone);
                    NextRun.validate(rule);
                } catch (IllegalArgumentException e) {
                    runs.add("refused");
                    continue;
                }
                runs.add(String.join(" ", localRuns(rule, ZonedDateTime.of(LocalDateTime.parse(parts[1]), zone)
                        .toInstant().minusSeconds(1), 4, zone)));
            }
            return runs;
        }
    }

    /** The first {@code count} runs from {@code from}, as the job runner would step through them, in local time. */
    private static List<String> localRuns(Schedule schedule, Instant from, int count, ZoneId zone) {
        List<String> runs = new ArrayList<>();
        Instant run = NextRun.first(schedule, from).orElse(null);
        while (run != null && runs.size() < count) {
            runs.add(ZonedDateTime.ofInstant(run, zone).toOffsetDateTime().toString());
            run = NextRun.next(schedule, run, run).orElse(null);
        }
        return runs;
    }
}
