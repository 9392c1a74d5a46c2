package dev.cortana.plugins.reminders;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cortana.api.CortanaContext;
import dev.cortana.api.jobs.DurableJobs;
import dev.cortana.api.jobs.Job;
import dev.cortana.api.jobs.JobRun;
import dev.cortana.api.jobs.Schedule;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reminders: each is a row in {@code reminders} and a durable job ({@value #HANDLER}) whose runs are queued in
 * {@code reminder_sends} under the run's idempotency key, then delivered by the {@link Outbox}. A repeated delivery
 * of a run (Cortana killed while running it) finds its key and sends nothing.
 */
final class Reminders {

    static final String HANDLER = "remind";
    private static final int MAX_TEXT = 1000;
    private static final int MAX_MISSED_COUNTED = 10_000;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger log = LoggerFactory.getLogger(Reminders.class);

    private final CortanaContext context;
    private final Clock clock;
    private final DurableJobs jobs;
    private final ReminderStore store;
    private final Outbox outbox;

    Reminders(CortanaContext context) {
        this.context = context;
        this.clock = context.clock();
        this.jobs = context.jobs();
        this.store = new ReminderStore(context.dataSource());
        this.outbox = new Outbox(context, store);
        int settled = store.settleInterrupted(clock.instant());
        if (settled > 0) {
            log.info("Reminders: {} message(s) interrupted by the last shutdown are left to the host's journal, not sent again",
                    settled);
        }
        jobs.handle(HANDLER, this::run);
        if (store.hasQueued()) {
            outbox.queued(true); // queued before a crash: they go out with the late runs of this start
        }
    }

    // ---- runs

    private void run(JobRun run) throws Exception {
        long id = JSON.readTree(run.payload()).path("reminder").asLong(-1);
        Reminder reminder = store.find(id).orElse(null);
        if (reminder == null || reminder.state().equals("cancelled") || reminder.state().equals("done")) {
            return;
        }
        boolean main = run.jobId().equals(reminder.jobId());
        boolean extra = run.jobId().equals(reminder.extraJobId());
        if (!main && !extra) {
            return; // a job of an earlier version of this reminder (edited meanwhile)
        }
        if (main && reminder.recurring() && reminder.skipAt() != null
                && Math.abs(Duration.between(reminder.skipAt(), run.scheduledTime()).toMillis()) < 1000) {
            store.setSkip(id, null); // this occurrence was cancelled alone
            return;
        }
        int missed = 1;
        boolean late = run.lateness().compareTo(Outbox.GROUP_LATE) >= 0;
        if (main && reminder.recurring() && late) {
            try {
                missed += jobs.runsBetween(reminder.schedule(), run.scheduledTime(), run.startedAt(),
                        MAX_MISSED_COUNTED).size();
            } catch (UnsupportedOperationException e) {
                // an older host: the message says it is late, not how many times it was missed
            }
        }
        boolean queued = store.queue(run.idempotencyKey(), id, run.scheduledTime(), missed, clock.instant());
        if (extra) {
            store.clearExtraJob(id, run.jobId());
        }
        if (queued) {
            outbox.queued(late);
        }
    }

    // ---- tools and command

    String set(String text, String at, String in, String rrule) {
        String clean = text(text);
        ZoneId zone = context.userZone();
        Instant now = clock.instant();
        boolean first = store.count() == 0;
        String reply;
        if (!blank(rrule)) {
            if (!blank(in)) {
                throw new InvalidInput("give `rrule` with an optional `at` (its first time), not `in`");
            }
            LocalDateTime start = blank(at) ? now.atZone(zone).toLocalDate().atStartOfDay()
                    : Times.localTime(at, zone, now);
            String rule = rrule.strip();
            Schedule schedule = Schedule.rrule(rule, start, zone);
            checkRule(schedule, now);
            long id = store.insert(clean, zone, ((Schedule.Rrule) schedule).rule(), start, null, now);
            Job job = schedule(schedule, id);
            store.setRecurring(id, job.id(), start);
            reply = "Reminder " + id + " set, repeating (" + ((Schedule.Rrule) schedule).rule() + "), next "
                    + Times.when(job.nextRun(), zone, now) + ": " + clean;
        } else {
            Instant due = due(at, in, zone, now);
            long id = store.insert(clean, zone, null, null, due, now);
            Job job = schedule(Schedule.at(due), id);
            store.setJob(id, job.id(), due);
            reply = "Reminder " + id + " set for " + Times.when(due, zone, now) + ": " + clean;
        }
        if (first && !context.userZoneChosen()) {
            reply += "\nI assumed your time zone is " + zone.getId() + "; if it is not, set it with /settings timezone"
                    + " Area/City (existing reminders keep their zone).";
        }
        return reply;
    }

    String list() {
        List<Reminder> open = store.open();
        if (open.isEmpty()) {
            return "No reminders.";
        }
        Instant now = clock.instant();
        StringBuilder text = new StringBuilder();
        for (Reminder reminder : open) {
            if (text.length() > 0) {
                text.append('\n');
            }
            text.append(reminder.id()).append(". ").append(reminder.text()).append(" — ").append(describe(reminder, now));
        }
        return text.toString();
    }

    String update(long id, String snooze, String at, String text) {
        Reminder reminder = open(id);
        if (blank(snooze) && blank(at) && blank(text)) {
            throw new InvalidInput("give `snooze` (a duration like PT10M), `at` (a local date-time) or `text`");
        }
        if (!blank(snooze) && !blank(at)) {
            throw new InvalidInput("give `snooze` or `at`, not both");
        }
        Instant now = clock.instant();
        if (!blank(text)) {
            store.setText(id, text(text));
        }
        if (!blank(snooze) || !blank(at) && !reminder.recurring()) {
            Instant due = blank(snooze) ? due(at, null, reminder.zone(), now) : now.plus(Times.duration(snooze, "snooze"));
            Job job = schedule(Schedule.at(due), id);
            if (reminder.recurring()) { // one extra run; the rule keeps its times
                cancelJob(reminder.extraJobId());
                store.setExtraJob(id, job.id());
            } else {
                cancelJob(reminder.jobId());
                cancelJob(reminder.extraJobId());
                store.setExtraJob(id, null);
                store.setJob(id, job.id(), due);
            }
        } else if (!blank(at)) { // a recurring reminder's new first time: its rule restarts there
            LocalDateTime start = Times.localTime(at, reminder.zone(), now);
            Schedule schedule = Schedule.rrule(reminder.rrule(), start, reminder.zone());
            checkRule(schedule, now);
            Job job = schedule(schedule, id);
            cancelJob(reminder.jobId());
            store.setRecurring(id, job.id(), start);
        }
        Reminder updated = store.find(id).orElseThrow();
        return (blank(snooze) ? "Reminder " + id + " changed: " : "Snoozed reminder " + id + ": ") + updated.text()
                + " — " + describe(updated, now);
    }

    String cancel(long id, boolean occurrenceOnly) {
        Reminder reminder = open(id);
        Instant now = clock.instant();
        if (occurrenceOnly && reminder.recurring()) {
            Instant next = nextOccurrence(reminder).orElseThrow(() -> new InvalidInput(
                    "reminder " + id + " has no occurrence left; cancel it without occurrence_only"));
            store.setSkip(id, next);
            Reminder updated = store.find(id).orElseThrow();
            return "Skipped the " + Times.when(next, reminder.zone(), now) + " occurrence of reminder " + id + ": "
                    + reminder.text() + " — " + describe(updated, now);
        }
        cancelJob(reminder.jobId());
        cancelJob(reminder.extraJobId());
        store.cancel(id);
        return "Cancelled reminder " + id + ": " + reminder.text();
    }

    // ---- helpers

    private Reminder open(long id) {
        Reminder reminder = store.find(id).orElseThrow(() -> new InvalidInput(
                "there is no reminder " + id + "; reminders_list shows their numbers"));
        if (reminder.state().equals("cancelled")) {
            throw new InvalidInput("reminder " + id + " was cancelled; set a new one");
        }
        return reminder;
    }

    private Job schedule(Schedule schedule, long id) {
        return jobs.schedule(HANDLER, schedule, "{\"reminder\":" + id + "}");
    }

    private void cancelJob(String jobId) {
        if (jobId != null) {
            jobs.cancel(jobId);
        }
    }

    private void checkRule(Schedule schedule, Instant now) {
        try {
            if (jobs.runsBetween(schedule, now, now.plus(Duration.ofDays(3660)), 1).isEmpty()) {
                throw new InvalidInput("the rule has no time left in the next ten years; check its UNTIL or COUNT");
            }
        } catch (IllegalArgumentException e) {
            throw new InvalidInput("`rrule` must be an RFC 5545 RRULE like FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9;"
                    + "BYMINUTE=0 (" + e.getMessage() + ")");
        } catch (UnsupportedOperationException e) {
            // an older host: schedule() checks the rule
        }
    }

    private static Instant due(String at, String in, ZoneId zone, Instant now) {
        if (blank(at) == blank(in)) {
            throw new InvalidInput("give `at` (a local date-time like 2026-12-01T18:00), `in` (a duration like PT20M)"
                    + " or `rrule`");
        }
        Instant due = blank(in) ? ZonedDateTime.of(Times.localTime(at, zone, now), zone).toInstant()
                : now.plus(Times.duration(in, "in"));
        if (!due.isAfter(now)) {
            throw new InvalidInput("that time has passed (it is " + Times.when(now, zone, now)
                    + "); give a time in the future");
        }
        return due.truncatedTo(ChronoUnit.MILLIS);
    }

    /** "Mon 1 Dec 18:00 Europe/Lisbon", "repeats FREQ=DAILY, next ...", "FAILED (reason), retrying ...". */
    private String describe(Reminder reminder, Instant now) {
        StringBuilder text = new StringBuilder();
        Optional<Instant> extra = Optional.ofNullable(reminder.extraJobId()).flatMap(jobs::find).map(Job::nextRun);
        if (reminder.state().equals("failed")) {
            text.append("FAILED at ").append(Times.when(reminder.failedDue(), reminder.zone(), now)).append(": ")
                    .append(reminder.failure());
            extra.ifPresent(time -> text.append("; retrying ").append(Times.when(time, reminder.zone(), now)));
            if (!reminder.recurring()) {
                return text.toString();
            }
            text.append("; ");
        } else if (reminder.state().equals("done")) {
            text.append("done; ");
        }
        if (reminder.recurring()) {
            text.append("repeats ").append(reminder.rrule());
            nextOccurrence(reminder).ifPresentOrElse(
                    next -> text.append(", next ").append(Times.when(next, reminder.zone(), now)),
                    () -> text.append(", no time left"));
            if (!reminder.state().equals("failed")) {
                extra.ifPresent(time -> text.append("; snoozed to ").append(Times.when(time, reminder.zone(), now)));
            }
        } else {
            text.append(Times.when(extra.orElse(reminder.dueAt()), reminder.zone(), now));
        }
        return text.toString();
    }

    /** The next time a recurring reminder fires, leaving out a skipped occurrence. */
    private Optional<Instant> nextOccurrence(Reminder reminder) {
        Optional<Instant> next = jobs.find(reminder.jobId()).map(Job::nextRun);
        if (next.isPresent() && reminder.skipAt() != null
                && Math.abs(Duration.between(reminder.skipAt(), next.get()).toMillis()) < 1000) {
            try {
                return jobs.runsBetween(reminder.schedule(), next.get(), next.get().plus(Duration.ofDays(3660)), 1)
                        .stream().findFirst();
            } catch (UnsupportedOperationException e) {
                return Optional.empty();
            }
        }
        return next;
    }

    private static String text(String text) {
        String clean = text == null ? "" : text.strip().replaceAll("\\s+", " ");
        if (clean.isEmpty()) {
            throw new InvalidInput("`text` must say what to remind of");
        }
        if (clean.length() > MAX_TEXT) {
            throw new InvalidInput("`text` must be at most " + MAX_TEXT + " characters");
        }
        if (clean.indexOf('\0') >= 0) {
            throw new InvalidInput("`text` contains a NUL character; send it without");
        }
        return clean;
    }

    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }
}
