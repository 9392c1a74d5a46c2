package dev.cortana.host.users;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.api.users.UserDataMigration;
import dev.cortana.host.conversation.ConversationCache;
import dev.cortana.host.conversation.ConversationFiles;
import dev.cortana.host.conversation.TokenCounter;
import dev.cortana.host.plugins.Contribution;
import dev.cortana.host.storage.UserSettingsStore;
import dev.cortana.host.testing.MutableClock;
import dev.cortana.host.testing.PostgresExtension;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's data becoming the master's: settings, a third-party plugin's plain table, a plugin that merges its
 * own table, the conversation and the user's folder. Ids are unique per test, as the database is shared.
 */
@ExtendWith(PostgresExtension.class)
class LocalUserMigrationTest {

    @TempDir
    Path workspace;

    private final DataSource dataSource;
    private final UserSettingsStore settings;
    private final String console = "console-" + UUID.randomUUID();
    private final String master = "master-" + UUID.randomUUID();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T09:00:00Z"));

    LocalUserMigrationTest(DataSource dataSource) throws SQLException {
        this.dataSource = dataSource;
        this.settings = new UserSettingsStore(dataSource);
        execute("CREATE TABLE IF NOT EXISTS plugin_notes (user_id TEXT NOT NULL, body TEXT NOT NULL)");
        execute("CREATE TABLE IF NOT EXISTS plugin_slots (user_id TEXT NOT NULL, slot INT NOT NULL, UNIQUE (user_id, slot))");
        execute("CREATE TABLE IF NOT EXISTS plugin_merged (user_id TEXT NOT NULL, slot INT NOT NULL, UNIQUE (user_id, slot))");
    }

    private void execute(String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private void insert(String table, String userId, Object value) throws SQLException {
        String column = table.equals("plugin_notes") ? "body" : "slot";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "INSERT INTO " + table + " (user_id, " + column + ") VALUES (?, ?)")) {
            statement.setString(1, userId);
            statement.setObject(2, value);
            statement.executeUpdate();
        }
    }

    private List<String> values(String table, String userId) throws SQLException {
        String column = table.equals("plugin_notes") ? "body" : "slot";
        List<String> values = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT " + column + " FROM " + table + " WHERE user_id = ? ORDER BY 1")) {
            statement.setString(1, userId);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    values.add(rows.getString(1));
                }
            }
        }
        return values;
    }

    private ConversationCache conversations() {
        return ConversationCache.open(new ConversationFiles(workspace.resolve(".conversation_cache"), new TokenCounter()),
                clock, Duration.ofMinutes(30));
    }

    private LocalUserMigration migration(ConversationCache cache, List<Contribution<UserDataMigration>> plugins) {
        return new LocalUserMigration(dataSource, () -> plugins, cache, workspace.resolve("users"));
    }

    @Test
    void everythingSavedUnderTheConsoleIdBecomesTheMastersAndSurvivesARestart() throws Exception {
        settings.put(console, "timezone", "Europe/Berlin");
        insert("plugin_notes", console, "a note made on the console");
        ConversationCache cache = conversations();
        cache.append(console, List.of(UserMessage.from("hello from the console"), AiMessage.from("hi")));
        Path skill = Files.createDirectories(workspace.resolve("users").resolve(console).resolve("skills/weather"));
        Files.writeString(skill.resolve("SKILL.md"), "---\nname: weather\ndescription: d\n---\n");

        LocalUserMigration.Result result = migration(cache, List.of()).move(console, master);

        assertThat(result.rows()).containsEntry("user_settings", 1).containsEntry("plugin_notes", 1);
        assertThat(settings.get(master, "timezone")).contains("Europe/Berlin");
        assertThat(settings.all(console)).isEmpty();
        assertThat(values("plugin_notes", master)).containsExactly("a note made on the console");
        assertThat(values("plugin_notes", console)).isEmpty();
        assertThat(conversations().history(master)).extracting(ChatMessage::toString)
                .anyMatch(m -> m.contains("hello from the console"));
        assertThat(conversations().history(console)).isEmpty();
        assertThat(workspace.resolve("users").resolve(master).resolve("skills/weather/SKILL.md")).exists();
        assertThat(workspace.resolve("users").resolve(console)).doesNotExist();
    }

    @Test
    void runningItAgainMovesNothingMore() throws Exception {
        settings.put(console, "timezone", "Europe/Berlin");
        ConversationCache cache = conversations();
        migration(cache, List.of()).move(console, master);

        LocalUserMigration.Result again = migration(cache, List.of()).move(console, master);

        assertThat(again.movedAnything()).isFalse();
        assertThat(settings.get(master, "timezone")).contains("Europe/Berlin");
    }

    @Test
    void whenTheMasterHasDataTooNothingOfEitherSideIsLost() throws Exception {
        settings.put(master, "model", "openai/gpt-4o");
        settings.put(master, "timezone", "America/New_York");
        clock.advance(Duration.ofSeconds(1));
        settings.put(console, "timezone", "Europe/Berlin"); // changed last: wins
        insert("plugin_slots", master, 1);
        insert("plugin_slots", console, 1); // a plain move would clash: the rows stay, with a warning
        insert("plugin_notes", master, "master's note");
        insert("plugin_notes", console, "console's note");
        ConversationCache cache = conversations();
        cache.append(master, List.of(UserMessage.from("said on discord"), AiMessage.from("ok")));
        clock.advance(Duration.ofMinutes(1));
        cache.append(console, List.of(UserMessage.from("said on the console"), AiMessage.from("ok")));
        for (String user : List.of(master, console)) {
            Path weather = Files.createDirectories(workspace.resolve("users").resolve(user).resolve("skills/weather"));
            Files.writeString(weather.resolve("SKILL.md"), "weather of " + user);
        }
        Files.createDirectories(workspace.resolve("users").resolve(console).resolve("skills/notes"));

        LocalUserMigration.Result result = migration(cache, List.of()).move(console, master);

        assertThat(settings.all(master)).containsEntry("model", "openai/gpt-4o").containsEntry("timezone", "Europe/Berlin");
        assertThat(values("plugin_notes", master)).containsExactly("console's note", "master's note");
        assertThat(values("plugin_slots", master)).containsExactly("1");
        assertThat(values("plugin_slots", console)).containsExactly("1");
        assertThat(result.left()).containsKey("plugin_slots");
        assertThat(cache.history(master)).extracting(ChatMessage::toString).hasSize(4)
                .first().asString().contains("said on discord");
        assertThat(cache.history(master).get(2).toString()).contains("said on the console");
        assertThat(workspace.resolve("users").resolve(master).resolve("skills/notes")).exists();
        assertThat(workspace.resolve("users").resolve(master).resolve("skills/weather/SKILL.md")).hasContent("weather of " + master);
        assertThat(workspace.resolve("users").resolve(console).resolve("skills/weather/SKILL.md")).hasContent("weather of " + console);
    }

    @Test
    void aPluginsOwnMigrationMergesTheTablesItClaimsAndTheHostLeavesThemAlone() throws Exception {
        insert("plugin_merged", master, 1);
        insert("plugin_merged", console, 1);
        insert("plugin_merged", console, 2);
        UserDataMigration renumbering = new UserDataMigration() {
            @Override
            public Set<String> tables() {
                return Set.of("plugin_merged");
            }

            @Override
            public void moveUser(Connection connection, String from, String to) throws SQLException {
                try (PreparedStatement statement = connection.prepareStatement("UPDATE plugin_merged SET user_id = ?, "
                        + "slot = slot + (SELECT COALESCE(MAX(slot), 0) FROM plugin_merged WHERE user_id = ?) WHERE user_id = ?")) {
                    statement.setString(1, to);
                    statement.setString(2, to);
                    statement.setString(3, from);
                    statement.executeUpdate();
                }
            }
        };

        LocalUserMigration.Result result = migration(conversations(), List.of(new Contribution<>("merging", renumbering)))
                .move(console, master);

        assertThat(values("plugin_merged", master)).containsExactly("1", "2", "3");
        assertThat(values("plugin_merged", console)).isEmpty();
        assertThat(result.rows()).containsEntry("plugin_merged", 2);
        assertThat(result.left()).doesNotContainKey("plugin_merged");
    }

    @Test
    void aPluginMigrationThatFailsUndoesOnlyItsOwnPart() throws Exception {
        settings.put(console, "timezone", "Europe/Berlin");
        insert("plugin_merged", console, 7);
        UserDataMigration broken = new UserDataMigration() {
            @Override
            public Set<String> tables() {
                return Set.of("plugin_merged");
            }

            @Override
            public void moveUser(Connection connection, String from, String to) throws SQLException {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("UPDATE plugin_merged SET slot = 0 WHERE user_id = '" + from + "'");
                    statement.execute("SELECT no_such_column FROM plugin_merged");
                }
            }
        };

        LocalUserMigration.Result result = migration(conversations(), List.of(new Contribution<>("broken", broken)))
                .move(console, master);

        assertThat(values("plugin_merged", console)).containsExactly("7");
        assertThat(result.left()).containsKey("plugin_merged");
        assertThat(settings.get(master, "timezone")).contains("Europe/Berlin");
    }
}
