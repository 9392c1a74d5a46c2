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
 *
 * @since 0.1.0
 */
public interface CortanaContext {

    /** The plugin's id, as in its {@code Plugin-Id} manifest entry. */
    String pluginId();

    /** A pooled connection source to Cortana's PostgreSQL database (embedded or {@code DATABASE_URL}). */
    DataSource dataSource();

    /** The workspace folder and its rules (which prompt files the agent may not change). */
    Workspace workspace();

    /**
     * Configuration values for this plugin: its own YAML section first, then the keys of Cortana's environment its
     * {@code Plugin-Settings} manifest entry declares or the user granted it (see {@link PluginSettings}).
     */
    PluginSettings settings();

    /** The clock to read "now" from; tests replace it. */
    Clock clock();

    /** The master user's time zone, for showing and interpreting dates. */
    ZoneId userZone();

    /**
     * Whether the master user chose {@link #userZone()} ({@code TIMEZONE} or {@code TZ} in the configuration, or
     * {@code /settings timezone}); false when it is the machine's zone, assumed. A plugin that interprets times can
     * then say which zone it assumed and how to change it. Hosts that cannot tell answer true.
     *
     * @since 0.2.0
     */
    default boolean userZoneChosen() {
        return true;
    }

    /** Sends a message to the master user without waiting for one (reminders, alerts). */
    Notifier notifier();

    /** Runs work later or periodically; everything scheduled is cancelled when the plugin stops. */
    PluginScheduler scheduler();

    /** Asks the master user to allow an action and waits for the answer. */
    Approvals approvals();

    /** The host's configured HTTP client (timeouts, User-Agent, size cap, secret-free errors); see {@link HostHttp}. */
    default HostHttp http() {
        throw new UnsupportedOperationException("This host offers no HTTP client to plugins");
    }

    /**
     * The language model, for a plugin's own questions (memory extraction, summaries), routed and counted like a
     * user's message; see {@link dev.cortana.api.llm.ModelAccess} for what a call costs.
     */
    default dev.cortana.api.llm.ModelAccess model() {
        throw new UnsupportedOperationException("This host offers no model access to plugins");
    }

    /**
     * The rotating pool of the plugin's own API keys named {@code name}, {@code name_1}, {@code name_2}, ...
     * ({@code apiKeys("EXA_API_KEY")}); the same pool on every call. See {@link ApiKeyPool}.
     */
    default ApiKeyPool apiKeys(String name) {
        throw new UnsupportedOperationException("This host offers no key pools to plugins");
    }

    /**
     * Tells the host that this plugin's tools changed (an MCP server came up or went down): the host asks the
     * plugin's {@link dev.cortana.api.tools.ToolProvider}s again before the next message, instead of using the tools
     * it read when the plugin started. Cheap; call it from any thread.
     *
     * <pre>{@code
     * void onServerConnected(McpClient client) {
     *     this.tools = McpTools.of(client);
     *     context.toolsChanged();
     * }
     * }</pre>
     */
    default void toolsChanged() {
        // a host that does not cache tools has nothing to re-read
    }

    /** Schedules work that survives restarts (reminders, syncs), stored in the database; see {@link dev.cortana.api.jobs.DurableJobs}. */
    default dev.cortana.api.jobs.DurableJobs jobs() {
        throw new UnsupportedOperationException("This context has no durable jobs (a test context?)");
    }

    /**
     * Starts long-running child processes (an MCP server) in the sandbox when there is one, with only the environment
     * the plugin names, killed when the plugin stops or Cortana exits; see {@link SandboxedProcesses}.
     *
     * @since 0.2.0
     */
    default SandboxedProcesses processes() {
        throw new UnsupportedOperationException("This host offers no child processes to plugins");
    }
}
