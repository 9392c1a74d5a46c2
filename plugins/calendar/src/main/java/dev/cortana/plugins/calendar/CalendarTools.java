package dev.cortana.plugins.calendar;

import dev.cortana.api.CortanaContext;
import dev.cortana.api.tools.ToolResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolMemoryId;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The calendar tools the model calls. Every answer is one or two short lines the model can repeat; a bad argument is
 * answered with {@code Error: ...} saying what to send instead (the expected ISO form). Times are read in the event's
 * zone (default: the user's) and shown in the user's zone with the weekday.
 *
 * <p>Creating or moving an event that overlaps others answers with the conflicts instead of saving, unless
 * {@code book_anyway} is true. Ranges are half-open, so an event ending at 10:00 and one starting at 10:00 do not
 * conflict.
 */
public final class CalendarTools {

    private static final int MAX_TITLE = 500;
    private static final int SHOWN_CONFLICTS = 3;
    private static final Duration DEFAULT_LENGTH = Duration.ofHours(1);
    private static final Duration MAX_RANGE = Duration.ofDays(367);
    private static final long MAX_ICS_BYTES = 5L * 1024 * 1024;

    private final CortanaContext context;
    private final CalendarStore store;
    private final EventReminders reminders;
    private final Settings settings;

    CalendarTools(CortanaContext context, CalendarStore store, EventReminders reminders, Settings settings) {
        this.context = context;
        this.store = store;
        this.reminders = reminders;
        this.settings = settings;
    }

    @Tool("Add event; returns conflicts unless book_anyway")
    public String calendar_add(
            @ToolMemoryId String userId,
            String title,
            @P("ISO local; date=all-day") String start,
            @P(value = "", required = false) String end,
            @P(value = "if no end", required = false) Integer minutes,
            @P(value = "", required = false) String rrule,
            @P(value = "", required = false) String location,
            @P(value = "", required = false) String notes,
            @P(value = "min before: 15,60", required = false) String remind,
            @P(value = "", required = false) String zone,
            @P(value = "", required = false) Boolean book_anyway) {
        String user = user(userId);
        try {
            Text.storable("title", title, "start", start, "end", end, "rrule", rrule, "location", location,
                    "notes", notes, "remind", remind, "zone", zone);
            ZoneId eventZone = Times.zone(zone, context.userZone());
            Times.Input from = Times.parse("start", start, eventZone);
            boolean allDay = from.dateOnly();
            Rule rule = rrule == null || rrule.isBlank() ? null : Rule.parse(rrule);
            Event draft = timing(new Event(0, user, title(title), null, null, eventZone, null, allDay, null, null, null,
                    null, clean(location), clean(notes), minutesList(remind), null), from, end, minutes, rule);
            List<Occurrence> candidates = CalendarStore.occurrences(draft, Set.of(), draft.start(), store.horizonEnd());
            if (!Boolean.TRUE.equals(book_anyway)) {
                List<Occurrence> conflicts = store.conflicts(user, candidates, CalendarStore.Exclusion.NONE, SHOWN_CONFLICTS + 1);
                if (!conflicts.isEmpty()) {
                    return conflicting(conflicts);
                }
            }
            Event saved = inTransaction(c -> {
                Event e = store.insert(c, draft, Set.of());
                reminders.reschedule(c, e);
                return e;
            });
            return "Added " + line(first(saved)) + ".";
        } catch (CalendarInputException e) {
            return "Error: " + e.getMessage() + ".";
        }
    }

    @Tool("List events from-to (ISO), or free slots of free minutes in working hours, or show one id")
    public String calendar_list(
            @ToolMemoryId String userId,
            @P(value = "", required = false) String from,
            @P(value = "", required = false) String to,
            @P(value = "", required = false) Integer free,
            @P(value = "", required = false) String id) {
        String user = user(userId);
        if (free != null) {
            return free(user, from, to, free);
        }
        try {
            Text.storable("from", from, "to", to, "id", id);
            if (id != null && !id.isBlank()) {
                return show(user, Ref.parse(id));
            }
            if (from == null || from.isBlank() || to == null || to.isBlank()) {
                return "Error: give from and to as " + Times.DATE_OR_TIME + ", or an id.";
            }
            ZoneId zone = context.userZone();
            Instant start = Times.instant("from", from, zone);
            Instant stop = Times.endInstant("to", to, zone);
            checkRange(start, stop);
            List<Occurrence> found = store.between(user, start, stop, settings.maxList() + 1);
            Instant now = context.clock().instant();
            String range = Times.day(start.atZone(zone).toLocalDate(), now, zone) + " to "
                    + Times.day(stop.minusNanos(1).atZone(zone).toLocalDate(), now, zone);
            if (found.isEmpty()) {
                return "No events from " + range + ".";
            }
            List<String> lines = found.stream().limit(settings.maxList()).map(this::line).collect(Collectors.toList());
            if (found.size() > settings.maxList()) {
                lines.add("(more; ask for a shorter range)");
            }
            return String.join("\n", lines);
        } catch (CalendarInputException e) {
            return "Error: " + e.getMessage() + ".";
        }
    }

    @Tool("Edit, move or delete event; omitted fields kept")
    public String calendar_update(
            @ToolMemoryId String userId,
            String id,
            @P(value = "", required = false) String title,
            @P(value = "", required = false) String start,
            @P(value = "", required = false) String end,
            @P(value = "", required = false) String location,
            @P(value = "", required = false) String notes,
            @P(value = "", required = false) String remind,
            @P(value = "this|following|all", required = false) String scope,
            @P(value = "", required = false) Boolean book_anyway,
            @P(value = "", required = false) Boolean delete) {
        String user = user(userId);
        if (Boolean.TRUE.equals(delete)) {
            return delete(user, id, scope);
        }
        try {
            Text.storable("id", id, "title", title, "start", start, "end", end, "location", location, "notes", notes,
                    "remind", remind, "scope", scope);
            Ref ref = Ref.parse(id);
            Optional<Target> found = target(user, ref, scope);
            if (found.isEmpty()) {
                return notFound(ref);
            }
            Target target = found.get();
            Event e = target.event();
            Event patched = new Event(e.id(), user, title == null || title.isBlank() ? e.title() : title(title), e.start(),
                    e.end(), e.zone(), e.localStart(), e.allDay(), e.rrule(), e.seriesEnd(), e.parentId(),
                    e.recurrenceId(), patch(e.location(), location), patch(e.notes(), notes),
                    remind == null || remind.isBlank() ? e.reminders() : minutesList(remind), e.uid());
            return switch (target.scope()) {
                case "this" -> updateThis(target, patched, start, end, null, book_anyway);
                case "following" -> updateFollowing(target, patched, start, end, null, book_anyway);
                default -> updateAll(target, patched, start, end, null, book_anyway);
            };
        } catch (CalendarInputException e) {
            return "Error: " + e.getMessage() + ".";
        }
    }

    /** Deletes an event, a whole series, or one occurrence of a series (scope this) or it and the following. */
    private String delete(String user, String id, String scope) {
        try {
            Text.storable("id", id, "scope", scope);
            Ref ref = Ref.parse(id);
            Optional<Target> found = target(user, ref, scope);
            if (found.isEmpty()) {
                return notFound(ref);
            }
            Target target = found.get();
            Event e = target.event();
            if (target.scope().equals("this")) {
                inTransaction(c -> {
                    store.addExdate(c, e.id(), target.occurrence().originalLocal());
                    return null;
                });
                return "Cancelled " + line(target.occurrence()) + "; the rest of the series stays.";
            }
            if (target.scope().equals("following") && !target.occurrence().originalLocal().equals(e.localStart())) {
                Event shortened = endBefore(e, target.occurrence());
                inTransaction(c -> {
                    store.replace(c, shortened);
                    reminders.reschedule(c, shortened);
                    return null;
                });
                return "Deleted " + line(target.occurrence()) + " and the following; the series now ends "
                        + day(shortened.seriesEnd().minusNanos(1), e.zone()) + ".";
            }
            Occurrence shown = target.occurrence() != null ? target.occurrence() : first(e);
            inTransaction(c -> {
                reminders.cancel(c, e.id());
                return store.delete(c, user, e.id());
            });
            return "Deleted " + line(shown) + (e.recurring() ? " and the whole series." : ".");
        } catch (CalendarInputException e) {
            return "Error: " + e.getMessage() + ".";
        }
    }

    /** Free slots of {@code minutes} inside the range, within working hours and days. */
    private String free(String user, String from, String to, int minutes) {
        try {
            Text.storable("from", from, "to", to);
            if (from == null || from.isBlank() || to == null || to.isBlank()) {
                return "Error: give from and to as " + Times.DATE_OR_TIME + " with free.";
            }
            if (minutes < 5 || minutes > 24 * 60) {
                return "Error: free must be from 5 to 1440 minutes.";
            }
            ZoneId zone = context.userZone();
            Instant start = Times.instant("from", from, zone);
            Instant stop = Times.endInstant("to", to, zone);
            checkRange(start, stop);
            Instant now = context.clock().instant();
            if (start.isBefore(now)) {
                start = now;
            }
            List<Instant[]> slots = FreeSlots.find(store.busy(user, start, stop), start, stop,
                    Duration.ofMinutes(minutes), settings, zone, 12);
            if (slots.isEmpty()) {
                return "No free " + minutes + " min in working hours (" + settings.workStart() + "–"
                        + settings.workEnd() + ") between " + day(start, zone) + " and " + day(stop.minusNanos(1), zone) + ".";
            }
            StringBuilder text = new StringBuilder("Free (" + zone.getId() + "): ");
            LocalDate shownDay = null;
            for (Instant[] slot : slots) {
                LocalDate d = slot[0].atZone(zone).toLocalDate();
                if (!d.equals(shownDay)) {
                    text.append(shownDay == null ? "" : "; ").append(Times.day(d, now, zone)).append(' ');
                    shownDay = d;
                } else {
                    text.append(", ");
                }
                text.append(Times.time(slot[0], zone)).append('–').append(Times.time(slot[1], zone));
            }
            return text.toString();
        } catch (CalendarInputException e) {
            return "Error: " + e.getMessage() + ".";
        }
    }

    @Tool("Import .ics (workspace path; attachments too) or export from-to")
    public ToolResult calendar_ics(
            @ToolMemoryId String userId,
            @P(value = "", required = false) String path,
            @P(value = "", required = false) String from,
            @P(value = "", required = false) String to) {
        String user = user(userId);
        try {
            Text.storable("path", path, "from", from, "to", to);
            if (path != null && !path.isBlank()) {
                return ToolResult.text(importFile(user, path.strip()));
            }
            if (from == null || from.isBlank() || to == null || to.isBlank()) {
                return ToolResult.text("Error: give path to import, or from and to as " + Times.DATE_OR_TIME + " to export.");
            }
            return export(user, from, to);
        } catch (CalendarInputException e) {
            return ToolResult.text("Error: " + e.getMessage() + ".");
        } catch (IOException e) {
            return ToolResult.text("Error: the file could not be read or written (" + e.getMessage() + ").");
        }
    }

    private String importFile(String user, String path) throws IOException {
        Path file = context.workspace().resolve(path);
        if (context.workspace().isPrivate(file)) {
            throw new CalendarInputException(path + " belongs to Cortana; give the path of an .ics file in the workspace");
        }
        if (!Files.isRegularFile(file) || !file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".ics")) {
            throw new CalendarInputException("no .ics file at " + path + "; give a workspace path like "
                    + "users/<id>/attachments/calendar.ics");
        }
        if (Files.size(file) > MAX_ICS_BYTES) {
            throw new CalendarInputException("the file is larger than 5 MB; export a shorter range");
        }
        List<Ics.VEvent> events = Ics.events(Files.readString(file, StandardCharsets.UTF_8));
        ZoneId fallback = context.userZone();
        int imported = 0;
        int duplicates = 0;
        int unusable = 0;
        List<Occurrence> conflicts = new ArrayList<>();
        int conflicting = 0;
        List<Ics.VEvent> ordered = new ArrayList<>(events.stream().filter(v -> v.first("RECURRENCE-ID") == null).toList());
        ordered.addAll(events.stream().filter(v -> v.first("RECURRENCE-ID") != null).toList());
        for (Ics.VEvent v : ordered) {
            try {
                if ("CANCELLED".equalsIgnoreCase(v.text("STATUS")) || v.first("DTSTART") == null) {
                    unusable++;
                    continue;
                }
                String uid = v.text("UID");
                Ics.When start = Ics.when(v.first("DTSTART"), fallback).get(0);
                LocalDateTime recurrence = null;
                Event parent = null;
                if (v.first("RECURRENCE-ID") != null) {
                    parent = uid == null ? null : byUid(user, uid, null).orElse(null);
                    if (parent == null) {
                        unusable++;
                        continue;
                    }
                    Ics.When rid = Ics.when(v.first("RECURRENCE-ID"), parent.zone()).get(0);
                    recurrence = rid.allDay() ? rid.date().atStartOfDay()
                            : ZonedDateTime.of(rid.local(), rid.zone()).withZoneSameInstant(parent.zone()).toLocalDateTime();
                }
                if (uid != null && byUid(user, uid, recurrence).isPresent()) {
                    duplicates++;
                    continue;
                }
                Event e = fromIcs(user, v, start, uid, parent, recurrence);
                Set<LocalDateTime> exdates = new java.util.HashSet<>();
                for (Ics.Property ex : v.all("EXDATE")) {
                    for (Ics.When when : Ics.when(ex, e.zone())) {
                        exdates.add(when.allDay() ? when.date().atStartOfDay()
                                : ZonedDateTime.of(when.local(), when.zone()).withZoneSameInstant(e.zone()).toLocalDateTime());
                    }
                }
                List<Occurrence> candidates = CalendarStore.occurrences(e, exdates, e.start(), store.horizonEnd());
                CalendarStore.Exclusion exclusion = parent == null ? CalendarStore.Exclusion.NONE
                        : new CalendarStore.Exclusion(parent.id(), recurrence, recurrence);
                List<Occurrence> overlapping = store.conflicts(user, candidates, exclusion, SHOWN_CONFLICTS);
                if (!overlapping.isEmpty()) {
                    conflicting++;
                    if (conflicts.size() < 2) {
                        conflicts.add(overlapping.get(0));
                    }
                }
                Event master = parent;
                LocalDateTime replaced = recurrence;
                inTransaction(c -> {
                    if (master != null) {
                        store.addExdate(c, master.id(), replaced);
                    }
                    return store.insert(c, e, exdates);
                });
                imported++;
            } catch (CalendarInputException | java.time.DateTimeException | IllegalArgumentException ex) {
                unusable++;
            }
        }
        StringBuilder reply = new StringBuilder("Imported " + imported + (imported == 1 ? " event" : " events")
                + " from " + path + "; skipped " + (duplicates + unusable) + " (" + duplicates + " already in the calendar, "
                + unusable + " cancelled or unreadable); " + conflicting + " conflicting");
        if (!conflicts.isEmpty()) {
            reply.append(" (with ").append(conflicts.stream().map(this::line).collect(Collectors.joining("; "))).append(")");
        }
        return reply.append(".").toString();
    }

    private Event fromIcs(String user, Ics.VEvent v, Ics.When start, String uid, Event parent, LocalDateTime recurrence) {
        boolean allDay = start.allDay();
        ZoneId zone = start.zone();
        LocalDateTime seed = allDay ? start.date().atStartOfDay() : start.local();
        Duration length = DEFAULT_LENGTH;
        long days = 1;
        Ics.Property dtend = v.first("DTEND");
        if (dtend != null) {
            Ics.When end = Ics.when(dtend, zone).get(0);
            if (allDay) {
                days = Math.max(1, java.time.temporal.ChronoUnit.DAYS.between(start.date(), end.date()));
            } else {
                length = Duration.between(ZonedDateTime.of(seed, zone).toInstant(), ZonedDateTime.of(end.local(), end.zone()).toInstant());
            }
        } else if (v.first("DURATION") != null) {
            Duration d = Ics.duration(v.first("DURATION").value());
            if (allDay) {
                days = Math.max(1, d.toDays());
            } else {
                length = d;
            }
        }
        if (!allDay && (length.isNegative() || length.isZero())) {
            length = DEFAULT_LENGTH;
        }
        String title = v.text("SUMMARY") == null ? "(no title)" : title(v.text("SUMMARY"));
        String rrule = parent == null && v.first("RRULE") != null ? Rule.parse(v.first("RRULE").value()).text() : null;
        Event e = new Event(0, user, title, null, null, zone, null, allDay, rrule, null,
                parent == null ? null : parent.id(), recurrence, v.text("LOCATION"), v.text("DESCRIPTION"), List.of(), uid);
        return withTiming(e, seed, length, days, null);
    }

    private Optional<Event> byUid(String user, String uid, LocalDateTime recurrence) {
        try (Connection c = store.dataSource().getConnection();
             java.sql.PreparedStatement s = c.prepareStatement("SELECT id FROM calendar_events WHERE user_id = ? AND uid = ?"
                     + " AND recurrence_id IS NOT DISTINCT FROM ?")) {
            s.setString(1, user);
            s.setString(2, uid);
            s.setObject(3, recurrence, java.sql.Types.TIMESTAMP);
            try (java.sql.ResultSet rs = s.executeQuery()) {
                return rs.next() ? store.find(c, user, rs.getLong(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("calendar: looking up an imported event failed", e);
        }
    }

    private ToolResult export(String user, String from, String to) throws IOException {
        ZoneId zone = context.userZone();
        Instant start = Times.instant("from", from, zone);
        Instant stop = Times.endInstant("to", to, zone);
        checkRange(start, stop);
        Map<Long, Event> events = new LinkedHashMap<>();
        for (Occurrence o : store.between(user, start, stop, 10_000)) {
            events.putIfAbsent(o.event().id(), o.event());
        }
        Map<Long, List<LocalDateTime>> exdates = new LinkedHashMap<>();
        Map<Long, String> uids = new LinkedHashMap<>();
        try (Connection c = store.dataSource().getConnection()) {
            for (Event e : List.copyOf(events.values())) {
                if (e.recurring()) {
                    exdates.put(e.id(), store.cancelled(c, e.id()).stream().sorted().toList());
                }
                long owner = e.parentId() != null ? e.parentId() : e.id();
                Event ownerEvent = e.parentId() == null ? e : store.find(c, user, e.parentId()).orElse(e);
                uids.put(owner, ownerEvent.uid() != null ? ownerEvent.uid() : "cortana-calendar-" + owner);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("calendar: reading events to export failed", e);
        }
        String ics = Ics.calendar(List.copyOf(events.values()), exdates, uids, context.clock().instant());
        String folder = "users/" + user.replaceAll("[^A-Za-z0-9_-]", "_") + "/exports";
        Path dir = Files.createDirectories(context.workspace().resolve(folder));
        String name = "calendar-" + start.atZone(zone).toLocalDate() + "-to-" + stop.minusNanos(1).atZone(zone).toLocalDate() + ".ics";
        Path file = Files.writeString(dir.resolve(name), ics, StandardCharsets.UTF_8);
        Instant now = context.clock().instant();
        return ToolResult.withFiles("Exported " + events.size() + (events.size() == 1 ? " event" : " events") + " ("
                + Times.day(start.atZone(zone).toLocalDate(), now, zone) + " to "
                + Times.day(stop.minusNanos(1).atZone(zone).toLocalDate(), now, zone) + ") to " + folder + "/" + name
                + "; the file is attached.", file);
    }

    // ---- updates

    private String updateAll(Target target, Event patched, String start, String end, Integer minutes, Boolean anyway) {
        Event e = patched;
        Occurrence base = target.occurrence() != null ? target.occurrence() : first(e);
        Event moved = e;
        LocalDateTime baseLocal = base.start().atZone(e.zone()).toLocalDateTime();
        Duration shift = Duration.ZERO;
        if (start != null || end != null || minutes != null) {
            Timing timing = retime(e, base, start, end, minutes);
            shift = Duration.between(baseLocal, timing.localStart());
            LocalDateTime seed = e.localStart().plus(shift);
            Event shifted = e;
            if (e.recurring()) {
                long days = java.time.temporal.ChronoUnit.DAYS.between(baseLocal.toLocalDate(), timing.localStart().toLocalDate());
                Rule rule = Rule.parse(e.rrule()).shiftedByDays(days);
                shifted = new Event(e.id(), e.userId(), e.title(), e.start(), e.end(), e.zone(), e.localStart(), e.allDay(),
                        rule.text(), e.seriesEnd(), e.parentId(), e.recurrenceId(), e.location(), e.notes(), e.reminders(), e.uid());
            }
            moved = withTiming(shifted, seed, timing.length(), timing.days(), timing.offset());
        }
        if (!Boolean.TRUE.equals(anyway)) {
            List<Occurrence> conflicts = store.conflicts(e.userId(),
                    CalendarStore.occurrences(moved, Set.of(), horizonStart(moved), store.horizonEnd()),
                    CalendarStore.Exclusion.all(e.id()), SHOWN_CONFLICTS + 1);
            if (!conflicts.isEmpty()) {
                return conflicting(conflicts);
            }
        }
        Event saved = moved;
        Duration by = shift;
        inTransaction(c -> {
            if (!by.isZero()) {
                store.shiftExdates(c, saved.id(), by);
            }
            store.replace(c, saved);
            reminders.reschedule(c, saved);
            return null;
        });
        Occurrence shown = target.occurrence() == null ? first(saved)
                : new Occurrence(saved, base.originalLocal().plus(shift),
                        ZonedDateTime.of(base.originalLocal().plus(shift), saved.zone()).toInstant(),
                        saved.endOf(base.originalLocal().plus(shift),
                                ZonedDateTime.of(base.originalLocal().plus(shift), saved.zone()).toInstant()));
        return "Updated " + line(shown) + (saved.recurring() ? " (whole series)." : ".");
    }

    private String updateThis(Target target, Event patched, String start, String end, Integer minutes, Boolean anyway) {
        Occurrence occurrence = target.occurrence();
        Timing timing = retime(patched, occurrence, start, end, minutes);
        Event single = withTiming(new Event(0, patched.userId(), patched.title(), null, null, patched.zone(), null,
                patched.allDay(), null, null, patched.id(), occurrence.originalLocal(), patched.location(),
                patched.notes(), patched.reminders(), patched.uid()), timing.localStart(), timing.length(), timing.days(),
                timing.offset());
        if (!Boolean.TRUE.equals(anyway)) {
            List<Occurrence> conflicts = store.conflicts(patched.userId(), List.of(first(single)),
                    new CalendarStore.Exclusion(patched.id(), occurrence.originalLocal(), occurrence.originalLocal()),
                    SHOWN_CONFLICTS + 1);
            if (!conflicts.isEmpty()) {
                return conflicting(conflicts);
            }
        }
        Event saved = inTransaction(c -> {
            store.addExdate(c, patched.id(), occurrence.originalLocal());
            Event e = store.insert(c, single, Set.of());
            reminders.reschedule(c, e);
            return e;
        });
        return "Changed this occurrence only: " + line(first(saved)) + ".";
    }

    private String updateFollowing(Target target, Event patched, String start, String end, Integer minutes, Boolean anyway) {
        Occurrence occurrence = target.occurrence();
        Event e = patched;
        if (occurrence.originalLocal().equals(e.localStart())) {
            return updateAll(new Target(target.event(), null, "all"), patched, start, end, minutes, anyway);
        }
        Timing timing = retime(e, occurrence, start, end, minutes);
        Duration shift = Duration.between(occurrence.originalLocal(), timing.localStart());
        Rule rule = Rule.parse(e.rrule());
        Rule rest = rule;
        if (rule.count() != null) {
            int before = rule.starts(e.localStart(), e.zone(), e.start(), occurrence.start(), Set.of()).size();
            rest = rule.withCount(Math.max(1, rule.count() - before));
        }
        Event following = withTiming(new Event(0, e.userId(), e.title(), null, null, e.zone(), null, e.allDay(),
                rest.text(), null, null, null, e.location(), e.notes(), e.reminders(), null),
                occurrence.originalLocal().plus(shift), timing.length(), timing.days(), null);
        Event shortened = endBefore(target.event(), occurrence);
        if (!Boolean.TRUE.equals(anyway)) {
            List<Occurrence> conflicts = store.conflicts(e.userId(),
                    CalendarStore.occurrences(following, Set.of(), following.start(), store.horizonEnd()),
                    new CalendarStore.Exclusion(e.id(), occurrence.originalLocal(), CalendarStore.LAST),
                    SHOWN_CONFLICTS + 1);
            if (!conflicts.isEmpty()) {
                return conflicting(conflicts);
            }
        }
        Event saved = inTransaction(c -> {
            store.replace(c, shortened);
            reminders.reschedule(c, shortened);
            Event created = store.insert(c, following, Set.of());
            reminders.reschedule(c, created);
            return created;
        });
        return "Changed this and following: " + line(first(saved)) + "; #" + e.id() + " now ends "
                + day(shortened.seriesEnd().minusNanos(1), e.zone()) + ".";
    }

    /** The series ending with the occurrence before {@code occurrence}. */
    private Event endBefore(Event series, Occurrence occurrence) {
        Rule shortened = Rule.parse(series.rrule()).endingBefore(occurrence.start(), series.allDay(), series.zone());
        Event e = new Event(series.id(), series.userId(), series.title(), series.start(), series.end(), series.zone(),
                series.localStart(), series.allDay(), shortened.text(), null, series.parentId(), series.recurrenceId(),
                series.location(), series.notes(), series.reminders(), series.uid());
        return withSeriesEnd(e, shortened);
    }

    // ---- timing

    private record Timing(LocalDateTime localStart, Duration length, long days, java.time.ZoneOffset offset) {
    }

    /** An event's new timing from the base occurrence and what the call changes. */
    private Timing retime(Event e, Occurrence base, String start, String end, Integer minutes) {
        LocalDateTime baseLocal = base.start().atZone(e.zone()).toLocalDateTime();
        LocalDateTime newStart = baseLocal;
        java.time.ZoneOffset offset = base.start().atZone(e.zone()).getOffset();
        if (start != null && !start.isBlank()) {
            Times.Input input = Times.parse("start", start, e.zone());
            newStart = input.dateOnly() ? input.date().atTime(baseLocal.toLocalTime()) : input.local();
            offset = input.offset();
            if (e.allDay()) {
                newStart = newStart.toLocalDate().atStartOfDay();
            }
        }
        Duration length = Duration.between(base.start(), base.end());
        long days = e.allDay() ? Math.max(1, Duration.between(base.start(), base.end()).toHours() / 24) : 0;
        if (e.allDay()) {
            days = java.time.temporal.ChronoUnit.DAYS.between(base.start().atZone(e.zone()).toLocalDate(),
                    base.end().atZone(e.zone()).toLocalDate());
        }
        if (end != null && !end.isBlank()) {
            Times.Input input = Times.parse("end", end, e.zone());
            if (e.allDay()) {
                days = java.time.temporal.ChronoUnit.DAYS.between(newStart.toLocalDate(), input.date()) + 1;
                if (days < 1) {
                    throw new CalendarInputException("end must not be before start");
                }
            } else {
                if (input.dateOnly()) {
                    throw new CalendarInputException("end must be " + Times.DATE_TIME);
                }
                length = Duration.between(ZonedDateTime.ofLocal(newStart, e.zone(), offset).toInstant(),
                        input.instant(e.zone()));
            }
        } else if (minutes != null) {
            checkMinutes(minutes);
            length = Duration.ofMinutes(minutes);
        }
        if (!e.allDay() && (length.isNegative() || length.isZero())) {
            throw new CalendarInputException("end must be after start");
        }
        return new Timing(newStart, length, days, offset);
    }

    /** A new event's timing from the add call's arguments. */
    private Event timing(Event e, Times.Input from, String end, Integer minutes, Rule rule) {
        LocalDateTime seed;
        Duration length = DEFAULT_LENGTH;
        long days = 1;
        if (e.allDay()) {
            seed = from.date().atStartOfDay();
            if (end != null && !end.isBlank()) {
                LocalDate last = Times.parse("end", end, e.zone()).date();
                days = java.time.temporal.ChronoUnit.DAYS.between(from.date(), last) + 1;
                if (days < 1) {
                    throw new CalendarInputException("end must not be before start");
                }
            }
        } else {
            seed = from.local();
            if (end != null && !end.isBlank()) {
                Times.Input to = Times.parse("end", end, e.zone());
                if (to.dateOnly()) {
                    throw new CalendarInputException("end must be " + Times.DATE_TIME);
                }
                length = Duration.between(from.instant(e.zone()), to.instant(e.zone()));
                if (length.isNegative() || length.isZero()) {
                    throw new CalendarInputException("end must be after start");
                }
            } else if (minutes != null) {
                checkMinutes(minutes);
                length = Duration.ofMinutes(minutes);
            }
        }
        Event timed = withTiming(new Event(e.id(), e.userId(), e.title(), null, null, e.zone(), null, e.allDay(),
                rule == null ? null : rule.text(), null, e.parentId(), e.recurrenceId(), e.location(), e.notes(),
                e.reminders(), e.uid()), seed, length, days, from.offset());
        return timed;
    }

    /** The event starting at local {@code seed} in its zone, lasting {@code length} (timed) or {@code days}. */
    static Event withTiming(Event e, LocalDateTime seed, Duration length, long days, java.time.ZoneOffset offset) {
        Instant start = e.allDay() || e.rrule() != null ? ZonedDateTime.of(seed, e.zone()).toInstant()
                : ZonedDateTime.ofLocal(seed, e.zone(), offset).toInstant();
        Instant end = e.allDay() ? seed.toLocalDate().plusDays(Math.max(1, days)).atStartOfDay(e.zone()).toInstant()
                : start.plus(length);
        Event timed = new Event(e.id(), e.userId(), e.title(), start, end, e.zone(), seed, e.allDay(), e.rrule(), null,
                e.parentId(), e.recurrenceId(), e.location(), e.notes(), e.reminders(), e.uid());
        return e.rrule() == null ? timed : withSeriesEnd(timed, Rule.parse(e.rrule()));
    }

    private static Event withSeriesEnd(Event e, Rule rule) {
        LocalDateTime last = rule.last(e.localStart(), e.zone());
        Instant seriesEnd = null;
        if (last != null) {
            Instant lastStart = ZonedDateTime.of(last, e.zone()).toInstant();
            seriesEnd = e.endOf(last, lastStart);
        }
        return new Event(e.id(), e.userId(), e.title(), e.start(), e.end(), e.zone(), e.localStart(), e.allDay(),
                rule.text(), seriesEnd, e.parentId(), e.recurrenceId(), e.location(), e.notes(), e.reminders(), e.uid());
    }

    private Instant horizonStart(Event e) {
        Instant now = context.clock().instant();
        return e.start().isAfter(now) ? e.start() : now.minus(Duration.ofDays(1));
    }

    // ---- finding

    /** An event and, for a series, the occurrence the call names and the scope it applies to. */
    private record Target(Event event, Occurrence occurrence, String scope) {
    }

    private Optional<Target> target(String user, Ref ref, String scope) {
        String wanted = scope == null || scope.isBlank() ? null : scope.strip().toLowerCase(Locale.ROOT);
        if (wanted != null && !Set.of("this", "following", "all").contains(wanted)) {
            throw new CalendarInputException("scope must be this, following or all");
        }
        try (Connection c = store.dataSource().getConnection()) {
            Optional<Event> found = store.find(c, user, ref.id());
            if (found.isEmpty()) {
                return Optional.empty();
            }
            Event event = found.get();
            if (!event.recurring()) {
                Occurrence only = first(event);
                return Optional.of(new Target(event, only, "all"));
            }
            if (ref.at() == null) {
                if (wanted != null && !wanted.equals("all")) {
                    throw new CalendarInputException("for scope " + wanted + " give the occurrence, like " + event.id()
                            + "@" + event.localStart().toLocalDate());
                }
                return Optional.of(new Target(event, null, "all"));
            }
            store.extend(c, user, ZonedDateTime.of(ref.at().plusDays(2), event.zone()).toInstant());
            Optional<Occurrence> occurrence = store.occurrence(c, event, ref.at(), ref.wholeDay());
            if (occurrence.isEmpty()) {
                Optional<Event> override = store.override(c, event.id(), ref.at(), ref.wholeDay());
                if (override.isPresent()) {
                    return Optional.of(new Target(override.get(), first(override.get()), "all"));
                }
                throw new CalendarInputException("series #" + event.id() + " has no occurrence on " + ref.at().toLocalDate()
                        + "; calendar_list shows its occurrences");
            }
            return Optional.of(new Target(event, occurrence.get(), wanted == null ? "this" : wanted));
        } catch (SQLException e) {
            throw new IllegalStateException("calendar: finding event " + ref.id() + " failed", e);
        }
    }

    private String show(String user, Ref ref) {
        Optional<Target> found = target(user, ref, null);
        if (found.isEmpty()) {
            return notFound(ref);
        }
        Target target = found.get();
        Event e = target.event();
        Occurrence o = target.occurrence() != null ? target.occurrence() : first(e);
        List<String> parts = new ArrayList<>();
        parts.add(line(o));
        if (e.recurring()) {
            parts.add("repeats " + Rule.parse(e.rrule()).describe());
        }
        if (e.location() != null) {
            parts.add("at " + e.location());
        }
        if (!e.reminders().isEmpty()) {
            parts.add("reminders " + e.reminders().stream().map(m -> m + " min").collect(Collectors.joining(", ")) + " before");
        }
        if (!e.zone().equals(context.userZone())) {
            parts.add("zone " + e.zone().getId());
        }
        String first = String.join(" · ", parts);
        return e.notes() == null ? first : first + "\nNotes: " + e.notes();
    }

    // ---- words

    private String line(Occurrence o) {
        return Times.when(o, context.userZone(), context.clock().instant()) + " · " + o.event().title() + " (" + Ref.of(o) + ")";
    }

    private String conflicting(List<Occurrence> conflicts) {
        String listed = conflicts.stream().limit(SHOWN_CONFLICTS).map(this::line).collect(Collectors.joining("; "));
        String more = conflicts.size() > SHOWN_CONFLICTS ? " and more" : "";
        return "Not saved, it overlaps " + listed + more + ".\nSay book_anyway=true to save it anyway, or pick another time.";
    }

    private static String notFound(Ref ref) {
        return "Error: no event #" + ref.id() + "; use " + Ref.EXPECTED + ".";
    }

    private String day(Instant instant, ZoneId zone) {
        return Times.day(instant.atZone(zone).toLocalDate(), context.clock().instant(), zone);
    }

    private static Occurrence first(Event e) {
        return new Occurrence(e, e.localStart(), e.start(), e.end());
    }

    // ---- arguments

    private static void checkRange(Instant from, Instant to) {
        if (!to.isAfter(from)) {
            throw new CalendarInputException("to must be after from");
        }
        if (Duration.between(from, to).compareTo(MAX_RANGE) > 0) {
            throw new CalendarInputException("the range may be at most a year; ask for a shorter one");
        }
    }

    private static void checkMinutes(int minutes) {
        if (minutes < 1 || minutes > 60 * 24 * 366) {
            throw new CalendarInputException("minutes must be from 1 to 527040");
        }
    }

    static List<Integer> minutesList(String remind) {
        if (remind == null || remind.isBlank() || remind.strip().equalsIgnoreCase("none")) {
            return List.of();
        }
        try {
            List<Integer> minutes = Arrays.stream(remind.split(",")).map(String::strip).map(Integer::valueOf)
                    .distinct().sorted().toList();
            if (minutes.stream().anyMatch(m -> m < 0 || m > 40_320) || minutes.size() > 5) {
                throw new NumberFormatException();
            }
            return minutes;
        } catch (NumberFormatException e) {
            throw new CalendarInputException("remind must be up to 5 whole minutes before the start (0 to 40320), "
                    + "like 15 or 15,60");
        }
    }

    private static String title(String title) {
        String clean = title == null ? "" : title.strip().replaceAll("\\s+", " ");
        if (clean.isEmpty()) {
            throw new CalendarInputException("title must not be empty");
        }
        if (clean.codePointCount(0, clean.length()) > MAX_TITLE) {
            throw new CalendarInputException("title must be at most " + MAX_TITLE + " characters");
        }
        return clean;
    }

    private static String clean(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }

    private static String patch(String old, String update) {
        if (update == null || update.isBlank()) {
            return old;
        }
        return update.strip().equalsIgnoreCase("none") ? null : update.strip();
    }

    private static String user(String userId) {
        return Objects.requireNonNull(userId, "no user id: the calendar tools need the served user's id as memory id");
    }

    // ---- transactions

    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    <T> T inTransaction(Work<T> work) {
        try (Connection c = store.dataSource().getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("calendar: saving failed", e);
        }
    }
}
