package dev.cortana.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** One PostgreSQL per JVM, a new empty database per call, the plugin's migrations on request. */
class TestDatabasesTest {

    @Test
    void eachFreshDatabaseIsEmptyAndItsOwn() {
        try (TestDatabase first = TestDatabases.fresh(); TestDatabase second = TestDatabases.fresh()) {
            first.execute("CREATE TABLE notes (text text); INSERT INTO notes VALUES ('one')");

            assertThat(first.rows("SELECT text FROM notes")).containsExactly("one");
            assertThat(second.rows("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")).containsExactly("0");
            assertThat(first.name()).isNotEqualTo(second.name());
        }
    }

    @Test
    void migratedRunsTheHostsAndThePluginsMigrations() {
        try (TestDatabase db = TestDatabases.fresh().migrated("sample")) {
            db.execute("INSERT INTO sample_greetings (name) VALUES ('Ada')");

            assertThat(db.rows("SELECT name FROM sample_greetings")).containsExactly("Ada");
            assertThat(db.rows("SELECT to_regclass('scheduled_tasks') IS NOT NULL")).containsExactly("t");
        }
    }

    @Test
    void aClosedDatabaseIsDropped() {
        TestDatabase db = TestDatabases.fresh();
        db.close();

        assertThatThrownBy(db::dataSource).hasMessage("The test database " + db.name() + " is closed");
    }
}
