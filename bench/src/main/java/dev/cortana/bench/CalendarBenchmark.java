package dev.cortana.bench;

import dev.cortana.plugins.calendar.CalendarToolProvider;
import dev.cortana.plugins.calendar.CalendarTools;
import dev.cortana.testkit.TestClock;
import dev.cortana.testkit.TestContext;
import dev.cortana.testkit.TestDatabase;
import dev.cortana.testkit.TestDatabases;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The calendar's conflict check and free-slot search on a full calendar: 10,000 stored events of one user, 500 of
 * them weekly series without end (expanded to the default 365-day horizon), the rest single events spread over the
 * year. Measures the tools end to end (argument parsing, the indexed range query on embedded PostgreSQL, the answer):
 * {@code calendar_add} of an event that overlaps (answered with the conflicts, nothing saved) and
 * {@code calendar_list} with {@code free} over one month.
 *
 * <pre>
 * java -cp bench/target/cortana-bench.jar dev.cortana.bench.CalendarBenchmark [runs]
 * </pre>
 */
public final class CalendarBenchmark {

    private static final ZoneId ZONE = ZoneId.of("Europe/Lisbon");
    private static final String USER = "bench";

    private CalendarBenchmark() {
    }

    public static void main(String[] args) {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        System.setProperty("cortana.plugin.id", "calendar");
        try (TestDatabase database = TestDatabases.fresh().migrated("calendar");
             TestContext context = TestContext.builder().pluginId("calendar").database(database)
                     .clock(TestClock.at(Instant.parse("2026-12-01T10:00:00Z"))).zone(ZONE).build()) {
            CalendarTools tools = (CalendarTools) new CalendarToolProvider(context).tools().get(0);
            Random random = new Random(42);
            LocalDateTime base = LocalDateTime.of(2026, 12, 1, 0, 0);
            long seeding = System.nanoTime();
            for (int i = 0; i < 500; i++) {
                LocalDateTime start = base.plusDays(random.nextInt(7)).withHour(7 + random.nextInt(12)).withMinute(15 * random.nextInt(4));
                tools.calendar_add(USER, "Series " + i, start.toString(), null, 30, "FREQ=WEEKLY", null, null, null, null, true);
            }
            for (int i = 0; i < 9_500; i++) {
                LocalDateTime start = base.plusDays(random.nextInt(365)).withHour(7 + random.nextInt(14)).withMinute(15 * random.nextInt(4));
                tools.calendar_add(USER, "Event " + i, start.toString(), null, 15 + 15 * random.nextInt(8), null, null, null, null, null, true);
            }
            System.out.printf("seeded 10,000 events (500 weekly series) in %.1f s%n", (System.nanoTime() - seeding) / 1e9);

            List<Double> conflict = new ArrayList<>();
            List<Double> free = new ArrayList<>();
            for (int i = 0; i < runs + 20; i++) {
                LocalDateTime at = base.plusDays(random.nextInt(330)).withHour(10);
                long t0 = System.nanoTime();
                String reply = tools.calendar_add(USER, "Probe", at.toString(), null, 240, null, null, null, null, null, null);
                long t1 = System.nanoTime();
                String slots = tools.calendar_list(USER, at.toLocalDate().toString(), at.toLocalDate().plusDays(30).toString(), 60, null);
                long t2 = System.nanoTime();
                if (!reply.startsWith("Not saved") || !slots.startsWith("Free") && !slots.startsWith("No free")) {
                    throw new IllegalStateException("unexpected answers: " + reply + " / " + slots);
                }
                if (i >= 20) { // warm-up
                    conflict.add((t1 - t0) / 1e6);
                    free.add((t2 - t1) / 1e6);
                }
            }
            System.out.println("conflict check (calendar_add that overlaps), ms: " + Stats.of(conflict.stream().mapToDouble(d -> d).toArray()).format("ms"));
            System.out.println("free slots over one month (calendar_list free=60), ms: " + Stats.of(free.stream().mapToDouble(d -> d).toArray()).format("ms"));
        }
    }
}
