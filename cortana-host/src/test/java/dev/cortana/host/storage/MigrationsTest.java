package dev.cortana.host.storage;

import static dev.cortana.host.testing.Sql.columns;
import static dev.cortana.host.testing.Sql.execute;
import static dev.cortana.host.testing.Sql.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cortana.host.testing.SchemaSql;
import dev.cortana.host.testing.TestDatabase;
import dev.cortana.host.testing.TestPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cortana's own tables come from its migrations (history table {@code flyway_history_cortana}): new databases get
 * them, databases made by the old schema.sql are baselined without loss, several hosts may start at once, and
 * schema.sql (what Supabase users paste) describes exactly what the host's and the bundled plugins' migrations make.
 */
class MigrationsTest {

    @TempDir
    Path temp;

    @Test
    void aNewDatabaseGetsTheHostsTablesOnceAndAgainChangesNothing() throws Exception {
        try (TestDatabase db = TestPostgres.newEmptyDatabase()) {
            Migrations.applyHost(db.dataSource());
            Migrations.applyHost(db.dataSource());

            assertThat(columns(db.dataSource(), "user_settings")).containsExactly("user_id", "key", "value", "updated_at");
            assertThat(rows(db.dataSource(), "SELECT version || ' ' || type || ' ' || success FROM flyway_history_cortana "
                    + "ORDER BY installed_rank")).containsExactly("1 SQL true", "2 SQL true", "3 SQL true");
        }
    }

    @Test
    void aDatabaseMadeByTheOldSchemaSqlIsBaselinedAndKeepsItsSettings() throws Exception {
        try (TestDatabase db = TestPostgres.newEmptyDatabase()) {
            execute(db.dataSource(), legacySchema());
            new UserSettingsStore(db.dataSource()).put("alice", "model", "gpt-4o");

            Migrations.applyHost(db.dataSource());

            assertThat(new UserSettingsStore(db.dataSource()).get("alice", "model")).contains("gpt-4o");
            assertThat(rows(db.dataSource(), "SELECT version || ' ' || type FROM flyway_history_cortana ORDER BY installed_rank"))
                    .containsExactly("1 BASELINE", "2 SQL", "3 SQL");
        }
    }

    @Test
    void severalHostsStartingTogetherOnOneNewDatabaseApplyEachMigrationOnce() throws Exception {
        try (TestDatabase db = TestPostgres.newEmptyDatabase()) {
            runTogether(4, () -> Migrations.applyHost(db.dataSource()));

            assertThat(rows(db.dataSource(), "SELECT version || ' ' || success FROM flyway_history_cortana ORDER BY installed_rank"))
                    .containsExactly("1 true", "2 true", "3 true");
        }
    }

    @Test
    void severalHostsStartingTogetherOnAnOldDatabaseAllSucceedAndBaselineOnce() throws Exception {
        try (TestDatabase db = TestPostgres.newEmptyDatabase()) {
            execute(db.dataSource(), legacySchema());

            runTogether(4, () -> Migrations.applyHost(db.dataSource()));

            assertThat(rows(db.dataSource(), "SELECT version || ' ' || type FROM flyway_history_cortana ORDER BY installed_rank"))
                    .containsExactly("1 BASELINE", "2 SQL", "3 SQL");
        }
    }

    @Test
    void twoHostsStartingAPluginTogetherApplyItsMigrationsOnce() throws Exception {
        Path resources = temp.resolve("race");
        Path folder = Files.createDirectories(resources.resolve("cortana/migrations/race"));
        Files.writeString(folder.resolve("V1__race.sql"), "CREATE TABLE race_items (id INT PRIMARY KEY);");
        Files.writeString(folder.resolve("V2__race_text.sql"), "ALTER TABLE race_items ADD COLUMN text TEXT;");
        for (int round = 0; round < 3; round++) {
            try (TestDatabase db = TestPostgres.newDatabase(); // the host's tables exist: Flyway sees a non-empty schema
                 URLClassLoader first = loaderOf(resources); URLClassLoader second = loaderOf(resources)) {
                List<URLClassLoader> hosts = List.of(first, second);
                java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
                runTogether(2, () -> Migrations.apply(db.dataSource(), "race", hosts.get(next.getAndIncrement())));

                assertThat(columns(db.dataSource(), "race_items")).containsExactly("id", "text");
                assertThat(rows(db.dataSource(), "SELECT version FROM flyway_history_race WHERE type = 'SQL' "
                        + "ORDER BY installed_rank")).containsExactly("1", "2");
            }
        }
    }

    @Test
    void aLaterMigrationStillRunsOnABaselinedDatabase() throws Exception {
        Path resources = temp.resolve("plugin");
        Path folder = Files.createDirectories(resources.resolve("cortana/migrations/notes"));
        Files.writeString(folder.resolve("V1__notes.sql"), "CREATE TABLE IF NOT EXISTS notes (id INT PRIMARY KEY);");
        Files.writeString(folder.resolve("V2__note_text.sql"), "ALTER TABLE notes ADD COLUMN text TEXT;");
        try (TestDatabase db = TestPostgres.newEmptyDatabase();
             URLClassLoader loader = loaderOf(resources)) {
            execute(db.dataSource(), "CREATE TABLE notes (id INT PRIMARY KEY); INSERT INTO notes VALUES (7)");

            assertThat(Migrations.apply(db.dataSource(), "notes", loader)).isEqualTo(1);

            assertThat(columns(db.dataSource(), "notes")).containsExactly("id", "text");
            assertThat(rows(db.dataSource(), "SELECT id::text FROM notes")).containsExactly("7");
            assertThat(rows(db.dataSource(), "SELECT version || ' ' || type FROM flyway_history_notes "
                    + "ORDER BY installed_rank")).containsExactly("1 BASELINE", "2 SQL");
        }
    }

    @Test
    void aFailingMigrationSaysWhichFileAndTheDatabasesErrorOnOneLine() throws Exception {
        Path resources = temp.resolve("broken");
        Path folder = Files.createDirectories(resources.resolve("cortana/migrations/broken"));
        Files.writeString(folder.resolve("V1__broken.sql"), "CREAT TABLE oops (id INT);");
        try (TestDatabase db = TestPostgres.newEmptyDatabase();
             URLClassLoader loader = loaderOf(resources)) {
            assertThatThrownBy(() -> Migrations.apply(db.dataSource(), "broken", loader))
                    .isInstanceOf(Migrations.MigrationException.class)
                    .hasMessage("migration V1__broken.sql failed: ERROR: syntax error at or near \"CREAT\"");
        }
    }

    @Test
    void anEditedReleasedMigrationIsRefusedWithAOneLineReason() throws Exception {
        Path resources = temp.resolve("edited");
        Path folder = Files.createDirectories(resources.resolve("cortana/migrations/edited"));
        Files.writeString(folder.resolve("V1__items.sql"), "CREATE TABLE edited_items (id INT PRIMARY KEY);");
        try (TestDatabase db = TestPostgres.newEmptyDatabase()) {
            try (URLClassLoader loader = loaderOf(resources)) {
                Migrations.apply(db.dataSource(), "edited", loader);
            }
            Files.writeString(folder.resolve("V1__items.sql"), "CREATE TABLE edited_items (id BIGINT PRIMARY KEY);");

            try (URLClassLoader loader = loaderOf(resources)) {
                assertThatThrownBy(() -> Migrations.apply(db.dataSource(), "edited", loader))
                        .isInstanceOf(Migrations.MigrationException.class)
                        .hasMessageContaining("checksum mismatch for migration version 1")
                        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").hasSizeLessThanOrEqualTo(300));
            }
        }
    }

    @Test
    void historyTableNamesAreSanitisedPluginIds() {
        assertThat(Migrations.historyTable("todos")).isEqualTo("flyway_history_todos");
        assertThat(Migrations.historyTable("My-Plugin.v2")).isEqualTo("flyway_history_my_plugin_v2");
        assertThat(Migrations.historyTable("x".repeat(100))).hasSize(63);
    }

    /**
     * schema.sql is what a Supabase user pastes; it must make exactly what Cortana's migrations make: the host's and
     * every bundled plugin's ({@code plugins/<name>/src/main/resources/cortana/migrations/<id>/}).
     */
    @Test
    void schemaSqlMakesTheSameTablesColumnsIndexesAndConstraintsAsTheMigrations() throws Exception {
        try (TestDatabase fromSchemaSql = TestPostgres.newEmptyDatabase();
             TestDatabase fromMigrations = TestPostgres.newEmptyDatabase()) {
            SchemaSql.apply(fromSchemaSql.dataSource());

            Migrations.applyHost(fromMigrations.dataSource());
            List<String> owners = new ArrayList<>();
            for (Path resources : bundledPluginResources()) {
                try (URLClassLoader loader = loaderOf(resources);
                     Stream<Path> folders = Files.list(resources.resolve(Migrations.ROOT))) {
                    for (Path folder : folders.toList()) {
                        String owner = folder.getFileName().toString();
                        Migrations.apply(fromMigrations.dataSource(), owner, loader);
                        owners.add(owner);
                    }
                }
            }
            assertThat(owners).contains("todos");

            assertThat(describe(fromMigrations.dataSource())).isEqualTo(describe(fromSchemaSql.dataSource()))
                    .anyMatch(line -> line.startsWith("column todos.title text NO"))
                    .anyMatch(line -> line.startsWith("index todos_user_open_idx"));
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    /** Every table, column, constraint and index in schema public except Flyway's history tables, as text lines. */
    private static List<String> describe(DataSource dataSource) throws SQLException {
        List<String> lines = new ArrayList<>();
        lines.addAll(rows(dataSource, "SELECT 'table ' || table_name FROM information_schema.tables "
                + "WHERE table_schema = 'public' AND table_name NOT LIKE 'flyway_history_%' ORDER BY 1"));
        lines.addAll(rows(dataSource, "SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' "
                + "|| is_nullable || ' ' || coalesce(column_default, '-') FROM information_schema.columns "
                + "WHERE table_schema = 'public' AND table_name NOT LIKE 'flyway_history_%' ORDER BY 1"));
        lines.addAll(rows(dataSource, "SELECT 'constraint ' || c.conrelid::regclass || ' ' || c.conname || ' ' "
                + "|| pg_get_constraintdef(c.oid) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
                + "WHERE n.nspname = 'public' AND c.conrelid::regclass::text NOT LIKE 'flyway_history_%' ORDER BY 1"));
        lines.addAll(rows(dataSource, "SELECT 'index ' || indexname || ' ' || indexdef FROM pg_indexes "
                + "WHERE schemaname = 'public' AND tablename NOT LIKE 'flyway_history_%' ORDER BY 1"));
        lines.addAll(rows(dataSource, "SELECT 'sequence ' || sequence_name || ' ' || data_type FROM "
                + "information_schema.sequences WHERE sequence_schema = 'public' ORDER BY 1"));
        return lines;
    }

    /** The bundled plugins' resource folders that hold migrations, from the repository (tests run in cortana-host). */
    private static List<Path> bundledPluginResources() throws IOException {
        Path plugins = Path.of("..", "plugins").toAbsolutePath().normalize();
        try (Stream<Path> modules = Files.list(plugins)) {
            return modules.map(module -> module.resolve("src/main/resources"))
                    .filter(resources -> Files.isDirectory(resources.resolve(Migrations.ROOT)))
                    .sorted()
                    .toList();
        }
    }

    private static URLClassLoader loaderOf(Path resources) throws IOException {
        return new URLClassLoader(new URL[] {resources.toUri().toURL()}, MigrationsTest.class.getClassLoader());
    }

    private static String legacySchema() throws IOException {
        try (InputStream in = MigrationsTest.class.getResourceAsStream("/legacy/schema-before-migrations.sql")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void runTogether(int count, Runnable work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(count);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> results = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    work.run();
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> result : results) {
                result.get(); // throws if any failed
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
