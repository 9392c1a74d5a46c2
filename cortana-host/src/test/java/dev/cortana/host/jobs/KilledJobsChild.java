package dev.cortana.host.jobs;

import dev.cortana.api.jobs.Schedule;
import dev.cortana.host.storage.Database;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * A Cortana stand-in for {@link DurableJobsSurviveKillTest}, run as its own JVM and killed with SIGKILL. Arguments:
 * the database URL, the workspace, and what to do: {@code schedule} (a job 3 s ahead, then wait),
 * {@code schedule-and-hang} (the same, and the run hangs once it started) or {@code run} (just run due jobs). Each
 * run is recorded in {@code job_deliveries}: {@code started} when the handler begins, {@code done} when it ends.
 */
public final class KilledJobsChild {

    static final String READY = "KILLED-JOBS-CHILD-READY";

    private KilledJobsChild() {
    }

    public static void main(String[] args) throws Exception {
        Database database = Database.open(Optional.of(args[0]), Path.of(args[1]));
        String mode = args[2];
        try (Connection connection = database.dataSource().getConnection()) {
            connection.createStatement().execute("CREATE TABLE IF NOT EXISTS job_deliveries (job_key TEXT NOT NULL,"
                    + " phase TEXT NOT NULL, lateness_ms BIGINT NOT NULL, at TIMESTAMPTZ NOT NULL DEFAULT now())");
        }
        JobScheduler jobs = JobScheduler.open(database.dataSource(), Path.of(args[1]), Clock.systemUTC());
        PluginJobs reminders = jobs.forPlugin("reminders");
        reminders.handle("remind", run -> {
            record(database, run.idempotencyKey(), "started", run.lateness().toMillis());
            if (mode.equals("schedule-and-hang")) {
                Thread.sleep(Long.MAX_VALUE); // killed here, after db-scheduler picked the run
            }
            record(database, run.idempotencyKey(), "done", run.lateness().toMillis());
        });
        jobs.start();
        if (mode.startsWith("schedule")) {
            reminders.schedule("remind", Schedule.at(Instant.now().plusSeconds(3)), "{\"text\":\"stretch\"}");
        }
        System.out.println(READY);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }

    private static void record(Database database, String key, String phase, long latenessMillis) throws Exception {
        try (Connection connection = database.dataSource().getConnection();
             PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO job_deliveries (job_key, phase, lateness_ms) VALUES (?, ?, ?)")) {
            insert.setString(1, key);
            insert.setString(2, phase);
            insert.setLong(3, latenessMillis);
            insert.executeUpdate();
        }
    }
}
