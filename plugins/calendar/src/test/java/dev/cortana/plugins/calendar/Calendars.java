package dev.cortana.plugins.calendar;

import dev.cortana.testkit.TestClock;
import dev.cortana.testkit.TestContext;
import dev.cortana.testkit.TestDatabase;
import dev.cortana.testkit.TestTools;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A calendar for one test user on a migrated database: "now" is Tuesday 2026-12-01 10:00 UTC unless told. */
final class Calendars {

    static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    private static final Pattern ID = Pattern.compile("\\(#(\\d+)(@[^)]*)?\\)");

    final TestContext context;
    final TestTools tools;

    private Calendars(TestContext context, String user) {
        this.context = context;
        this.tools = TestTools.of(new CalendarToolProvider(context)).as(user);
    }

    static Calendars open(TestDatabase database, ZoneId zone) {
        return open(database, zone, NOW, Map.of());
    }

    static Calendars open(TestDatabase database, ZoneId zone, Instant now, Map<String, String> settings) {
        var builder = TestContext.builder().database(database).clock(TestClock.at(now)).zone(zone);
        settings.forEach(builder::setting);
        return new Calendars(builder.build(), "user-" + UUID.randomUUID());
    }

    Calendars as(String user) {
        return new Calendars(context, user, tools.as(user));
    }

    private Calendars(TestContext context, String user, TestTools tools) {
        this.context = context;
        this.tools = tools;
    }

    /** Calls a tool with name/value pairs. */
    String call(String tool, Object... namesAndValues) {
        Map<String, Object> arguments = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            arguments.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return tools.call(tool, arguments);
    }

    /** Adds an event and returns its id, failing when it was not added. */
    String add(Object... namesAndValues) {
        String reply = call("calendar_add", namesAndValues);
        if (!reply.startsWith("Added ")) {
            throw new AssertionError("not added: " + reply);
        }
        return id(reply);
    }

    /** The first "(#12)" id in a reply, as "12". */
    static String id(String reply) {
        Matcher m = ID.matcher(reply);
        if (!m.find()) {
            throw new AssertionError("no id in: " + reply);
        }
        return m.group(1);
    }
}
