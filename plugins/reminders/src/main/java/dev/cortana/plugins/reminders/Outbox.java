package dev.cortana.plugins.reminders;

import dev.cortana.api.CortanaContext;
import dev.cortana.api.Delivery;
import dev.cortana.api.jobs.Schedule;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers queued runs as messages in the conversation ({@code Notifier.send}). Everything queued when it flushes goes
 * out as one message, so runs that fell due while Cortana was down arrive together: a late run waits
 * {@link #LATE_QUIET} for more late runs (at most {@link #LATE_MAX_WAIT}), an on-time run flushes at once.
 *
 * <p>A failed message leaves its reminders failed with the reason and retried with backoff through a one-time job
 * ({@link #RETRY_HANDLER}); the next delivered message says so.
 */
final class Outbox {

    static final String RETRY_HANDLER = "remind";
    /** A run at least this late is labelled late ("late by 2 h — I was offline"). */
    static final Duration LATE = Duration.ofMinutes(1);
    /** A run at least this late waits briefly for other late runs, to go out in one message with them. */
    static final Duration GROUP_LATE = Duration.ofSeconds(10);
    static final Duration LATE_QUIET = Duration.ofMillis(700);
    static final Duration LATE_MAX_WAIT = Duration.ofSeconds(3);
    private static final Duration FIRST_RETRY = Duration.ofMinutes(1);
    private static final int LISTED = 30;

    private static final Logger log = LoggerFactory.getLogger(Outbox.class);

    private final CortanaContext context;
    private final ReminderStore store;
    private final Clock clock;
    private ScheduledFuture<?> pendingFlush;
    private long firstLateNanos;

    Outbox(CortanaContext context, ReminderStore store) {
        this.context = context;
        this.store = store;
        this.clock = context.clock();
    }

    /** A run was queued: flush now, or, for a late one, once the late runs stop coming. */
    void queued(boolean late) {
        if (!late) {
            flush();
            return;
        }
        synchronized (this) {
            long now = System.nanoTime();
            if (pendingFlush == null) {
                firstLateNanos = now;
            } else {
                pendingFlush.cancel(false);
            }
            long left = LATE_MAX_WAIT.toNanos() - (now - firstLateNanos);
            Duration delay = Duration.ofNanos(Math.max(0, Math.min(LATE_QUIET.toNanos(), left)));
            pendingFlush = context.scheduler().after(delay, this::flush);
        }
    }

    /** Sends everything queued as one message. */
    void flush() {
        synchronized (this) {
            if (pendingFlush != null) {
                pendingFlush.cancel(false);
                pendingFlush = null;
            }
        }
        synchronized (store) {
            ReminderStore.Batch batch = store.claimQueued().orElse(null);
            if (batch == null) {
                return;
            }
            if (batch.sends().isEmpty()) { // their reminders were deleted meanwhile
                store.delivered(batch.id(), clock.instant());
                return;
            }
            List<Long> inBatch = batch.sends().stream().map(s -> s.reminder().id()).toList();
            List<Reminder> unannounced = store.unannounced().stream().filter(r -> !inBatch.contains(r.id())).toList();
            String text = compose(batch.sends(), unannounced, clock.instant());
            context.notifier().send(text).whenComplete((delivery, error) ->
                    settle(batch, unannounced, delivery == null ? Delivery.failed(String.valueOf(error)) : delivery));
        }
    }

    private void settle(ReminderStore.Batch batch, List<Reminder> unannounced, Delivery delivery) {
        try {
            Instant now = clock.instant();
            if (delivery.status() != Delivery.Status.FAILED) { // PENDING: a host that cannot tell; it was handed over
                store.delivered(batch.id(), now);
                store.announced(unannounced.stream().map(Reminder::id).toList());
                return;
            }
            String reason = delivery.reason().isBlank() ? "the channel refused the message" : delivery.reason();
            log.warn("Reminders: a message of {} reminder(s) was not delivered ({}); retrying", batch.sends().size(),
                    reason);
            for (Reminder reminder : store.failed(batch.id(), reason, now)) {
                retryLater(reminder, now);
            }
        } catch (RuntimeException e) {
            log.warn("Reminders: could not record how a delivery ended: {}", e.toString());
        }
    }

    private void retryLater(Reminder reminder, Instant now) {
        Duration wait = FIRST_RETRY.multipliedBy(1L << Math.max(0, Math.min(reminder.attempts() - 1, 6)));
        if (wait.compareTo(Duration.ofHours(1)) > 0) {
            wait = Duration.ofHours(1);
        }
        if (reminder.extraJobId() != null) {
            context.jobs().cancel(reminder.extraJobId());
        }
        String job = context.jobs().schedule(RETRY_HANDLER, Schedule.at(now.plus(wait)),
                "{\"reminder\":" + reminder.id() + "}").id();
        store.setExtraJob(reminder.id(), job);
    }

    /** The message for a batch of runs: one reminder as one line, several as a list. */
    static String compose(List<ReminderStore.Send> sends, List<Reminder> unannounced, Instant now) {
        StringBuilder text = new StringBuilder();
        if (sends.size() == 1) {
            ReminderStore.Send send = sends.get(0);
            text.append("⏰ Reminder").append(note(send, now, true)).append(": ").append(send.reminder().text());
        } else {
            Duration latest = Duration.between(sends.get(0).dueAt(), now);
            boolean offline = sends.stream().anyMatch(s -> offline(s, now));
            text.append("⏰ ").append(sends.size()).append(" reminders");
            if (offline) {
                text.append(", late by up to ").append(Times.duration(latest)).append(" — I was offline");
            }
            text.append(':');
            int listed = 0;
            for (ReminderStore.Send send : sends) {
                if (listed++ == LISTED) {
                    text.append("\n… and ").append(sends.size() - LISTED).append(" more (/reminders shows what is left)");
                    break;
                }
                text.append("\n• ").append(send.reminder().text()).append(" (")
                        .append(Times.when(send.dueAt(), send.reminder().zone(), now))
                        .append(note(send, now, false)).append(')');
            }
        }
        if (!unannounced.isEmpty()) {
            text.append("\n(").append(unannounced.size() == 1 ? "1 reminder" : unannounced.size() + " reminders")
                    .append(" could not be delivered on time: ")
                    .append(String.join(", ", unannounced.stream().map(r -> "\"" + r.text() + "\"").toList()))
                    .append("; I keep trying, /reminders shows why)");
        }
        return text.toString();
    }

    private static boolean offline(ReminderStore.Send send, Instant now) {
        return send.reminder().failedDue() == null && Duration.between(send.dueAt(), now).compareTo(LATE) >= 0;
    }

    /** What is special about a run: late, missed several times, or failed before. */
    private static String note(ReminderStore.Send send, Instant now, boolean alone) {
        Reminder reminder = send.reminder();
        String sep = alone ? ", " : "; ";
        if (reminder.failedDue() != null) {
            return sep + "due " + (alone ? Times.when(reminder.failedDue(), reminder.zone(), now) + ", " : "")
                    + "not delivered on time: " + reminder.failure();
        }
        Duration late = Duration.between(send.dueAt(), now);
        if (late.compareTo(LATE) < 0) {
            return "";
        }
        String missed = send.missed() > 1 ? "missed " + send.missed() + " times, " : "";
        return sep + missed + "late by " + Times.duration(late) + (alone ? " — I was offline" : "");
    }
}
