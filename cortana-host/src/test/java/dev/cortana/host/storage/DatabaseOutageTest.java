package dev.cortana.host.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.cortana.host.testing.TcpProxy;
import dev.cortana.host.testing.TestDatabase;
import dev.cortana.host.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The database going away after start-up: an embedded PostgreSQL killed with {@code kill -9} is restarted on its port
 * and data; an external one ({@code DATABASE_URL}) that went away fails requests within seconds and works again once
 * back, without a restart of Cortana. Each test kills or cuts off a server of its own, never the shared test server.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DatabaseOutageTest {

    @TempDir
    Path workspace;

    @Test
    void aKilledEmbeddedPostgresIsRestartedOnItsPortWithItsDataAndLogsIt() throws Exception {
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger serverLog = (Logger) LoggerFactory.getLogger(EmbeddedPostgresServer.class);
        serverLog.addAppender(logs);
        try (Database database = Database.open(Optional.empty(), workspace)) {
            UserSettingsStore settings = new UserSettingsStore(database.dataSource());
            settings.put("u1", "timezone", "Europe/Berlin");
            String jdbcUrlBefore = database.poolSettingsForTest().get("jdbcUrl");

            long killed = killPostmaster(workspace.resolve(".postgres"));

            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> settings.get("u1", "timezone").isPresent());
            long recoveredMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
            assertThat(settings.get("u1", "timezone")).as("committed data survives the kill").contains("Europe/Berlin");
            settings.put("u1", "model", "gpt-4o");
            assertThat(settings.get("u1", "model")).contains("gpt-4o");
            assertThat(database.poolSettingsForTest().get("jdbcUrl")).isEqualTo(jdbcUrlBefore);
            assertThat(database.availability().available()).isTrue();
            assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage)
                    .contains("Embedded PostgreSQL stopped unexpectedly; restarting (attempt 1)")
                    .anySatisfy(line -> assertThat(line).startsWith("Embedded PostgreSQL is back after"));
            assertThat(recoveredMillis).as("recovered within 10 s of the kill").isLessThan(10_000);
        } finally {
            serverLog.detachAppender(logs);
        }
        assertThat(Files.exists(workspace.resolve(".postgres/postmaster.pid")))
                .as("the restarted server was stopped on close").isFalse();
    }

    @Test
    void aRestartThatFailsIsRetriedWithBackoffUntilTheServerStartsAgain() throws Exception {
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger serverLog = (Logger) LoggerFactory.getLogger(EmbeddedPostgresServer.class);
        serverLog.addAppender(logs);
        try (Database database = Database.open(Optional.empty(), workspace)) {
            UserSettingsStore settings = new UserSettingsStore(database.dataSource());
            settings.put("u1", "timezone", "Europe/Berlin");
            // The server's configuration file goes missing (the running server does not notice): restarts fail
            // until it is back.
            Path config = workspace.resolve(".postgres/postgresql.conf");
            Path aside = workspace.resolve("postgresql.conf.aside");
            Files.move(config, aside);

            killPostmaster(workspace.resolve(".postgres"));
            await().atMost(Duration.ofSeconds(30)).until(() -> logs.list.stream().map(ILoggingEvent::getFormattedMessage)
                    .anyMatch(line -> line.equals("Embedded PostgreSQL stopped unexpectedly; restarting (attempt 2)")));
            long started = System.nanoTime();
            assertThatThrownBy(() -> settings.get("u1", "timezone")).isInstanceOf(StorageException.class)
                    .hasMessageContaining("The database is unavailable right now");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(6));
            Files.move(aside, config);

            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> settings.get("u1", "timezone").isPresent());
            assertThat(settings.get("u1", "timezone")).contains("Europe/Berlin");
            assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage)
                    .anySatisfy(line -> assertThat(line).startsWith("Embedded PostgreSQL did not start again (attempt 1)")
                            .contains("next attempt in 500 ms"))
                    .anySatisfy(line -> assertThat(line).startsWith("Embedded PostgreSQL is back after"));
        } finally {
            serverLog.detachAppender(logs);
        }
    }

    @Test
    void anExternalDatabaseThatWentAwayFailsRequestsWithinSecondsAndWorksAgainOnceBack() {
        try (TestDatabase external = TestPostgres.newDatabase();
             TcpProxy proxy = TcpProxy.to(external.host(), external.port());
             Database database = Database.open(Optional.of(viaProxy(external, proxy)), workspace)) {
            UserSettingsStore settings = new UserSettingsStore(database.dataSource());
            settings.put("u1", "timezone", "Europe/Berlin");
            assertThat(database.availability().notice()).isEmpty();

            proxy.stop();

            long started = System.nanoTime();
            assertThatThrownBy(() -> settings.get("u1", "timezone"))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("The database is unavailable right now");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("not the old 10 s pool wait")
                    .isLessThan(Duration.ofSeconds(8));
            long again = System.nanoTime();
            assertThatThrownBy(() -> settings.put("u1", "model", "x")).isInstanceOf(StorageException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - again)).as("a second request right after fails at once")
                    .isLessThan(Duration.ofSeconds(1));
            assertThat(database.availability().available()).isFalse();
            assertThat(database.availability().notice()).contains(DatabaseAvailability.OUTAGE_NOTICE);

            proxy.start();

            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> settings.get("u1", "timezone").isPresent());
            assertThat(settings.get("u1", "timezone")).contains("Europe/Berlin");
            assertThat(database.availability().available()).isTrue();
            assertThat(database.availability().notice()).isEmpty();
        }
    }

    /** Kills the embedded server's postmaster with SIGKILL; returns {@link System#nanoTime()} of the kill. */
    static long killPostmaster(Path dataDirectory) throws Exception {
        long pid = Long.parseLong(Files.readAllLines(dataDirectory.resolve("postmaster.pid")).get(0).strip());
        ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow();
        assertThat(postmaster.pid()).isNotEqualTo(TestPostgres.server().postmasterPid().orElse(-1L));
        long killed = System.nanoTime();
        assertThat(postmaster.destroyForcibly()).isTrue(); // SIGKILL, as kill -9
        return killed;
    }

    private static String viaProxy(TestDatabase database, TcpProxy proxy) {
        return database.postgresUrl().replace(":" + database.port() + "/", ":" + proxy.port() + "/");
    }
}
