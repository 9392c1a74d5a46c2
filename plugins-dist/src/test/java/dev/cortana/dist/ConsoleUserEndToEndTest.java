package dev.cortana.dist;

import static dev.cortana.host.testing.Sql.execute;
import static dev.cortana.host.testing.Sql.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cortana.host.Cortana;
import dev.cortana.host.channel.discord.DiscordChannel;
import dev.cortana.host.channel.discord.DiscordSettings;
import dev.cortana.host.config.Config;
import dev.cortana.host.config.CortanaConfig;
import dev.cortana.testkit.wire.FakeOpenAi;
import dev.cortana.host.testing.TestDatabase;
import dev.cortana.host.testing.TestPostgres;
import dev.cortana.host.testing.discord.FakeDiscord;
import dev.cortana.host.testing.discord.FakeDiscord.Call;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console user is the master (issue 9, item 9): what was saved on the console before {@code MASTER_USER_ID} was
 * set is the master's after it is, on the console and on Discord. Two runs of the built jar on the console, then the
 * bot on the loopback Discord.
 */
class ConsoleUserEndToEndTest {

    private static final String MASTER = FakeDiscord.MASTER;

    @TempDir
    Path workspace;

    @Test
    void todosAndTheTimeZoneSavedOnTheConsoleAreTheMastersOnceMasterUserIdIsSet() throws Exception {
        LocalDate due = LocalDate.now().plusDays(3);
        String dueText = due.format(DateTimeFormatter.ofPattern("EEE yyyy-MM-dd", Locale.ENGLISH));
        try (FakeOpenAi openAi = FakeOpenAi.start(); TestDatabase database = TestPostgres.newDatabase()) {
            openAi.respondWith(new ScriptedModel(due));
            Map<String, String> env = environment(openAi, database);

            List<String> first = runJar(env, "add \"feed the cat\" now", "/settings timezone Europe/Berlin");
            assertThat(first.get(0)).isEqualTo("Added \"feed the cat\" (due " + dueText + ").");
            assertThat(workspace.resolve("ws/.conversation_cache/console.json")).exists();

            // The master already has a todo of their own, number 1 (made on Discord with an earlier version).
            execute(database.dataSource(), "INSERT INTO todos (user_id, number, title) VALUES ('" + MASTER + "', 1, 'made on discord')");
            execute(database.dataSource(), "INSERT INTO todo_counters (user_id, last_number) VALUES ('" + MASTER + "', 1)");
            env.put("MASTER_USER_ID", MASTER);
            List<String> second = runJar(env, "what's on my list?", "/settings status");

            assertThat(second.get(0)).isEqualTo("2. feed the cat — due " + dueText);
            assertThat(second.get(1)).isEqualTo("1. made on discord");
            assertThat(String.join("\n", second)).contains("Europe/Berlin");
            // Discord serves the master under the same id: the rows are there, none is left under "console".
            assertThat(rows(database.dataSource(), "SELECT user_id || ':' || number || ':' || title FROM todos ORDER BY number"))
                    .containsExactly(MASTER + ":1:made on discord", MASTER + ":2:feed the cat");
            assertThat(rows(database.dataSource(), "SELECT user_id || ':' || value FROM user_settings WHERE key = 'timezone'"))
                    .containsExactly(MASTER + ":Europe/Berlin");
            assertThat(workspace.resolve("ws/.conversation_cache/" + MASTER + ".json")).exists();
            assertThat(workspace.resolve("ws/.conversation_cache/console.json")).doesNotExist();
            assertThat(Files.readString(workspace.resolve("ws/logs/cortana.log")))
                    .contains("Moved the data of user console to user " + MASTER);

            // The same todos on Discord, where the master's DMs carry that id.
            env.put("DISCORD_TOKEN", FakeDiscord.TOKEN);
            try (FakeDiscord discord = FakeDiscord.start()) {
                Config config = Config.of(env);
                Cortana cortana = Cortana.start(config, CortanaConfig.from(config, workspace), Clock.systemDefaultZone());
                DiscordChannel channel = DiscordChannel.connect(new DiscordSettings(FakeDiscord.TOKEN, MASTER,
                                Optional.of(discord.apiBaseUrl()), Optional.of(discord.gatewayUrl())), cortana.agent(),
                        cortana.commands());
                try {
                    cortana.master().attach(channel);
                    discord.directMessage(MASTER, "what's on my list?");
                    // posted, or shown by an edit of the streamed reply
                    await().atMost(Duration.ofSeconds(20)).until(() -> discord.calls(c -> c.isMessagePost()
                                    || c.isMessageEdit()).stream()
                            .anyMatch(c -> c.content() != null && c.content().contains("2. feed the cat — due " + dueText)));
                } finally {
                    channel.close();
                    cortana.close();
                }
            }
        }
    }

    private Map<String, String> environment(FakeOpenAi openAi, TestDatabase database) {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("HOME", workspace.toString());
        env.put("WORKSPACE_DIR", workspace.resolve("ws").toString());
        env.put("PLUGINS_DIR", ConsoleSession.bundledPlugins().toString());
        env.put("DATABASE_URL", database.postgresUrl());
        env.put("OPENAI_API_KEY", "sk-test-console-user-0001");
        env.put("OPENAI_API_BASE", openAi.baseUrl());
        return env;
    }

    private List<String> runJar(Map<String, String> env, String... lines) throws Exception {
        ConsoleSession.Result result = ConsoleSession.runJar(env, workspace, lines);
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        return result.stdout().lines().toList();
    }
}
