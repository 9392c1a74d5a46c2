package dev.cortana.plugins.todos;

import static dev.cortana.host.testing.Sql.execute;
import static dev.cortana.host.testing.Sql.rows;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.host.storage.Migrations;
import dev.cortana.host.testing.TestDatabase;
import dev.cortana.host.testing.TestPostgres;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The todos tables are the plugin's own migrations ({@code cortana/migrations/todos/}): a new database gets them, and
 * a database made by the schema.sql of before (an existing install, a Supabase project) keeps its todos.
 */
class TodoMigrationsTest {

    @Test
    void aNewDatabaseGetsWorkingTodoTablesFromTheMigrations() throws Exception {
        try (TestDatabase db = TestPostgres.newEmptyDatabase()) {
            migrate(db.dataSource());

            TodoTools tools = tools(db.dataSource());
            tools.add_todo("alice", "buy milk", null, null, null);
            assertThat(tools.list_todos("alice", null)).isEqualTo("1. buy milk");
        }
    }

    @Test
    void aDatabaseMadeByTheOldSchemaSqlKeepsItsTodosAndNumbers() throws Exception {
        try (TestDatabase db = TestPostgres.newEmptyDatabase()) {
            execute(db.dataSource(), legacySchema());
            TodoTools before = tools(db.dataSource());
            before.add_todo("alice", "buy milk", null, null, null);
            before.add_todo("alice", "feed the cat", null, null, null);
            before.complete_todo("alice", 1);
            before.delete_todo("alice", 2);

            migrate(db.dataSource());

            TodoTools after = tools(db.dataSource());
            assertThat(after.list_todos("alice", "all")).isEqualTo("1. ✓ buy milk");
            after.add_todo("alice", "call mum", null, null, null);
            assertThat(after.list_todos("alice", null)).isEqualTo("3. call mum"); // 2 stays used
            assertThat(rows(db.dataSource(), "SELECT version || ' ' || type FROM flyway_history_todos"))
                    .containsExactly("1 BASELINE");
        }
    }

    /** What the host does at start-up: its own migrations, then the plugin's with the plugin's class loader. */
    private static void migrate(DataSource dataSource) {
        Migrations.applyHost(dataSource);
        Migrations.apply(dataSource, "todos", TodoToolProvider.class.getClassLoader());
    }

    private static TodoTools tools(DataSource dataSource) {
        return (TodoTools) new TodoToolProvider(new TestContext(dataSource, Map.of())).tools().get(0);
    }

    /** The repository's schema.sql as it was before migrations (git show main:schema.sql), kept in cortana-host's tests. */
    private static String legacySchema() throws Exception {
        try (InputStream in = TodoMigrationsTest.class.getResourceAsStream("/legacy/schema-before-migrations.sql")) {
            assertThat(in).as("legacy schema.sql on the test class path").isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
