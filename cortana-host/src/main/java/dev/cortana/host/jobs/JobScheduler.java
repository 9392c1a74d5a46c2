package dev.cortana.host.jobs;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.serializer.JacksonSerializer;
import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.ExecutionContext;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.CustomTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import dev.cortana.api.jobs.DurableJobs;
import dev.cortana.api.jobs.JobHandler;
import dev.cortana.api.jobs.JobRun;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's durable-job runner: db-scheduler on Cortana's PostgreSQL ({@code scheduled_tasks}: {@code SKIP LOCKED}
 * polling, heartbeats, dead-execution revival), with every plugin's jobs as instances of one task, {@value #TASK}, so
 * db-scheduler always knows the task and never deletes a row for lack of an implementation; which plugin's handler
 * runs it is Cortana's business ({@link JobData}). A job whose handler is not registered is put back to wait
 * ({@link #HANDLER_RECHECK}) and brought forward the moment its handler is registered.
 *
 * <pre>{@code
 * JobScheduler jobs = JobScheduler.open(dataSource, workspaceRoot, clock);
 * DurableJobs pluginJobs = jobs.forPlugin("reminders");   // what CortanaContext.jobs() returns
 * jobs.start();                                            // after plugins registered their handlers
 * }</pre>
 */
public final class JobScheduler implements AutoCloseable {

    /** db-scheduler's task name for every plugin's jobs. */
    static final String TASK = "cortana-job";
    /** How often db-scheduler polls on its own; due jobs are normally fetched by {@link DueWakeups} at their time. */
    static final Duration POLLING_INTERVAL = Duration.ofSeconds(30);
    /** How far ahead, and so how often, {@link DueWakeups} reads the due times. */
    static final Duration LOOK_AHEAD = Duration.ofSeconds(10);
    /** How long a job without a handler waits before it is looked at again (registering the handler ends it early). */
    static final Duration HANDLER_RECHECK = Duration.ofMinutes(15);
    /** The wait before a failed run's first retry; it doubles with each failure, up to an hour. */
    static final Duration FIRST_RETRY = Duration.ofSeconds(30);

    private static final Logger log = LoggerFactory.getLogger(JobScheduler.class);

    private final DataSource dataSource;
    private final String instanceName;
    private final Clock clock;
    private final JacksonSerializer serializer;
    private final Map<String, JobHandler> handlers = new ConcurrentHashMap<>();
    private final Set<String> reportedMissing = ConcurrentHashMap.newKeySet();
    private final Scheduler scheduler;
    private final DueWakeups wakeups;
    private final StatementCounter statements = new StatementCounter();
    private final Duration firstRetry;
    private volatile boolean started;

    JobScheduler(DataSource dataSource, String instanceName, Clock clock, Duration pollingInterval, Duration lookAhead) {
        this(dataSource, instanceName, clock, pollingInterval, lookAhead, FIRST_RETRY);
    }

    JobScheduler(DataSource dataSource, String instanceName, Clock clock, Duration pollingInterval, Duration lookAhead,
                 Duration firstRetry) {
        this.firstRetry = firstRetry;
        this.dataSource = dataSource;
        this.instanceName = instanceName;
        this.clock = clock;
        this.serializer = new JacksonSerializer(new ObjectMapper()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES));
        CustomTask<JobData> task = Tasks.custom(TASK, JobData.class)
                .onDeadExecutionRevive()
                .execute(this::execute);
        this.scheduler = Scheduler.create(statements.wrap(dataSource), task)
                .schedulerName(() -> instanceName)
                .clock(clock::instant)
                .serializer(serializer)
                .threads(4)
                .pollUsingLockAndFetch(0.5, 4.0) // UPDATE ... SKIP LOCKED ... RETURNING, up to 16 runs a fetch
                .pollingInterval(pollingInterval)
                .heartbeatInterval(Duration.ofSeconds(30))
                .missedHeartbeatsLimit(4) // another host's crashed runs revive after 2 min
                .deleteUnresolvedAfter(Duration.ofDays(36_500)) // only one task name exists; never drop rows
                .shutdownMaxWait(Duration.ofSeconds(5))
                .enableImmediateExecution()
                .build();
        this.wakeups = new DueWakeups(dataSource, scheduler::triggerCheckForDueExecutions, lookAhead, clock);
    }

    /** The job runner of the workspace's Cortana (its name in {@code picked_by} is kept in the workspace). */
    public static JobScheduler open(DataSource dataSource, Path workspaceRoot, Clock clock) {
        return new JobScheduler(dataSource, SchedulerInstance.nameFor(workspaceRoot), clock, POLLING_INTERVAL, LOOK_AHEAD);
    }

    /** The jobs service of one plugin; {@link PluginJobs#close()} unregisters its handlers when the plugin stops. */
    public PluginJobs forPlugin(String pluginId) {
        return new PluginJobs(pluginId, this);
    }

    /**
     * Starts running jobs. Runs this workspace's earlier Cortana had picked when it was killed are released first, so
     * they run now rather than after the heartbeat timeout.
     */
    public synchronized void start() {
        if (started) {
            return;
        }
        int released = releaseOwnPickedRuns();
        if (released > 0) {
            log.info("Durable jobs: {} run(s) interrupted by the last shutdown run again now", released);
        }
        scheduler.start();
        wakeups.start();
        started = true;
    }

    /** Polls of the table so far: db-scheduler's fetches of due runs plus the look-ahead queries. For benchmarks. */
    public long databasePolls() {
        return statements.dueFetches() + wakeups.queries();
    }

    /** db-scheduler's other statements so far: heartbeats, dead-run checks, completing and rescheduling runs. */
    public long otherStatements() {
        return statements.others();
    }

    /**
     * Runs now what is due by the clock and waits until no run is due or running, at most {@code timeout}: for a
     * test clock that jumps ahead (the plugin test kit), where the wake-up timers, which count real time, would fire
     * late. Returns whether everything due finished in time.
     */
    public boolean runDueNow(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            scheduler.triggerCheckForDueExecutions();
            if (dueOrRunning() == 0) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    private long dueOrRunning() {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement count = connection.prepareStatement(
                     "SELECT count(*) FROM scheduled_tasks WHERE task_name = ? AND (picked OR execution_time <= ?)")) {
            count.setString(1, TASK);
            count.setTimestamp(2, java.sql.Timestamp.from(clock.instant()));
            try (ResultSet rows = count.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read the due jobs: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        wakeups.close();
        scheduler.stop();
        started = false;
    }

    // ---- used by PluginJobs

    Scheduler scheduler() {
        return scheduler;
    }

    DataSource dataSource() {
        return dataSource;
    }

    JacksonSerializer serializer() {
        return serializer;
    }

    Clock clock() {
        return clock;
    }

    void register(String pluginId, String handlerName, JobHandler handler) {
        handlers.put(key(pluginId, handlerName), handler);
        reportedMissing.remove(key(pluginId, handlerName));
    }

    void unregister(String pluginId, String handlerName) {
        handlers.remove(key(pluginId, handlerName));
    }

    /** A job of this process was scheduled for {@code due}: make sure something wakes up then. */
    void scheduled(Instant due) {
        if (due.isAfter(clock.instant())) {
            wakeups.due(due);
        } else {
            scheduler.triggerCheckForDueExecutions();
        }
    }

    void wakeNow() {
        scheduler.triggerCheckForDueExecutions();
    }

    private int releaseOwnPickedRuns() {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement release = connection.prepareStatement(
                     "UPDATE scheduled_tasks SET picked = FALSE, picked_by = NULL, last_heartbeat = NULL,"
                             + " version = version + 1 WHERE picked AND picked_by = ?")) {
            release.setString(1, instanceName);
            return release.executeUpdate();
        } catch (SQLException e) {
            log.warn("Durable jobs: could not release the runs of the last shutdown ({}); db-scheduler revives them"
                    + " after its heartbeat timeout", e.getMessage());
            return 0;
        }
    }

    private CompletionHandler<JobData> execute(TaskInstance<JobData> instance, ExecutionContext context) {
        JobData data = instance.getData();
        Instant now = clock.instant();
        JobHandler handler = handlers.get(key(data.pluginId(), data.handler()));
        if (handler == null) {
            if (reportedMissing.add(key(data.pluginId(), data.handler()))) {
                log.info("Durable jobs: plugin {} has no handler \"{}\" now (stopped or not installed); its jobs wait",
                        data.pluginId(), data.handler());
            }
            return (complete, operations) -> operations.reschedule(complete, now.plus(HANDLER_RECHECK),
                    data.waitingForHandler());
        }
        String jobId = PluginJobs.jobId(instance.getId());
        JobRun run = new JobRun(jobId, data.handler(), data.dueTime(), now, data.payload(), data.attempt() + 1);
        try {
            handler.run(run);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            if (data.attempt() + 1 < DurableJobs.MAX_ATTEMPTS) {
                Duration backoff = backoff(firstRetry, data.attempt());
                log.warn("Durable jobs: plugin {} job {} ({}) failed on attempt {}, retried in {} ms: {}",
                        data.pluginId(), jobId, data.handler(), run.attempt(), backoff.toMillis(), e.toString());
                Instant retry = clock.instant().plus(backoff);
                return (complete, operations) -> {
                    operations.reschedule(complete, retry, data.failedAttempt());
                    wakeups.due(retry);
                };
            }
            log.warn("Durable jobs: plugin {} job {} ({}) failed {} times; giving up this run: {}",
                    data.pluginId(), jobId, data.handler(), run.attempt(), e.toString());
        }
        Optional<Instant> next = nextRun(data, now);
        if (next.isEmpty()) {
            return (complete, operations) -> operations.remove();
        }
        Instant nextTime = next.get().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        return (complete, operations) -> {
            operations.reschedule(complete, nextTime, data.nextRun(nextTime));
            wakeups.due(nextTime);
        };
    }

    private static Optional<Instant> nextRun(JobData data, Instant now) {
        try {
            return NextRun.next(data.schedule(), data.dueTime(), now);
        } catch (RuntimeException e) { // checked when scheduled; only a hand-edited row gets here
            log.warn("Durable jobs: plugin {} job schedule unreadable, job ends: {}", data.pluginId(), e.getMessage());
            return Optional.empty();
        }
    }

    static Duration backoff(Duration first, int failuresBefore) {
        Duration wait = first.multipliedBy(1L << Math.min(failuresBefore, 20));
        return wait.compareTo(Duration.ofHours(1)) > 0 ? Duration.ofHours(1) : wait;
    }

    private static String key(String pluginId, String handlerName) {
        return pluginId + "\u0000" + handlerName;
    }
}
