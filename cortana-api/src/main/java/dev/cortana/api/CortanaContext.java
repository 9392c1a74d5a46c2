package dev.cortana.api;

import java.time.Clock;
import java.time.ZoneId;
import javax.sql.DataSource;

/**
 * The host services a plugin may use, scoped to that plugin. The host passes one to every extension whose
 * public constructor takes it.
 *
 * <pre>{@code
 * public TodoTools(CortanaContext context) {
 *     this.db = context.dataSource();
 *     this.clock = context.clock();
 *     this.maxItems = context.settings().getInt("TODOS_MAX_LIST", 50);
 * }
 * }</pre>
 *
 * <p>Everything here stays valid while the plugin is started. Tasks submitted to {@link #scheduler()} are
 * cancelled when the plugin is stopped or unloaded.
 */
public interface CortanaContext {

    /** The plugin's id, as in its {@code Plugin-Id} manifest entry. */
    String pluginId();

    /** A pooled connection source to Cortana's PostgreSQL database (embedded or {@code DATABASE_URL}). */
    DataSource dataSource();

    /** The workspace folder and its rules (which prompt files the agent may not change). */
    Workspace workspace();

    /** Configuration values for this plugin: its own YAML section first, then Cortana's environment. */
    PluginSettings settings();

    /** The clock to read "now" from; tests replace it. */
    Clock clock();

    /** The master user's time zone, for showing and interpreting dates. */
    ZoneId userZone();

    /** Sends a message to the master user without waiting for one (reminders, alerts). */
    Notifier notifier();

    /** Runs work later or periodically; everything scheduled is cancelled when the plugin stops. */
    PluginScheduler scheduler();

    /** Asks the master user to allow an action and waits for the answer. */
    Approvals approvals();

    /** Schedules work that survives restarts (reminders, syncs), stored in the database; see {@link dev.cortana.api.jobs.DurableJobs}. */
    default dev.cortana.api.jobs.DurableJobs jobs() {
        throw new UnsupportedOperationException("This context has no durable jobs (a test context?)");
    }
}
