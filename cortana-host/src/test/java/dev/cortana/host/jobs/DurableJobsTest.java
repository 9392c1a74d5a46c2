package dev.cortana.host.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cortana.api.jobs.DurableJobs;
import dev.cortana.api.jobs.Job;
import dev.cortana.api.jobs.JobRun;
import dev.cortana.api.jobs.Schedule;
import dev.cortana.host.testing.TestDatabase;
import dev.cortana.host.testing.TestPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Durable jobs on a real PostgreSQL, a fresh database per test. */
class DurableJobsTest {

    private TestDatabase database;
    private final List<JobScheduler> schedulers = new CopyOnWriteArrayList<>();
    private final List<JobRun> runs = new CopyOnWriteArrayList<>();

    @BeforeEach
    void freshDatabase() {
        database = TestPostgres.newDatabase();
    }

    @AfterEach
    void stop() {
        schedulers.forEach(JobScheduler::close);
        database.close();
    }

    private JobScheduler scheduler(String name) {
        JobScheduler scheduler = new JobScheduler(database.dataSource(), name, Clock.systemUTC(),
                JobScheduler.POLLING_INTERVAL, JobScheduler.LOOK_AHEAD);
        schedulers.add(scheduler);
        return scheduler;
    }

    @Test
    void aOneTimeJobRunsAtItsTimeWithItsPayloadAndAnIdempotencyKey() {
        JobScheduler scheduler = scheduler("host-a");
        DurableJobs jobs = scheduler.forPlugin("reminders");
        jobs.handle("remind", runs::add);
        scheduler.start();
        Instant due = Instant.now().plusSeconds(2).truncatedTo(ChronoUnit.MILLIS);

        Job job = jobs.schedule("remind", Schedule.at(due), "{\"text\":\"call mum\"}");

        await().atMost(Duration.ofSeconds(15)).until(() -> runs.size() == 1);
        JobRun run = runs.get(0);
        assertThat(run.jobId()).isEqualTo(job.id());
        assertThat(run.scheduledTime()).isEqualTo(due);
        assertThat(run.payloadJson()).isEqualTo("{\"text\":\"call mum\"}");
        assertThat(run.idempotencyKey()).isEqualTo(job.id() + "@" + due);
        assertThat(run.lateness()).isLessThan(Duration.ofSeconds(3)); // generous: the target (<= 1 s) is benchmarked
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> jobs.list().isEmpty());
        assertThat(runs).hasSize(1);
    }

    @Test
    void aJobThatFellDueWhileCortanaWasDownRunsAtStartUpAndKnowsHowLateItIs() throws Exception {
        Instant due = Instant.now().plusMillis(500).truncatedTo(ChronoUnit.MILLIS);
        scheduler("host-a").forPlugin("reminders").schedule("remind", Schedule.at(due), "{}"); // never started: "down"
        Thread.sleep(2_500);

        JobScheduler restarted = scheduler("host-a");
        restarted.forPlugin("reminders").handle("remind", runs::add);
        restarted.start();

        await().atMost(Duration.ofSeconds(15)).until(() -> runs.size() == 1);
        assertThat(runs.get(0).scheduledTime()).isEqualTo(due);
        assertThat(runs.get(0).lateness()).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aJobOfAPluginThatIsNotInstalledWaitsAndRunsOnceThePluginIsBack() throws Exception {
        JobScheduler scheduler = scheduler("host-a");
        scheduler.start();
        Instant due = Instant.now().plusMillis(300).truncatedTo(ChronoUnit.MILLIS);
        Job job = scheduler.forPlugin("reminders").schedule("remind", Schedule.at(due), "{\"n\":1}");
        Thread.sleep(3_000); // due, picked, no handler: put back to wait

        assertThat(scheduler.forPlugin("reminders").list()).extracting(Job::id).containsExactly(job.id());
        assertThat(runs).isEmpty();

        scheduler.forPlugin("reminders").handle("remind", runs::add); // the plugin is installed and starts

        await().atMost(Duration.ofSeconds(10)).until(() -> runs.size() == 1);
        assertThat(runs.get(0).scheduledTime()).isEqualTo(due);
        assertThat(runs.get(0).lateness()).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        await().atMost(Duration.ofSeconds(5)).until(() -> scheduler.forPlugin("reminders").list().isEmpty());
    }

    @Test
    void aJobOfAStoppedPluginWaitsUntilThePluginStartsAgain() throws Exception {
        JobScheduler scheduler = scheduler("host-a");
        PluginJobs running = scheduler.forPlugin("reminders");
        running.handle("remind", runs::add);
        scheduler.start();
        running.schedule("remind", Schedule.at(Instant.now().plusSeconds(1)), "{}");
        running.close(); // the plugin stops before its job is due

        Thread.sleep(3_000);
        assertThat(runs).isEmpty();
        assertThat(scheduler.forPlugin("reminders").list()).hasSize(1);

        scheduler.forPlugin("reminders").handle("remind", runs::add); // started again
        await().atMost(Duration.ofSeconds(10)).until(() -> runs.size() == 1);
    }

    @Test
    void aPluginListsAndCancelsItsJobsSoonestFirst() {
        JobScheduler scheduler = scheduler("host-a");
        DurableJobs jobs = scheduler.forPlugin("reminders");
        Job later = jobs.schedule("remind", Schedule.at(Instant.now().plusSeconds(7200)), "{\"n\":2}");
        Job sooner = jobs.schedule("digest", Schedule.rrule("FREQ=DAILY;BYHOUR=8;BYMINUTE=0",
                LocalDateTime.now().plusDays(1).withHour(8).withMinute(0).withSecond(0).withNano(0),
                ZoneId.of("Europe/Berlin")), "{\"n\":1}");
        Job soonest = jobs.schedule("remind", Schedule.every(Duration.ofMinutes(5)), null);

        assertThat(jobs.list()).extracting(Job::id).containsExactly(soonest.id(), later.id(), sooner.id());
        assertThat(jobs.find(sooner.id())).get().satisfies(job -> {
            assertThat(job.handlerName()).isEqualTo("digest");
            assertThat(job.schedule()).isEqualTo(sooner.schedule());
            assertThat(job.payloadJson()).isEqualTo("{\"n\":1}");
        });
        assertThat(jobs.find(soonest.id()).orElseThrow().payloadJson()).isEqualTo("{}");

        assertThat(jobs.cancel(later.id())).isTrue();
        assertThat(jobs.cancel(later.id())).isFalse();
        assertThat(jobs.list()).extracting(Job::id).containsExactly(soonest.id(), sooner.id());
    }

    @Test
    void aPluginCannotSeeOrCancelAnotherPluginsJobs() {
        JobScheduler scheduler = scheduler("host-a");
        Job theirs = scheduler.forPlugin("calendar").schedule("sync", Schedule.at(Instant.now().plusSeconds(600)), "{}");
        DurableJobs mine = scheduler.forPlugin("reminders");

        assertThat(mine.list()).isEmpty();
        assertThat(mine.find(theirs.id())).isEmpty();
        assertThat(mine.cancel(theirs.id())).isFalse();
        assertThat(scheduler.forPlugin("calendar").list()).extracting(Job::id).containsExactly(theirs.id());
        // A plugin id that is a prefix of another's does not reach it either.
        assertThat(scheduler.forPlugin("calenda").list()).isEmpty();
    }

    @Test
    void handlersOfTheSameNameInTwoPluginsEachRunTheirOwnJobs() {
        JobScheduler scheduler = scheduler("host-a");
        List<String> ran = new CopyOnWriteArrayList<>();
        scheduler.forPlugin("calendar").handle("sync", run -> ran.add("calendar " + run.payloadJson()));
        scheduler.forPlugin("mail").handle("sync", run -> ran.add("mail " + run.payloadJson()));
        scheduler.start();

        scheduler.forPlugin("calendar").schedule("sync", Schedule.at(Instant.now()), "1");
        scheduler.forPlugin("mail").schedule("sync", Schedule.at(Instant.now()), "2");

        await().atMost(Duration.ofSeconds(10)).until(() -> ran.size() == 2);
        assertThat(ran).containsExactlyInAnyOrder("calendar 1", "mail 2");
    }

    @Test
    void aRecurringJobRunsAgainWithANewScheduledTimeAndKey() {
        JobScheduler scheduler = scheduler("host-a");
        DurableJobs jobs = scheduler.forPlugin("reminders");
        jobs.handle("tick", runs::add);
        scheduler.start();

        Job job = jobs.schedule("tick", Schedule.rrule("FREQ=SECONDLY;INTERVAL=2",
                LocalDateTime.now(ZoneId.of("America/New_York")).plusSeconds(1).withNano(0),
                ZoneId.of("America/New_York")), "{}");

        await().atMost(Duration.ofSeconds(20)).until(() -> runs.size() >= 2);
        assertThat(Duration.between(runs.get(0).scheduledTime(), runs.get(1).scheduledTime()))
                .isEqualTo(Duration.ofSeconds(2));
        assertThat(runs.get(0).idempotencyKey()).isNotEqualTo(runs.get(1).idempotencyKey());
        assertThat(jobs.cancel(job.id())).isTrue();
    }

    @Test
    void aDailyJobRunsAtEightLocalTimeOnBothSidesOfTheSpringChangeInBerlin() {
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        JumpingClock clock = new JumpingClock(Instant.parse("2027-03-27T06:59:58Z")); // 07:59:58 CET
        JobScheduler scheduler = new JobScheduler(database.dataSource(), "host-a", clock,
                JobScheduler.POLLING_INTERVAL, JobScheduler.LOOK_AHEAD);
        schedulers.add(scheduler);
        DurableJobs jobs = scheduler.forPlugin("digest");
        jobs.handle("morning", runs::add);
        scheduler.start();

        jobs.schedule("morning", Schedule.rrule("FREQ=DAILY;BYHOUR=8;BYMINUTE=0", LocalDateTime.of(2027, 3, 1, 8, 0),
                berlin), "{}");
        await().atMost(Duration.ofSeconds(20)).until(() -> runs.size() == 1);
        clock.jumpTo(Instant.parse("2027-03-28T05:59:58Z")); // the next morning, now summer time: 07:59:58 CEST
        await().atMost(Duration.ofSeconds(30)).until(() -> runs.size() == 2);

        assertThat(runs).extracting(run -> run.scheduledTime().atZone(berlin).toOffsetDateTime().toString())
                .containsExactly("2027-03-27T08:00+01:00", "2027-03-28T08:00+02:00");
        assertThat(runs.get(0).lateness()).isLessThan(Duration.ofSeconds(5)); // the second: up to one look-ahead
                                                                              // after the jump, which no clock does
    }

    /** Real time, shifted: it runs on (db-scheduler waits by it) and can jump forward to another day. */
    private static final class JumpingClock extends Clock {
        private volatile Duration offset;

        JumpingClock(Instant now) {
            jumpTo(now);
        }

        void jumpTo(Instant now) {
            offset = Duration.between(Instant.now(), now);
        }

        @Override public Instant instant() { return Instant.now().plus(offset); }
        @Override public ZoneId getZone() { return java.time.ZoneOffset.UTC; }
        @Override public Clock withZone(ZoneId zone) { throw new UnsupportedOperationException(); }
    }

    @Test
    void aRunThisHostsKilledProcessHadPickedRunsAtStartUpNotAfterTheHeartbeatTimeout() throws Exception {
        JobScheduler before = scheduler("host-a");
        Job mine = before.forPlugin("reminders").schedule("remind", Schedule.at(Instant.now().minusSeconds(5)), "{}");
        Job otherHosts = before.forPlugin("reminders").schedule("remind", Schedule.at(Instant.now().minusSeconds(5)), "{}");
        markPicked(mine, "host-a"); // as the killed process left it: picked, heartbeat fresh
        markPicked(otherHosts, "host-b"); // a live host's run: not ours to take

        JobScheduler restarted = scheduler("host-a");
        restarted.forPlugin("reminders").handle("remind", runs::add);
        restarted.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> runs.size() == 1);
        Thread.sleep(2_000);
        assertThat(runs).extracting(JobRun::jobId).containsExactly(mine.id());
    }

    @Test
    void aFailedRunIsRetriedLaterAsTheSameRunWithTheNextAttemptNumber() {
        JobScheduler scheduler = new JobScheduler(database.dataSource(), "host-a", Clock.systemUTC(),
                JobScheduler.POLLING_INTERVAL, JobScheduler.LOOK_AHEAD, Duration.ofSeconds(1));
        schedulers.add(scheduler);
        DurableJobs jobs = scheduler.forPlugin("reminders");
        jobs.handle("flaky", run -> {
            runs.add(run);
            if (run.attempt() == 1) {
                throw new IllegalStateException("the calendar server is down");
            }
        });
        scheduler.start();

        jobs.schedule("flaky", Schedule.at(Instant.now()), "{}");

        await().atMost(Duration.ofSeconds(15)).until(() -> runs.size() == 2);
        assertThat(runs).extracting(JobRun::attempt).containsExactly(1, 2);
        assertThat(runs.get(1).idempotencyKey()).isEqualTo(runs.get(0).idempotencyKey());
        assertThat(Duration.between(runs.get(0).startedAt(), runs.get(1).startedAt()))
                .isGreaterThanOrEqualTo(Duration.ofMillis(900));
        await().atMost(Duration.ofSeconds(5)).until(() -> jobs.list().isEmpty());
    }

    @Test
    void aPayloadThatIsNotJsonOrTooLargeIsRefused() {
        DurableJobs jobs = scheduler("host-a").forPlugin("reminders");
        Schedule soon = Schedule.at(Instant.now().plusSeconds(60));

        assertThatThrownBy(() -> jobs.schedule("remind", soon, "{not json"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be JSON");
        assertThatThrownBy(() -> jobs.schedule("remind", soon, "{} {}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be JSON");
        String large = "\"" + "x".repeat(DurableJobs.MAX_PAYLOAD_BYTES) + "\"";
        assertThatThrownBy(() -> jobs.schedule("remind", soon, large))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 8192 bytes");
        assertThat(jobs.list()).isEmpty();
    }

    private void markPicked(Job job, String host) throws Exception {
        try (Connection connection = database.dataSource().getConnection();
             PreparedStatement update = connection.prepareStatement("UPDATE scheduled_tasks SET picked = TRUE,"
                     + " picked_by = ?, last_heartbeat = now() WHERE task_instance = ?")) {
            update.setString(1, host);
            update.setString(2, "reminders/" + job.id());
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
    }

}
