package dev.cortana.bench;

import dev.cortana.api.jobs.DurableJobs;
import dev.cortana.api.jobs.Schedule;
import dev.cortana.host.jobs.JobScheduler;
import dev.cortana.host.testing.TestDatabase;
import dev.cortana.host.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Issue 10 target: durable jobs start within a second of their time (median) with 1,000 pending jobs, without polling
 * the database more often than that needs. On the embedded test PostgreSQL, with the host's job runner as Cortana
 * configures it ({@link JobScheduler#open}):
 * <ol>
 *   <li>idle: 1,000 jobs pending hours ahead; database polls per minute while nothing is due;</li>
 *   <li>in-process: 1,000 one-time jobs due at random times over the next {@code spread} seconds, scheduled by the
 *       running host; lateness of each run (start minus scheduled time) and polls per minute;</li>
 *   <li>after a restart: the same, but scheduled by an earlier host that is then stopped, so the running one only
 *       learns of them from the database.</li>
 * </ol>
 * Run from the repository root: {@code java -cp bench/target/cortana-bench.jar dev.cortana.bench.DurableJobsBenchmark
 * [jobs] [spreadSeconds]}
 */
public final class DurableJobsBenchmark {

    public static void main(String[] args) throws Exception {
        int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int spread = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        Path workspace = Files.createTempDirectory("cortana-bench-jobs");
        try (TestDatabase database = TestPostgres.newDatabase()) {
            ConcurrentLinkedQueue<Double> lateness = new ConcurrentLinkedQueue<>();
            try (JobScheduler scheduler = JobScheduler.open(database.dataSource(), workspace, Clock.systemUTC())) {
                DurableJobs bench = scheduler.forPlugin("bench");
                bench.handle("far", run -> { });
                bench.handle("soon", run -> lateness.add(run.lateness().toNanos() / 1e6));
                scheduler.start();
                for (int i = 0; i < jobs; i++) {
                    bench.schedule("far", Schedule.at(Instant.now().plus(Duration.ofHours(2)).plusSeconds(i)), "{}");
                }
                long polls = scheduler.databasePolls();
                long others = scheduler.otherStatements();
                Thread.sleep(60_000);
                System.out.printf("idle, %d jobs pending hours ahead: %d database polls in 60 s (%d other statements)%n",
                        jobs, scheduler.databasePolls() - polls, scheduler.otherStatements() - others);

                measure("in-process", jobs, spread, lateness, scheduler, () -> schedule(bench, jobs, spread));
            }
            lateness.clear();
            // Jobs scheduled by an earlier host (not started, then gone); the next one finds them in the database.
            try (JobScheduler earlier = JobScheduler.open(database.dataSource(), workspace, Clock.systemUTC())) {
                schedule(earlier.forPlugin("bench"), jobs, spread);
            }
            try (JobScheduler restarted = JobScheduler.open(database.dataSource(), workspace, Clock.systemUTC())) {
                DurableJobs bench = restarted.forPlugin("bench");
                bench.handle("far", run -> { });
                bench.handle("soon", run -> lateness.add(run.lateness().toNanos() / 1e6));
                measure("after a restart", jobs, spread, lateness, restarted, restarted::start);
            }
        }
    }

    private static void schedule(DurableJobs bench, int jobs, int spread) {
        Random random = new Random(10);
        Instant base = Instant.now().plusSeconds(5);
        for (int i = 0; i < jobs; i++) {
            bench.schedule("soon", Schedule.at(base.plusMillis(random.nextInt(spread * 1000))), "{\"i\":" + i + "}");
        }
    }

    private static void measure(String label, int jobs, int spread, ConcurrentLinkedQueue<Double> lateness,
                                JobScheduler scheduler, Runnable start) throws InterruptedException {
        long polls = scheduler.databasePolls();
        long began = System.nanoTime();
        start.run();
        long deadline = began + Duration.ofSeconds(spread + 60).toNanos();
        while (lateness.size() < jobs && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        double minutes = (System.nanoTime() - began) / 60e9;
        double[] samples = lateness.stream().mapToDouble(Double::doubleValue).toArray();
        System.out.printf("%s, %d jobs due over %d s (+1,000 pending hours ahead): lateness %s; %.1f database polls"
                        + " per minute%n", label, samples.length, spread, Stats.of(samples).format("ms"),
                (scheduler.databasePolls() - polls) / minutes);
    }
}
