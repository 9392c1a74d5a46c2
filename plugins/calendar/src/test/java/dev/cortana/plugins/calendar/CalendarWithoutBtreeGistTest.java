package dev.cortana.plugins.calendar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.testkit.TestDatabase;
import dev.cortana.testkit.TestDatabases;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * On a server where Cortana's database user may not create extensions, the migration falls back to a GiST index on
 * the time range alone (with a warning) instead of failing, and conflict search works the same.
 */
class CalendarWithoutBtreeGistTest {

    @Test
    void theMigrationFallsBackToARangeOnlyIndex() throws Exception {
        try (TestDatabase database = TestDatabases.fresh()) {
            // The kit's database user may create the trusted extension btree_gist; a managed server's user may not.
            // The same migration with CREATE EXTENSION refused as such a server refuses it:
            String migration;
            try (InputStream in = getClass().getResourceAsStream("/cortana/migrations/calendar/V1__calendar.sql")) {
                migration = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            String refused = migration.replace("CREATE EXTENSION IF NOT EXISTS btree_gist;",
                    "RAISE EXCEPTION 'permission denied to create extension \"btree_gist\"' USING ERRCODE = 'insufficient_privilege';");
            assertThat(refused).isNotEqualTo(migration);
            try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
                s.execute(refused);
            }
            assertThat(database.rows("SELECT extname FROM pg_extension WHERE extname = 'btree_gist'")).isEmpty();
            assertThat(database.rows("SELECT indexname FROM pg_indexes WHERE tablename = 'calendar_occurrences'"
                    + " AND indexdef LIKE '%gist%'")).containsExactly("calendar_occurrences_during");

            database.withHostTables();
            Calendars calendar = Calendars.open(database, java.time.ZoneId.of("Europe/Lisbon"));
            calendar.add("title", "Dentist", "start", "2026-12-04T15:00");
            assertThat(calendar.call("calendar_add", "title", "Call", "start", "2026-12-04T15:30")).startsWith("Not saved");
            assertThat(calendar.call("calendar_add", "title", "Call", "start", "2026-12-04T16:00")).startsWith("Added");
        }
    }
}
