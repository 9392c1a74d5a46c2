package dev.cortana.host.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.TaskInstanceId;
import dev.cortana.api.jobs.DurableJobs;
import dev.cortana.api.jobs.Job;
import dev.cortana.api.jobs.JobHandler;
import dev.cortana.api.jobs.Schedule;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One plugin's {@link DurableJobs}. Its jobs are the rows whose {@code task_instance} is {@code <pluginId>/<jobId>};
 * the plugin only ever names the job id, so it cannot reach another plugin's rows.
 */
public final class PluginJobs implements DurableJobs, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PluginJobs.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final String pluginId;
    private final JobScheduler jobs;
    private final Set<String> registered = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    PluginJobs(String pluginId, JobScheduler jobs) {
        this.pluginId = Objects.requireNonNull(pluginId, "pluginId");
        this.jobs = jobs;
    }

    @Override
    public void handle(String handlerName, JobHandler handler) {
        requireName(handlerName);
        Objects.requireNonNull(handler, "handler");
        if (closed) {
            throw new IllegalStateException("Plugin " + pluginId + " is stopped; it cannot register job handlers");
        }
        registered.add(handlerName);
        jobs.register(pluginId, handlerName, handler);
        bringForwardWaiting(handlerName);
    }

    @Override
    public Job schedule(String handlerName, Schedule schedule, String payloadJson) {
        requireName(handlerName);
        Objects.requireNonNull(schedule, "schedule");
        String payload = checkedPayload(payloadJson);
        NextRun.validate(schedule);
        Instant now = jobs.clock().instant();
        Instant first = NextRun.first(schedule, now).orElseThrow(() -> new IllegalArgumentException(
                "The schedule " + schedule + " has no run after " + now)).truncatedTo(ChronoUnit.MILLIS);
        String jobId = UUID.randomUUID().toString();
        JobData data = JobData.of(pluginId, handlerName, payload, schedule, first);
        jobs.scheduler().schedule(new TaskInstance<>(JobScheduler.TASK, instanceId(jobId), data), first);
        jobs.scheduled(first);
        return new Job(jobId, handlerName, schedule, first, payload);
    }

    @Override
    public boolean cancel(String jobId) {
        if (jobId == null || jobId.isBlank()) {
            return false;
        }
        // A plain DELETE also ends a job that runs right now: its completion then finds no row to reschedule.
        try (Connection connection = jobs.dataSource().getConnection();
             PreparedStatement delete = connection.prepareStatement(
                     "DELETE FROM scheduled_tasks WHERE task_name = ? AND task_instance = ?")) {
            delete.setString(1, JobScheduler.TASK);
            delete.setString(2, instanceId(jobId));
            return delete.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new IllegalStateException("Could not cancel job " + jobId + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<Job> list() {
        return select("", null);
    }

    @Override
    public Optional<Job> find(String jobId) {
        return jobId == null ? Optional.empty() : select(" AND task_instance = ?", instanceId(jobId)).stream().findFirst();
    }

    @Override
    public List<Instant> runsBetween(Schedule schedule, Instant after, Instant until, int max) {
        Objects.requireNonNull(schedule, "schedule");
        NextRun.validate(schedule);
        List<Instant> runs = new ArrayList<>();
        Instant cursor = after;
        while (runs.size() < max) {
            Optional<Instant> next = NextRun.after(schedule, cursor);
            if (next.isEmpty() || next.get().isAfter(until)) {
                break;
            }
            runs.add(next.get());
            cursor = next.get();
        }
        return runs;
    }

    /** Unregisters this plugin's handlers: it is stopping; its jobs wait for it to start again. */
    @Override
    public void close() {
        closed = true;
        for (String name : registered) {
            jobs.unregister(pluginId, name);
        }
        registered.clear();
    }

    static String jobId(String instanceId) {
        return instanceId.substring(instanceId.lastIndexOf('/') + 1);
    }

    private String instanceId(String jobId) {
        return pluginId + "/" + jobId;
    }

    private List<Job> select(String condition, String instance) {
        String prefix = pluginId + "/";
        List<Job> result = new ArrayList<>();
        try (Connection connection = jobs.dataSource().getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT task_instance, task_data, execution_time FROM scheduled_tasks WHERE task_name = ?"
                             + " AND left(task_instance, ?) = ?" + condition + " ORDER BY execution_time, task_instance")) {
            select.setString(1, JobScheduler.TASK);
            select.setInt(2, prefix.length());
            select.setString(3, prefix);
            if (instance != null) {
                select.setString(4, instance);
            }
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    JobData data = jobs.serializer().deserialize(JobData.class, rows.getBytes(2));
                    Timestamp next = rows.getTimestamp(3);
                    result.add(new Job(jobId(rows.getString(1)), data.handler(), data.schedule(),
                            data.waiting() ? data.dueTime() : next.toInstant(), data.payload()));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not list the jobs of plugin " + pluginId + ": " + e.getMessage(), e);
        }
        return result;
    }

    /** Jobs of this handler that were put back for want of it run now, with their original scheduled time. */
    private void bringForwardWaiting(String handlerName) {
        String prefix = pluginId + "/";
        List<String> waiting = new ArrayList<>();
        try (Connection connection = jobs.dataSource().getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT task_instance, task_data FROM scheduled_tasks WHERE task_name = ? AND left(task_instance, ?) = ?"
                             + " AND NOT picked")) {
            select.setString(1, JobScheduler.TASK);
            select.setInt(2, prefix.length());
            select.setString(3, prefix);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    JobData data = jobs.serializer().deserialize(JobData.class, rows.getBytes(2));
                    if (data.waiting() && data.handler().equals(handlerName)) {
                        waiting.add(rows.getString(1));
                    }
                }
            }
        } catch (SQLException e) {
            log.warn("Durable jobs: plugin {} jobs waiting for handler {} run at their next check ({})", pluginId,
                    handlerName, e.getMessage());
            return;
        }
        Instant now = jobs.clock().instant();
        for (String instance : waiting) {
            try {
                jobs.scheduler().reschedule(TaskInstanceId.of(JobScheduler.TASK, instance), now);
            } catch (RuntimeException e) { // picked meanwhile: it is running
                log.debug("Durable jobs: {} not brought forward: {}", instance, e.toString());
            }
        }
        if (!waiting.isEmpty()) {
            log.info("Durable jobs: plugin {} handler \"{}\" registered; {} waiting job(s) run now", pluginId,
                    handlerName, waiting.size());
            jobs.wakeNow();
        }
    }

    private static void requireName(String handlerName) {
        if (handlerName == null || handlerName.isBlank() || handlerName.length() > 100) {
            throw new IllegalArgumentException("A job handler needs a name of 1 to 100 characters");
        }
    }

    private static String checkedPayload(String payloadJson) {
        String payload = payloadJson == null ? "{}" : payloadJson;
        int bytes = payload.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("A job's payload may be at most " + MAX_PAYLOAD_BYTES
                    + " bytes of JSON; this one has " + bytes + ". Store the data in a table and put its id in the payload.");
        }
        try {
            if (payload.isBlank() || JSON.readTree(payload).isMissingNode()) {
                throw new IllegalArgumentException("A job's payload must be JSON, such as {} or {\"id\":42}; it is empty");
            }
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("A job's payload must be JSON: " + e.getOriginalMessage(), e);
        }
        return payload;
    }
}
