package dev.cortana.host.plugins;

import static dev.cortana.host.testing.Sql.columns;
import static dev.cortana.host.testing.Sql.execute;
import static dev.cortana.host.testing.Sql.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cortana.api.tools.ToolProvider;
import dev.cortana.host.testing.TestDatabase;
import dev.cortana.host.testing.TestPluginJars;
import dev.cortana.host.testing.TestPostgres;
import dev.langchain4j.agent.tool.ToolSpecifications;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pf4j.PluginState;

/**
 * A plugin ships its tables as SQL migrations in {@code cortana/migrations/<plugin id>/} of its JAR: they are applied
 * when it starts (and when a newer JAR replaces it), and a migration that fails fails that plugin alone.
 */
class PluginMigrationsTest {

    private static final String V1 = """
            CREATE TABLE IF NOT EXISTS notes_items (
                id   BIGSERIAL PRIMARY KEY,
                text TEXT NOT NULL
            );
            """;

    /** The extension reads its table in its constructor: the table must exist before extensions are created. */
    private static final String COUNTING_TOOLS = """
            package test.notes;
            @org.pf4j.Extension
            public class NotesTools implements dev.cortana.api.tools.ToolProvider {
                public NotesTools(dev.cortana.api.CortanaContext context) throws java.sql.SQLException {
                    try (var c = context.dataSource().getConnection(); var s = c.createStatement()) {
                        s.executeQuery("SELECT count(*) FROM notes_items").close();
                    }
                }
                @Override public java.util.List<Object> tools() { return java.util.List.of(this); }
                @dev.langchain4j.agent.tool.Tool(name = "count_notes", value = "Counts notes")
                public String countNotes() { return "0"; }
            }
            """;

    @TempDir
    Path dir;

    private TestDatabase database;
    private PluginTestServices services;
    private PluginHost host;

    @AfterEach
    void tearDown() {
        if (host != null) {
            host.close();
        }
        if (services != null) {
            services.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @Test
    void aPluginGetsItsTablesOnFirstStartAndTheNextVersionsMigrationWhenItsJarIsReplaced() throws Exception {
        DataSource dataSource = start();
        TestPluginJars.plugin("notes").version("0.1.0")
                .source("test.notes.NotesTools", COUNTING_TOOLS)
                .resource("cortana/migrations/notes/V1__notes_items.sql", V1)
                .writeTo(dir);
        host.watch(Duration.ofMillis(50));

        assertThat(host.statuses()).singleElement().extracting(PluginStatus::state).isEqualTo(PluginState.STARTED);
        assertThat(toolNames()).containsExactly("count_notes");
        assertThat(columns(dataSource, "notes_items")).containsExactly("id", "text");
        execute(dataSource, "INSERT INTO notes_items (text) VALUES ('keep me')");

        TestPluginJars.plugin("notes").version("0.2.0")
                .source("test.notes.NotesTools", COUNTING_TOOLS)
                .resource("cortana/migrations/notes/V1__notes_items.sql", V1)
                .resource("cortana/migrations/notes/V2__note_tags.sql",
                        "ALTER TABLE notes_items ADD COLUMN tags TEXT NOT NULL DEFAULT '';")
                .writeTo(dir);

        await().atMost(Duration.ofSeconds(10)).until(() -> host.statuses().stream()
                .anyMatch(status -> status.version().orElse("").equals("0.2.0") && status.started()));
        assertThat(columns(dataSource, "notes_items")).containsExactly("id", "text", "tags");
        assertThat(rows(dataSource, "SELECT text FROM notes_items")).containsExactly("keep me");
        assertThat(rows(dataSource, "SELECT version FROM flyway_history_notes WHERE type = 'SQL' ORDER BY installed_rank"))
                .containsExactly("1", "2");
        assertThat(toolNames()).containsExactly("count_notes");
    }

    @Test
    void aBrokenMigrationFailsThatPluginWithTheDatabasesErrorWhileTheOthersRun() throws Exception {
        DataSource dataSource = start();
        TestPluginJars.plugin("broken")
                .toolProvider("test.broken.BrokenTools", "broken_tool")
                .resource("cortana/migrations/broken/V1__good.sql", "CREATE TABLE broken_ok (id INT PRIMARY KEY);")
                .resource("cortana/migrations/broken/V2__typo.sql", "CREAT TABLE broken_typo (id INT);")
                .writeTo(dir);
        TestPluginJars.plugin("dice").toolProvider("test.dice.DiceTools", "roll_die").writeTo(dir);

        host.start();

        assertThat(toolNames()).containsExactly("roll_die");
        PluginStatus broken = host.statuses().stream().filter(status -> status.id().equals("broken")).findFirst()
                .orElseThrow();
        assertThat(broken.state()).isEqualTo(PluginState.FAILED);
        assertThat(broken.reason()).contains(
                "database migration failed: migration V2__typo.sql failed: ERROR: syntax error at or near \"CREAT\"");
        String listing = new PluginsCommand(host, id -> List.of()).render();
        assertThat(listing).contains("syntax error at or near \"CREAT\"").doesNotContain("\tat ", "Exception");
        // V1 stays applied; the fixed JAR goes on from V2.
        assertThat(rows(dataSource, "SELECT version || ' ' || success FROM flyway_history_broken WHERE type = 'SQL'"))
                .containsExactly("1 true");
    }

    @Test
    void aPluginWithoutMigrationsNeedsNoDatabase() {
        services = new PluginTestServices(null);
        host = new PluginHost(dir, "0.1.0", services.services);
        TestPluginJars.plugin("dice").toolProvider("test.dice.DiceTools", "roll_die").writeTo(dir);

        host.start();

        assertThat(toolNames()).containsExactly("roll_die");
    }

    // ---------------------------------------------------------------------------------------------------------

    private DataSource start() {
        database = TestPostgres.newDatabase();
        services = new PluginTestServices(database.dataSource());
        host = new PluginHost(dir, "0.1.0", services.services);
        return database.dataSource();
    }

    private List<String> toolNames() {
        List<String> names = new ArrayList<>();
        for (Contribution<ToolProvider> contribution : host.extensions(ToolProvider.class)) {
            for (Object tools : contribution.extension().tools()) {
                ToolSpecifications.toolSpecificationsFrom(tools).forEach(spec -> names.add(spec.name()));
            }
        }
        return names;
    }
}
