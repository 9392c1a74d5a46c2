package dev.cortana.plugins.todos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.testkit.TestDatabase;
import dev.cortana.testkit.TestDatabases;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The todos tables are the plugin's own migrations ({@code cortana/migrations/todos/}): a new database gets them, and
 * a database made by the schema.sql of before (an existing install, a Supabase project) keeps its todos.
 */
class TodoMigrationsTest {

    @Test
    void aNewDatabaseGetsWorkingTodoTablesFromTheMigrations() {
        try (TestDatabase db = TestDatabases.fresh()) {
            db.migrated("todos"); // what the host does at start-up: its own migrations, then the plugin's

            TodoTools tools = TodoContexts.tools(db, Map.of());
            tools.add_todo("alice", "buy milk", null, null, null);
            assertThat(tools.list_todos("alice", null)).isEqualTo("1. buy milk");
            assertThat(db.rows("SELECT version || ' ' || type FROM flyway_history_todos")).contains("1 SQL");
        }
    }

    @Test
    void aDatabaseMadeByTheOldSchemaSqlKeepsItsTodosAndNumbers() throws Exception {
        try (TestDatabase db = TestDatabases.fresh()) {
            db.execute(legacySchema());
            TodoTools before = TodoContexts.tools(db, Map.of());
            before.add_todo("alice", "buy milk", null, null, null);
            before.add_todo("alice", "feed the cat", null, null, null);
            before.complete_todo("alice", 1);
            before.delete_todo("alice", 2);

            db.migrated("todos");

            TodoTools after = TodoContexts.tools(db, Map.of());
            assertThat(after.list_todos("alice", "all")).isEqualTo("1. ✓ buy milk");
            after.add_todo("alice", "call mum", null, null, null);
            assertThat(after.list_todos("alice", null)).isEqualTo("3. call mum"); // 2 stays used
            assertThat(db.rows("SELECT version || ' ' || type FROM flyway_history_todos"))
                    .containsExactly("1 BASELINE");
        }
    }

    /** The repository's schema.sql as it was before migrations (git show main:schema.sql). */
    private static String legacySchema() throws Exception {
        try (InputStream in = TodoMigrationsTest.class.getResourceAsStream("/legacy/schema-before-migrations.sql")) {
            assertThat(in).as("legacy schema.sql on the test class path").isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
