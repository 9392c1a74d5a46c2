package dev.cortana.plugins.calendar;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * The calendar's tables. Every question about time ("what overlaps this?", "what is on this week?", "what is busy
 * on Thursday?") is one indexed range query on {@code calendar_occurrences}; nothing reads all events into Java.
 * Series are expanded when saved, up to their end or the horizon; a search past the horizon first extends the series
 * that need it (found by the partial index on {@code expanded_until}).
 */
final class CalendarStore {

    static final LocalDateTime FIRST = LocalDateTime.of(1, 1, 1, 0, 0);
    static final LocalDateTime LAST = LocalDateTime.of(9999, 12, 31, 0, 0);
    private static final String EVENT_COLUMNS = "e.id, e.user_id, e.title, e.starts_at, e.ends_at, e.zone, e.local_start,"
            + " e.all_day, e.rrule, e.series_end, e.parent_id, e.recurrence_id, e.location, e.notes, e.reminders, e.uid";

    private final DataSource dataSource;
    private final Clock clock;
    private final Duration horizon;

    CalendarStore(DataSource dataSource, Clock clock, Duration horizon) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.horizon = horizon;
    }

    Duration horizon() {
        return horizon;
    }

    DataSource dataSource() {
        return dataSource;
    }

    /** Occurrences of {@code user}'s events that are not stored yet can be stored up to here. */
    Instant horizonEnd() {
        return clock.instant().plus(horizon);
    }

    /** What to leave out of a conflict search: the occurrences of one event whose original start lies in a range. */
    record Exclusion(long eventId, LocalDateTime fromLocal, LocalDateTime toLocal) {
        static final Exclusion NONE = new Exclusion(-1, FIRST, FIRST);

        static Exclusion all(long eventId) {
            return new Exclusion(eventId, FIRST, LAST);
        }
    }

    // ---- occurrences of an event that is being saved

    /** The occurrences an event would have, up to its end or {@code until}. */
    static List<Occurrence> occurrences(Event event, Set<LocalDateTime> exdates, Instant from, Instant until) {
        if (!event.recurring()) {
            return List.of(new Occurrence(event, event.localStart(), event.start(), event.end()));
        }
        Rule rule = Rule.parse(event.rrule());
        List<Occurrence> occurrences = new ArrayList<>();
        // an occurrence that started before `from` but still runs: start the search one duration earlier
        Duration length = event.allDay() ? Duration.ofDays(event.days() + 1) : event.duration();
        for (LocalDateTime local : rule.starts(event.localStart(), event.zone(), from.minus(length), until, exdates)) {
            Instant start = ZonedDateTime.of(local, event.zone()).toInstant();
            Occurrence occurrence = new Occurrence(event, local, start, event.endOf(local, start));
            if (occurrence.end().isAfter(from)) {
                occurrences.add(occurrence);
            }
        }
        return occurrences;
    }

    // ---- reading

    Optional<Event> find(String user, long id) {
        try (Connection c = dataSource.getConnection()) {
            return find(c, user, id);
        } catch (SQLException e) {
            throw new IllegalStateException("calendar: reading event " + id + " failed", e);
        }
    }

    Optional<Event> find(Connection c, String user, long id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + EVENT_COLUMNS
                + " FROM calendar_events e WHERE e.user_id = ? AND e.id = ?")) {
            s.setString(1, user);
            s.setLong(2, id);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(event(rs)) : Optional.empty();
            }
        }
    }

    /** The override event that replaced one occurrence of a series, if any. */
    Optional<Event> override(Connection c, long seriesId, LocalDateTime originalLocal, boolean wholeDay)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + EVENT_COLUMNS
                + " FROM calendar_events e WHERE e.parent_id = ? AND e.recurrence_id >= ? AND e.recurrence_id <= ?"
                + " ORDER BY e.recurrence_id LIMIT 1")) {
            s.setLong(1, seriesId);
            s.setObject(2, originalLocal);
            s.setObject(3, wholeDay ? originalLocal.plusDays(1).minusNanos(1000) : originalLocal);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(event(rs)) : Optional.empty();
            }
        }
    }

    /** One stored occurrence of an event by its original local start, or the first on that date. */
    Optional<Occurrence> occurrence(Connection c, Event event, LocalDateTime originalLocal, boolean wholeDay)
            throws SQLException {
        String match = wholeDay ? "o.original_local >= ? AND o.original_local < ?" : "o.original_local = ? AND ? IS NOT NULL";
        try (PreparedStatement s = c.prepareStatement("SELECT o.original_local, lower(o.during), upper(o.during)"
                + " FROM calendar_occurrences o WHERE o.event_id = ? AND " + match + " ORDER BY o.original_local LIMIT 1")) {
            s.setLong(1, event.id());
            s.setObject(2, originalLocal);
            s.setObject(3, wholeDay ? originalLocal.plusDays(1) : originalLocal);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Occurrence(event, rs.getObject(1, LocalDateTime.class), instant(rs, 2), instant(rs, 3)));
            }
        }
    }

    /** The cancelled occurrences of a series, without those an override event replaced (RFC 5545 EXDATE). */
    Set<LocalDateTime> cancelled(Connection c, long eventId) throws SQLException {
        Set<LocalDateTime> dates = exdates(c, eventId);
        try (PreparedStatement s = c.prepareStatement("SELECT recurrence_id FROM calendar_events WHERE parent_id = ?")) {
            s.setLong(1, eventId);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    dates.remove(rs.getObject(1, LocalDateTime.class));
                }
            }
        }
        return dates;
    }

    Set<LocalDateTime> exdates(Connection c, long eventId) throws SQLException {
        Set<LocalDateTime> dates = new HashSet<>();
        try (PreparedStatement s = c.prepareStatement("SELECT local_start FROM calendar_exdates WHERE event_id = ?")) {
            s.setLong(1, eventId);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    dates.add(rs.getObject(1, LocalDateTime.class));
                }
            }
        }
        return dates;
    }

    /** The user's occurrences overlapping {@code [from, to)}, soonest first, at most {@code limit}. */
    List<Occurrence> between(String user, Instant from, Instant to, int limit) {
        try (Connection c = dataSource.getConnection()) {
            extend(c, user, to);
            List<Occurrence> found = new ArrayList<>();
            Map<Long, Event> events = new LinkedHashMap<>();
            try (PreparedStatement s = c.prepareStatement("SELECT " + EVENT_COLUMNS
                    + ", o.original_local, lower(o.during) AS o_start, upper(o.during) AS o_end"
                    + " FROM calendar_occurrences o JOIN calendar_events e ON e.id = o.event_id"
                    + " WHERE o.user_id = ? AND o.during && tstzrange(?, ?, '[)')"
                    + " ORDER BY lower(o.during), e.id LIMIT ?")) {
                s.setString(1, user);
                s.setObject(2, offset(from));
                s.setObject(3, offset(to));
                s.setInt(4, limit);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        Event event = events.computeIfAbsent(rs.getLong("id"), id -> unchecked(rs));
                        found.add(new Occurrence(event, rs.getObject("original_local", LocalDateTime.class),
                                instant(rs, "o_start"), instant(rs, "o_end")));
                    }
                }
            }
            return found;
        } catch (SQLException e) {
            throw new IllegalStateException("calendar: listing events failed", e);
        }
    }

    /** Busy time of the user overlapping {@code [from, to)}, as [start, end) pairs sorted by start. */
    List<Instant[]> busy(String user, Instant from, Instant to) {
        try (Connection c = dataSource.getConnection()) {
            extend(c, user, to);
            List<Instant[]> busy = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT lower(during), upper(during) FROM calendar_occurrences"
                    + " WHERE user_id = ? AND during && tstzrange(?, ?, '[)') ORDER BY lower(during)")) {
                s.setString(1, user);
                s.setObject(2, offset(from));
                s.setObject(3, offset(to));
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        busy.add(new Instant[] {instant(rs, 1), instant(rs, 2)});
                    }
                }
            }
            return busy;
        } catch (SQLException e) {
            throw new IllegalStateException("calendar: reading busy time failed", e);
        }
    }

    /**
     * The stored occurrences that overlap any of {@code candidates} ([start, end) each, touching is no overlap), except
     * those {@code exclusion} names, soonest first, at most {@code limit}. One GiST index probe per candidate.
     */
    List<Occurrence> conflicts(String user, List<Occurrence> candidates, Exclusion exclusion, int limit) {
        if (candidates.isEmpty()) {
            return List.of();
        }
        try (Connection c = dataSource.getConnection()) {
            Instant last = candidates.stream().map(Occurrence::end).max(Instant::compareTo).orElseThrow();
            extend(c, user, last);
            return conflicts(c, user, candidates, exclusion, limit);
        } catch (SQLException e) {
            throw new IllegalStateException("calendar: the conflict search failed", e);
        }
    }

    private List<Occurrence> conflicts(Connection c, String user, List<Occurrence> candidates, Exclusion exclusion,
                                       int limit) throws SQLException {
        String[] starts = candidates.stream().map(o -> o.start().toString()).toArray(String[]::new);
        String[] ends = candidates.stream().map(o -> o.end().toString()).toArray(String[]::new);
        Array startArray = c.createArrayOf("text", starts);
        Array endArray = c.createArrayOf("text", ends);
        Map<String, Occurrence> found = new LinkedHashMap<>();
        Map<Long, Event> events = new LinkedHashMap<>();
        try (PreparedStatement s = c.prepareStatement("SELECT " + EVENT_COLUMNS
                + ", o.original_local, lower(o.during) AS o_start, upper(o.during) AS o_end"
                + " FROM unnest(?::text[]::timestamptz[], ?::text[]::timestamptz[]) AS cand(s, f)"
                + " CROSS JOIN LATERAL (SELECT * FROM calendar_occurrences x"
                + "   WHERE x.user_id = ? AND x.during && tstzrange(cand.s, cand.f, '[)')"
                + "   AND NOT (x.event_id = ? AND x.original_local >= ? AND x.original_local <= ?) LIMIT ?) o"
                + " JOIN calendar_events e ON e.id = o.event_id ORDER BY lower(o.during), e.id LIMIT ?")) {
            s.setArray(1, startArray);
            s.setArray(2, endArray);
            s.setString(3, user);
            s.setLong(4, exclusion.eventId());
            s.setObject(5, exclusion.fromLocal());
            s.setObject(6, exclusion.toLocal());
            s.setInt(7, limit);
            s.setInt(8, limit * 4);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next() && found.size() < limit) {
                    Event event = events.computeIfAbsent(rs.getLong("id"), id -> unchecked(rs));
                    LocalDateTime original = rs.getObject("original_local", LocalDateTime.class);
                    found.putIfAbsent(event.id() + "@" + original,
                            new Occurrence(event, original, instant(rs, "o_start"), instant(rs, "o_end")));
                }
            }
        }
        return new ArrayList<>(found.values());
    }

    // ---- writing

    /** Saves a new event (its id is ignored) and its occurrences up to the horizon; returns it with its id. */
    Event insert(Connection c, Event e, Set<LocalDateTime> exdates) throws SQLException {
        long id;
        try (PreparedStatement s = c.prepareStatement("INSERT INTO calendar_events (user_id, title, starts_at, ends_at,"
                + " zone, local_start, all_day, rrule, series_end, parent_id, recurrence_id, location, notes, reminders, uid)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id")) {
            s.setString(1, e.userId());
            s.setString(2, e.title());
            s.setObject(3, offset(e.start()));
            s.setObject(4, offset(e.end()));
            s.setString(5, e.zone().getId());
            s.setObject(6, e.localStart());
            s.setBoolean(7, e.allDay());
            s.setString(8, e.rrule());
            s.setObject(9, e.seriesEnd() == null ? null : offset(e.seriesEnd()), Types.TIMESTAMP_WITH_TIMEZONE);
            if (e.parentId() == null) {
                s.setNull(10, Types.BIGINT);
            } else {
                s.setLong(10, e.parentId());
            }
            s.setObject(11, e.recurrenceId(), Types.TIMESTAMP);
            s.setString(12, e.location());
            s.setString(13, e.notes());
            s.setString(14, reminders(e.reminders()));
            s.setString(15, e.uid());
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                id = rs.getLong(1);
            }
        }
        Event saved = withId(e, id);
        for (LocalDateTime date : exdates) {
            addExdate(c, id, date);
        }
        expand(c, saved, exdates, e.start(), horizonEnd());
        return saved;
    }

    /** Replaces an event's fields and its stored occurrences (exdates are kept). */
    void replace(Connection c, Event e) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE calendar_events SET title = ?, starts_at = ?, ends_at = ?,"
                + " zone = ?, local_start = ?, all_day = ?, rrule = ?, series_end = ?, location = ?, notes = ?,"
                + " reminders = ?, updated_at = now() WHERE id = ? AND user_id = ?")) {
            s.setString(1, e.title());
            s.setObject(2, offset(e.start()));
            s.setObject(3, offset(e.end()));
            s.setString(4, e.zone().getId());
            s.setObject(5, e.localStart());
            s.setBoolean(6, e.allDay());
            s.setString(7, e.rrule());
            s.setObject(8, e.seriesEnd() == null ? null : offset(e.seriesEnd()), Types.TIMESTAMP_WITH_TIMEZONE);
            s.setString(9, e.location());
            s.setString(10, e.notes());
            s.setString(11, reminders(e.reminders()));
            s.setLong(12, e.id());
            s.setString(13, e.userId());
            s.executeUpdate();
        }
        update(c, "DELETE FROM calendar_occurrences WHERE event_id = ?", e.id());
        expand(c, e, exdates(c, e.id()), e.start(), horizonEnd());
    }

    void shiftExdates(Connection c, long eventId, Duration by) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE calendar_exdates SET local_start = local_start + ?::interval"
                + " WHERE event_id = ?")) {
            s.setString(1, by.getSeconds() + " seconds");
            s.setLong(2, eventId);
            s.executeUpdate();
        }
    }

    /** Cancels one occurrence of a series (it stays cancelled when the series is re-expanded). */
    void addExdate(Connection c, long eventId, LocalDateTime originalLocal) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO calendar_exdates (event_id, local_start) VALUES (?, ?)"
                + " ON CONFLICT DO NOTHING")) {
            s.setLong(1, eventId);
            s.setObject(2, originalLocal);
            s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement("DELETE FROM calendar_occurrences WHERE event_id = ? AND original_local = ?")) {
            s.setLong(1, eventId);
            s.setObject(2, originalLocal);
            s.executeUpdate();
        }
    }

    boolean delete(Connection c, String user, long id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM calendar_events WHERE id = ? AND user_id = ?")) {
            s.setLong(1, id);
            s.setString(2, user);
            return s.executeUpdate() == 1;
        }
    }

    /** Stores an event's occurrences starting in {@code [from, to)} and records how far the series is expanded. */
    void expand(Connection c, Event e, Set<LocalDateTime> exdates, Instant from, Instant to) throws SQLException {
        List<Occurrence> occurrences = e.recurring()
                ? occurrences(e, exdates, from, to).stream().filter(o -> !o.start().isBefore(from)).toList()
                : occurrences(e, exdates, from, to);
        try (PreparedStatement s = c.prepareStatement("INSERT INTO calendar_occurrences (event_id, user_id, original_local,"
                + " during) VALUES (?, ?, ?, tstzrange(?, ?, '[)')) ON CONFLICT DO NOTHING")) {
            for (Occurrence o : occurrences) {
                s.setLong(1, e.id());
                s.setString(2, e.userId());
                s.setObject(3, o.originalLocal());
                s.setObject(4, offset(o.start()));
                s.setObject(5, offset(o.end()));
                s.addBatch();
            }
            s.executeBatch();
        }
        if (e.recurring()) {
            try (PreparedStatement s = c.prepareStatement("UPDATE calendar_events SET expanded_until = ? WHERE id = ?")) {
                s.setObject(1, offset(to));
                s.setLong(2, e.id());
                s.executeUpdate();
            }
        }
    }

    /**
     * Extends every series of {@code user} (null: of every user) whose stored occurrences end before {@code until}
     * (and at least to the horizon), so searches up to there see them. Returns how many series it extended.
     */
    int extend(Connection c, String user, Instant until) throws SQLException {
        Instant target = until.isAfter(horizonEnd()) ? until : horizonEnd();
        List<Event> due = new ArrayList<>();
        Map<Long, Instant> expandedUntil = new LinkedHashMap<>();
        try (PreparedStatement s = c.prepareStatement("SELECT " + EVENT_COLUMNS + ", e.expanded_until FROM calendar_events e"
                + " WHERE e.rrule IS NOT NULL AND e.expanded_until < ?"
                + " AND (e.series_end IS NULL OR e.series_end > e.expanded_until)"
                + (user == null ? "" : " AND e.user_id = ?"))) {
            s.setObject(1, offset(until));
            if (user != null) {
                s.setString(2, user);
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    Event event = event(rs);
                    due.add(event);
                    expandedUntil.put(event.id(), instant(rs, "expanded_until"));
                }
            }
        }
        for (Event event : due) {
            expand(c, event, exdates(c, event.id()), expandedUntil.get(event.id()), target);
        }
        return due.size();
    }

    /** Extends every user's open series to the horizon (the daily job). */
    int extendAll() {
        try (Connection c = dataSource.getConnection()) {
            return extend(c, null, horizonEnd());
        } catch (SQLException e) {
            throw new IllegalStateException("calendar: extending series failed", e);
        }
    }

    // ---- rows

    private static Event withId(Event e, long id) {
        return new Event(id, e.userId(), e.title(), e.start(), e.end(), e.zone(), e.localStart(), e.allDay(), e.rrule(),
                e.seriesEnd(), e.parentId(), e.recurrenceId(), e.location(), e.notes(), e.reminders(), e.uid());
    }

    private static Event unchecked(ResultSet rs) {
        try {
            return event(rs);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static Event event(ResultSet rs) throws SQLException {
        long parent = rs.getLong("parent_id");
        boolean noParent = rs.wasNull();
        return new Event(rs.getLong("id"), rs.getString("user_id"), rs.getString("title"), instant(rs, "starts_at"),
                instant(rs, "ends_at"), ZoneId.of(rs.getString("zone")), rs.getObject("local_start", LocalDateTime.class),
                rs.getBoolean("all_day"), rs.getString("rrule"), instantOrNull(rs, "series_end"),
                noParent ? null : parent, rs.getObject("recurrence_id", LocalDateTime.class), rs.getString("location"),
                rs.getString("notes"), reminders(rs.getString("reminders")), rs.getString("uid"));
    }

    static List<Integer> reminders(String text) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        return Arrays.stream(text.split(",")).map(String::strip).map(Integer::valueOf).toList();
    }

    static String reminders(List<Integer> minutes) {
        return minutes == null || minutes.isEmpty() ? null
                : minutes.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    static OffsetDateTime offset(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }

    private static Instant instantOrNull(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    static void update(Connection c, String sql, long id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setLong(1, id);
            s.executeUpdate();
        }
    }

}
