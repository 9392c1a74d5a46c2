package dev.cortana.testkit;

import dev.cortana.api.Approvals;
import dev.cortana.api.CortanaContext;
import dev.cortana.api.PluginScheduler;
import dev.cortana.api.PluginSettings;
import dev.cortana.api.Workspace;
import dev.cortana.api.jobs.DurableJobs;
import dev.cortana.host.jobs.JobScheduler;
import dev.cortana.host.jobs.PluginJobs;
import dev.cortana.host.plugins.HostPluginContext;
import dev.cortana.host.plugins.HostServices;
import dev.cortana.host.workspace.HostWorkspace;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import javax.sql.DataSource;

/**
 * A real {@link CortanaContext} for unit tests, built from the host's own parts: settings scoped exactly as the host
 * scopes them, a real workspace with its read-only and private paths, the host's plugin scheduler, durable jobs on the
 * test database driven by a {@link TestClock}, and a notifier and approvals that record what the plugin sent and asked.
 *
 * <pre>{@code
 * try (TestContext context = TestContext.builder()
 *         .pluginId("todos")                               // default: cortana.plugin.id from the build
 *         .setting("TODOS_MAX_LIST", "2")                  // must be declared in plugin.settings, as in the host
 *         .clock(TestClock.at(Instant.parse("2026-11-25T09:00:00Z")))
 *         .zone(ZoneId.of("Europe/Berlin"))
 *         .build()) {                                      // default database: fresh, with the plugin's migrations
 *     TodoTools tools = new TodoTools(context);
 *     ...
 *     assertThat(context.messages()).isEmpty();
 * }
 * }</pre>
 *
 * <p>{@link #model()}, {@link #http()} and {@link #apiKeys(String)} need a running host: use {@link CortanaTestHost}.
 * {@link #close()} stops the scheduler and jobs, and drops the database if the builder created it.
 *
 * @since 0.1.0
 */
public final class TestContext implements CortanaContext, AutoCloseable {

    private final HostPluginContext host;
    private final TestClock clock;
    private final TestNotifier notifier;
    private final TestApprovals approvals;
    private final DataSource dataSource;
    private final HostWorkspace workspace;
    private final TestContextResources resources;
    private PluginJobs jobs;
    private JobScheduler jobScheduler;
    private final Runnable runDueJobs = this::runDueJobs;

    TestContext(HostPluginContext host, HostServices services, TestClock clock, TestNotifier notifier,
                TestApprovals approvals, TestContextResources resources) {
        this.host = host;
        this.clock = clock;
        this.notifier = notifier;
        this.approvals = approvals;
        this.dataSource = services.dataSource();
        this.workspace = (HostWorkspace) services.workspace();
        this.resources = resources;
    }

    /**
     * A builder; every part has a working default.
     *
     * @since 0.1.0
     */
    public static TestContextBuilder builder() {
        return new TestContextBuilder();
    }

    /**
     * A context with every default: {@code cortana.plugin.id}, a fresh migrated database, a temporary workspace.
     *
     * @since 0.1.0
     */
    public static TestContext create() {
        return builder().build();
    }

    @Override public String pluginId() { return host.pluginId(); }
    @Override public DataSource dataSource() { return dataSource; }
    @Override public Workspace workspace() { return workspace; }
    @Override public PluginSettings settings() { return host.settings(); }
    @Override public ZoneId userZone() { return host.userZone(); }
    @Override public PluginScheduler scheduler() { return host.scheduler(); }

    /** The test clock; moving it runs the durable jobs that fell due. */
    @Override public TestClock clock() { return clock; }

    /** The notifier, recording every message; see {@link #messages()}. */
    @Override public TestNotifier notifier() { return notifier; }

    /** The approvals, scripted: {@code context.approvals().answerNext(Decision.APPROVED)}. */
    @Override public TestApprovals approvals() { return approvals; }

    /**
     * Durable jobs on the test database (host tables are created on first use), run by the host's own job runner.
     * Moving {@link #clock()} runs what fell due before the move returns.
     *
     * <pre>{@code
     * context.jobs().handle("remind", run -> context.notifier().send("⏰ " + run.payloadJson()));
     * context.jobs().schedule("remind", Schedule.at(context.clock().instant().plusSeconds(60)), "\"tea\"");
     * context.clock().advance(Duration.ofMinutes(1));
     * assertThat(context.messages()).containsExactly("⏰ \"tea\"");
     * }</pre>
     */
    @Override
    public synchronized DurableJobs jobs() {
        if (jobs == null) {
            dev.cortana.host.storage.Migrations.applyHost(dataSource);
            jobScheduler = JobScheduler.open(dataSource, workspace.root(), clock);
            jobs = jobScheduler.forPlugin(pluginId());
            jobScheduler.start();
            clock.onMove(runDueJobs);
        }
        return jobs;
    }

    /**
     * What the plugin sent to the user so far, oldest first.
     *
     * @since 0.1.0
     */
    public List<String> messages() {
        return notifier.messages();
    }

    /**
     * The approval questions the plugin asked so far, oldest first.
     *
     * @since 0.1.0
     */
    public List<String> questions() {
        return approvals.questions();
    }

    /**
     * Closes the plugin's scheduler and jobs, and what the builder created (database, executor).
     *
     * @since 0.1.0
     */
    @Override
    public void close() {
        clock.removeOnMove(runDueJobs);
        host.close();
        synchronized (this) {
            if (jobScheduler != null) {
                jobs.close();
                jobScheduler.close();
            }
        }
        resources.close();
    }

    private void runDueJobs() {
        JobScheduler running;
        synchronized (this) {
            running = jobScheduler;
        }
        if (running != null && !running.runDueNow(Duration.ofSeconds(30))) {
            throw new AssertionError("Durable jobs of " + pluginId() + " were still due or running 30 s after the"
                    + " clock moved to " + clock.instant());
        }
    }
}
