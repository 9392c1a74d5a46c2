package dev.cortana.host.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cortana.host.testing.ChildJvm;
import dev.cortana.host.testing.TestDatabase;
import dev.cortana.host.testing.TestPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A durable job survives SIGKILL of the host: a child JVM (a Cortana stand-in, {@link KilledJobsChild}) schedules it,
 * is killed, and a second child on the same workspace and database runs it exactly once.
 */
class DurableJobsSurviveKillTest {

    @TempDir
    Path workspace;

    private TestDatabase database;
    private final List<Process> children = new ArrayList<>();

    @BeforeEach
    void freshDatabase() {
        database = TestPostgres.newDatabase();
    }

    @AfterEach
    void killChildren() {
        children.forEach(Process::destroyForcibly);
        database.close();
    }

    @Test
    void aJobScheduledThreeSecondsAheadRunsExactlyOnceAfterTheHostWasKilledAndRestarted() throws Exception {
        Process first = startChild("schedule");
        first.destroyForcibly(); // SIGKILL before the job is due
        assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(3_000); // it falls due while Cortana is down

        startChild("run");

        await().atMost(Duration.ofSeconds(30)).until(() -> count("done") == 1);
        Thread.sleep(3_000); // and nothing more comes
        assertThat(count("started")).isEqualTo(1);
        assertThat(count("done")).isEqualTo(1);
        assertThat(longValue("SELECT lateness_ms FROM job_deliveries WHERE phase = 'done'")).isGreaterThan(0);
    }

    @Test
    void aJobPickedJustBeforeTheKillRunsOnceAtTheRestartNotAfterAHeartbeatTimeout() throws Exception {
        Process first = startChild("schedule-and-hang");
        await().atMost(Duration.ofSeconds(30)).until(() -> count("started") == 1); // picked, handler under way
        first.destroyForcibly();
        assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();

        long restarted = System.nanoTime();
        startChild("run");

        await().atMost(Duration.ofSeconds(30)).until(() -> count("done") == 1); // db-scheduler alone: 2 min and more
        assertThat(Duration.ofNanos(System.nanoTime() - restarted)).isLessThan(Duration.ofSeconds(30));
        Thread.sleep(3_000);
        assertThat(count("done")).isEqualTo(1);
        // The second delivery is the same run: a handler can tell by its key.
        assertThat(longValue("SELECT count(DISTINCT job_key) FROM job_deliveries")).isEqualTo(1);
    }

    private Process startChild(String mode) throws Exception {
        Process child = ChildJvm.start(KilledJobsChild.class, database.postgresUrl(), workspace.toString(), mode);
        children.add(child);
        ChildJvm.awaitLine(child, KilledJobsChild.READY, Duration.ofSeconds(45));
        return child;
    }

    private long count(String phase) throws Exception {
        return longValue("SELECT count(*) FROM job_deliveries WHERE phase = '" + phase + "'");
    }

    private long longValue(String sql) throws Exception {
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        } catch (java.sql.SQLException e) {
            if ("42P01".equals(e.getSQLState())) { // the child has not made its table yet
                return 0;
            }
            throw e;
        }
    }
}
