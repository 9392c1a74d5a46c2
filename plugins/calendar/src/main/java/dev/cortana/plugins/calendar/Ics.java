package dev.cortana.plugins.calendar;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Period;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneOffsetTransitionRule;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * iCalendar (RFC 5545) text: reading the VEVENTs of a file another calendar application exported, and writing events
 * with their zones' VTIMEZONEs. Only what the calendar stores is read: DTSTART/DTEND/DURATION (dates for all-day
 * events, TZID local times, UTC or floating times), RRULE, EXDATE, RECURRENCE-ID, SUMMARY, LOCATION, DESCRIPTION,
 * UID and STATUS.
 */
final class Ics {

    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss", Locale.ROOT);
    private static final DateTimeFormatter DATE = DateTimeFormatter.BASIC_ISO_DATE;

    private Ics() {
    }

    /** One property: name, parameters (upper-case names), value. */
    record Property(String name, Map<String, String> params, String value) {
    }

    /** One VEVENT as read. */
    record VEvent(Map<String, List<Property>> properties) {
        Property first(String name) {
            List<Property> list = properties.get(name);
            return list == null || list.isEmpty() ? null : list.get(0);
        }

        List<Property> all(String name) {
            return properties.getOrDefault(name, List.of());
        }

        String text(String name) {
            Property p = first(name);
            return p == null || p.value().isBlank() ? null : unescape(p.value());
        }
    }

    /** A date or date-time value: a date (all-day), or a local time in a zone. */
    record When(LocalDate date, LocalDateTime local, ZoneId zone) {
        boolean allDay() {
            return local == null;
        }
    }

    static List<VEvent> events(String text) {
        List<VEvent> events = new ArrayList<>();
        Map<String, List<Property>> current = null;
        int depth = 0;
        for (String line : unfold(text)) {
            Property p = property(line);
            if (p == null) {
                continue;
            }
            if (p.name().equals("BEGIN")) {
                if (p.value().equalsIgnoreCase("VEVENT") && current == null) {
                    current = new LinkedHashMap<>();
                    depth = 0;
                } else if (current != null) {
                    depth++; // a VALARM inside the event
                }
            } else if (p.name().equals("END")) {
                if (current != null && depth == 0 && p.value().equalsIgnoreCase("VEVENT")) {
                    events.add(new VEvent(current));
                    current = null;
                } else if (current != null) {
                    depth--;
                }
            } else if (current != null && depth == 0) {
                current.computeIfAbsent(p.name(), k -> new ArrayList<>()).add(p);
            }
        }
        return events;
    }

    private static List<String> unfold(String text) {
        List<String> lines = new ArrayList<>();
        for (String raw : text.split("\r?\n")) {
            if ((raw.startsWith(" ") || raw.startsWith("\t")) && !lines.isEmpty()) {
                lines.set(lines.size() - 1, lines.get(lines.size() - 1) + raw.substring(1));
            } else if (!raw.isEmpty()) {
                lines.add(raw);
            }
        }
        return lines;
    }

    private static Property property(String line) {
        int colon = -1;
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ':' && !quoted) {
                colon = i;
                break;
            }
        }
        if (colon < 0) {
            return null;
        }
        String[] head = line.substring(0, colon).split(";");
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 1; i < head.length; i++) {
            int eq = head[i].indexOf('=');
            if (eq > 0) {
                params.put(head[i].substring(0, eq).toUpperCase(Locale.ROOT), head[i].substring(eq + 1).replace("\"", ""));
            }
        }
        return new Property(head[0].toUpperCase(Locale.ROOT), params, line.substring(colon + 1));
    }

    /** A DTSTART/DTEND/EXDATE/RECURRENCE-ID value (one of a comma-separated list: {@code index}). */
    static List<When> when(Property p, ZoneId fallback) {
        List<When> values = new ArrayList<>();
        String tzid = p.params().get("TZID");
        ZoneId zone = fallback;
        if (tzid != null) {
            try {
                zone = ZoneId.of(tzid.startsWith("/") ? tzid.substring(1) : tzid);
            } catch (RuntimeException e) {
                zone = fallback; // a zone name only its application knows (Outlook's "W. Europe Standard Time")
            }
        }
        for (String value : p.value().split(",")) {
            String v = value.strip();
            if (v.length() == 8 || "DATE".equalsIgnoreCase(p.params().get("VALUE"))) {
                values.add(new When(LocalDate.parse(v.substring(0, 8), DATE), null, zone));
            } else if (v.endsWith("Z")) {
                Instant instant = LocalDateTime.parse(v.substring(0, v.length() - 1), LOCAL).toInstant(ZoneOffset.UTC);
                ZoneId target = tzid == null ? fallback : zone;
                values.add(new When(null, instant.atZone(target).toLocalDateTime(), target));
            } else {
                values.add(new When(null, LocalDateTime.parse(v, LOCAL), zone));
            }
        }
        return values;
    }

    /** An RFC 5545 DURATION ({@code PT1H30M}, {@code P1D}, {@code P1W}). */
    static Duration duration(String value) {
        String v = value.strip().toUpperCase(Locale.ROOT);
        if (v.matches("[+-]?P\\d+W")) {
            return Duration.ofDays(7L * Long.parseLong(v.replaceAll("\\D", "")));
        }
        int t = v.indexOf('T');
        Duration days = Duration.ZERO;
        String datePart = t < 0 ? v : v.substring(0, t);
        if (datePart.length() > 1) {
            days = Duration.ofDays(Period.parse(datePart).getDays());
        }
        return t < 0 ? days : days.plus(Duration.parse("PT" + v.substring(t + 1)));
    }

    static String unescape(String value) {
        return value.replace("\\n", "\n").replace("\\N", "\n").replace("\\,", ",").replace("\\;", ";").replace("\\\\", "\\");
    }

    static String escape(String value) {
        return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n");
    }

    // ---- writing

    /** A VCALENDAR with the events (series with their EXDATEs, overrides with RECURRENCE-ID) and their zones. */
    static String calendar(List<Event> events, Map<Long, List<LocalDateTime>> exdates, Map<Long, String> uids, Instant now) {
        StringBuilder out = new StringBuilder();
        line(out, "BEGIN:VCALENDAR");
        line(out, "VERSION:2.0");
        line(out, "PRODID:-//Cortana//calendar plugin//EN");
        line(out, "CALSCALE:GREGORIAN");
        events.stream().filter(e -> !e.allDay()).map(Event::zone).distinct().forEach(zone -> timezone(out, zone));
        String stamp = LOCAL.format(now.atOffset(ZoneOffset.UTC)) + "Z";
        for (Event e : events) {
            line(out, "BEGIN:VEVENT");
            line(out, "UID:" + uids.get(e.parentId() != null ? e.parentId() : e.id()));
            line(out, "DTSTAMP:" + stamp);
            if (e.allDay()) {
                line(out, "DTSTART;VALUE=DATE:" + DATE.format(e.localStart().toLocalDate()));
                line(out, "DTEND;VALUE=DATE:" + DATE.format(e.localStart().toLocalDate().plusDays(e.days())));
            } else {
                line(out, "DTSTART;TZID=" + e.zone().getId() + ":" + LOCAL.format(e.localStart()));
                line(out, "DTEND;TZID=" + e.zone().getId() + ":" + LOCAL.format(e.end().atZone(e.zone()).toLocalDateTime()));
            }
            if (e.recurrenceId() != null) {
                line(out, e.allDay() ? "RECURRENCE-ID;VALUE=DATE:" + DATE.format(e.recurrenceId().toLocalDate())
                        : "RECURRENCE-ID;TZID=" + e.zone().getId() + ":" + LOCAL.format(e.recurrenceId()));
            }
            if (e.rrule() != null) {
                line(out, "RRULE:" + e.rrule());
                for (LocalDateTime ex : exdates.getOrDefault(e.id(), List.of())) {
                    line(out, e.allDay() ? "EXDATE;VALUE=DATE:" + DATE.format(ex.toLocalDate())
                            : "EXDATE;TZID=" + e.zone().getId() + ":" + LOCAL.format(ex));
                }
            }
            line(out, "SUMMARY:" + escape(e.title()));
            if (e.location() != null) {
                line(out, "LOCATION:" + escape(e.location()));
            }
            if (e.notes() != null) {
                line(out, "DESCRIPTION:" + escape(e.notes()));
            }
            for (int minutes : e.reminders()) {
                line(out, "BEGIN:VALARM");
                line(out, "ACTION:DISPLAY");
                line(out, "DESCRIPTION:" + escape(e.title()));
                line(out, "TRIGGER:-PT" + minutes + "M");
                line(out, "END:VALARM");
            }
            line(out, "END:VEVENT");
        }
        line(out, "END:VCALENDAR");
        return out.toString();
    }

    /** A VTIMEZONE from the zone's current rules: STANDARD and DAYLIGHT with yearly RRULEs, or one fixed offset. */
    private static void timezone(StringBuilder out, ZoneId zone) {
        ZoneRules rules = zone.getRules();
        line(out, "BEGIN:VTIMEZONE");
        line(out, "TZID:" + zone.getId());
        List<ZoneOffsetTransitionRule> yearly = rules.getTransitionRules();
        if (yearly.isEmpty()) {
            ZoneOffset offset = rules.getOffset(Instant.now());
            line(out, "BEGIN:STANDARD");
            line(out, "DTSTART:19700101T000000");
            line(out, "TZOFFSETFROM:" + offset(offset));
            line(out, "TZOFFSETTO:" + offset(offset));
            line(out, "END:STANDARD");
        }
        for (ZoneOffsetTransitionRule rule : yearly) {
            ZoneOffsetTransition transition = rule.createTransition(1970);
            boolean daylight = rule.getOffsetAfter().getTotalSeconds() > rule.getStandardOffset().getTotalSeconds();
            String kind = daylight ? "DAYLIGHT" : "STANDARD";
            line(out, "BEGIN:" + kind);
            line(out, "DTSTART:" + LOCAL.format(transition.getDateTimeBefore()));
            line(out, "TZOFFSETFROM:" + offset(rule.getOffsetBefore()));
            line(out, "TZOFFSETTO:" + offset(rule.getOffsetAfter()));
            line(out, "RRULE:FREQ=YEARLY;BYMONTH=" + rule.getMonth().getValue() + ";" + byDay(rule));
            line(out, "END:" + kind);
        }
        line(out, "END:VTIMEZONE");
    }

    private static String byDay(ZoneOffsetTransitionRule rule) {
        DayOfWeek day = rule.getDayOfWeek();
        int indicator = rule.getDayOfMonthIndicator();
        if (day == null) {
            return "BYMONTHDAY=" + indicator;
        }
        String weekday = day.name().substring(0, 2);
        if (indicator < 0) {
            return "BYDAY=-1" + weekday;
        }
        if (indicator + 6 == rule.getMonth().maxLength()) {
            return "BYDAY=-1" + weekday;
        }
        if ((indicator - 1) % 7 == 0) {
            return "BYDAY=" + ((indicator - 1) / 7 + 1) + weekday;
        }
        StringJoiner days = new StringJoiner(",");
        for (int d = indicator; d < indicator + 7; d++) {
            days.add(String.valueOf(d));
        }
        return "BYDAY=" + weekday + ";BYMONTHDAY=" + days;
    }

    private static String offset(ZoneOffset offset) {
        int seconds = offset.getTotalSeconds();
        int abs = Math.abs(seconds);
        return (seconds < 0 ? "-" : "+") + String.format(Locale.ROOT, "%02d%02d", abs / 3600, abs / 60 % 60);
    }

    /** Writes one content line, folded at 75 octets as RFC 5545 §3.1 says. */
    private static void line(StringBuilder out, String text) {
        byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (bytes.length <= 75) {
            out.append(text).append("\r\n");
            return;
        }
        int count = 0;
        StringBuilder current = new StringBuilder();
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int size = new String(Character.toChars(cp)).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            if (count + size > 75) {
                out.append(current).append("\r\n ");
                current.setLength(0);
                count = 1;
            }
            current.appendCodePoint(cp);
            count += size;
            i += Character.charCount(cp);
        }
        out.append(current).append("\r\n");
    }
}
