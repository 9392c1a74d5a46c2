package dev.cortana.api;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;

/**
 * Schedules a plugin's background work on the host's scheduler. Everything scheduled through it is cancelled
 * when the plugin is stopped or unloaded; an exception thrown by a task is logged and does not cancel a periodic
 * task.
 *
 * <pre>{@code
 * context.scheduler().every(Duration.ofMinutes(1), this::sendDueReminders);
 * }</pre>
 *
 * @since 0.1.0
 */
public interface PluginScheduler {

    ScheduledFuture<?> after(Duration delay, Runnable task);

    ScheduledFuture<?> every(Duration period, Runnable task);
}
