package dev.cortana.plugins.todos;

import dev.cortana.testkit.TestClock;
import dev.cortana.testkit.TestContext;
import dev.cortana.testkit.TestDatabase;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;

/** The todos plugin's test contexts: "now" is Wednesday 2026-11-25 10:00 in Europe/Berlin. */
final class TodoContexts {

    static final ZoneId ZONE = ZoneId.of("Europe/Berlin");
    static final Instant NOW = ZonedDateTime.of(2026, 11, 25, 10, 0, 0, 0, ZONE).toInstant();

    private TodoContexts() {
    }

    static TestContext context(TestDatabase database, Map<String, String> settings) {
        var builder = TestContext.builder().database(database).clock(TestClock.at(NOW)).zone(ZONE);
        settings.forEach(builder::setting);
        return builder.build();
    }

    static TodoTools tools(TestDatabase database, Map<String, String> settings) {
        List<Object> objects = new TodoToolProvider(context(database, settings)).tools();
        if (objects.size() != 1) {
            throw new AssertionError("expected one tools object, got " + objects);
        }
        return (TodoTools) objects.get(0);
    }
}
