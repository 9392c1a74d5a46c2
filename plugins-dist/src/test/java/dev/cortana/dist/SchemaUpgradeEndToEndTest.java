package dev.cortana.dist;

import static dev.cortana.host.testing.Sql.execute;
import static dev.cortana.host.testing.Sql.rows;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.testkit.wire.FakeOpenAi;
import dev.cortana.host.testing.TestDatabase;
import dev.cortana.host.testing.TestPostgres;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user who set up their database with the schema.sql of before migrations (an existing install, or a Supabase
 * project where they pasted it) updates Cortana: the built jar with the bundled plugins starts on it, baselines the
 * host's and the todos plugin's tables instead of re-creating them, and the todos are all still there.
 */
class SchemaUpgradeEndToEndTest {

    @TempDir
    Path workspace;

    @Test
    void aDatabaseMadeByTheOldSchemaSqlKeepsItsTodosAfterTheUpgrade() throws Exception {
        try (FakeOpenAi openAi = FakeOpenAi.start(); TestDatabase database = TestPostgres.newEmptyDatabase()) {
            openAi.respondWith(new ScriptedModel(LocalDate.now().plusDays(2)));
            execute(database.dataSource(), legacySchema());
            execute(database.dataSource(), "INSERT INTO todos (user_id, number, title) VALUES ('console', 1, 'made before the upgrade');"
                    + "INSERT INTO todo_counters (user_id, last_number) VALUES ('console', 4);"
                    + "INSERT INTO user_settings (user_id, key, value) VALUES ('console', 'timezone', 'Europe/Berlin')");

            List<String> replies = runJar(environment(openAi, database), "what's on my list?", "/settings status");

            assertThat(replies.get(0)).isEqualTo("1. made before the upgrade");
            assertThat(String.join("\n", replies)).contains("Europe/Berlin");
            assertThat(rows(database.dataSource(), "SELECT version || ' ' || type FROM flyway_history_cortana ORDER BY installed_rank"))
                    .startsWith("1 BASELINE", "2 SQL"); // the tables schema.sql made, then the host's newer ones
            assertThat(rows(database.dataSource(), "SELECT version || ' ' || type FROM flyway_history_todos"))
                    .containsExactly("1 BASELINE");
            assertThat(rows(database.dataSource(), "SELECT last_number::text FROM todo_counters")).containsExactly("4");
        }
    }

    private Map<String, String> environment(FakeOpenAi openAi, TestDatabase database) {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("HOME", workspace.toString());
        env.put("WORKSPACE_DIR", workspace.resolve("ws").toString());
        env.put("PLUGINS_DIR", ConsoleSession.bundledPlugins().toString());
        env.put("DATABASE_URL", database.postgresUrl());
        env.put("OPENAI_API_KEY", "sk-test-schema-upgrade-0001");
        env.put("OPENAI_API_BASE", openAi.baseUrl());
        return env;
    }

    private List<String> runJar(Map<String, String> env, String... lines) throws Exception {
        ConsoleSession.Result result = ConsoleSession.runJar(env, workspace, lines);
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        return result.stdout().lines().toList();
    }

    /** The repository's schema.sql as it was before migrations (git show main:schema.sql), kept in cortana-host's tests. */
    private static String legacySchema() throws Exception {
        try (InputStream in = SchemaUpgradeEndToEndTest.class.getResourceAsStream("/legacy/schema-before-migrations.sql")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
