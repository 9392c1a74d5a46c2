package dev.cortana.host.channel.discord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cortana.api.commands.Command;
import dev.cortana.host.testing.discord.DiscordTestBot;
import dev.cortana.host.testing.discord.FakeDiscord;
import dev.cortana.host.testing.discord.FakeDiscord.Call;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The access table of the Python original, against the real JDA client and a loopback Discord. */
class DiscordAccessTest {

    @TempDir
    static Path workspace;

    static FakeDiscord discord;
    static DiscordTestBot bot;

    @BeforeAll
    static void connect() {
        discord = FakeDiscord.start();
        bot = new DiscordTestBot(discord, workspace,
                List.of(Command.of("ping", "Checks that Cortana is awake", invocation -> "pong")));
    }

    @AfterAll
    static void disconnect() {
        bot.close();
        discord.close();
    }

    @BeforeEach
    void freshConversation() {
        bot.answer(said -> "You said: " + said);
    }

    private static List<Call> postsTo(String userId) {
        return discord.calls(c -> c.isMessagePost() && c.path().contains(FakeDiscord.dmChannelOf(userId)));
    }

    @Test
    void masterDirectMessageIsAnswered() {
        discord.directMessage(FakeDiscord.MASTER, "hello there");

        await().atMost(Duration.ofSeconds(5)).until(() -> postsTo(FakeDiscord.MASTER).stream()
                .anyMatch(c -> "You said: hello there".equals(c.content())));
    }

    @Test
    void strangerDirectMessageIsIgnoredAndNeverReachesTheModel() {
        discord.directMessage(FakeDiscord.STRANGER, "let me in");
        // A master message sent after it is answered: by then the stranger's has been handled (gateway order).
        discord.directMessage(FakeDiscord.MASTER, "after the stranger");
        await().atMost(Duration.ofSeconds(5)).until(() -> postsTo(FakeDiscord.MASTER).stream()
                .anyMatch(c -> "You said: after the stranger".equals(c.content())));

        assertThat(postsTo(FakeDiscord.STRANGER)).isEmpty();
        assertThat(discord.calls(c -> c.isTyping() && c.path().contains(FakeDiscord.dmChannelOf(FakeDiscord.STRANGER))))
                .isEmpty();
        assertThat(bot.modelInputs()).doesNotContain("let me in");
        assertThat(bot.history()).noneMatch(m -> m.toString().contains("let me in"));
    }

    @Test
    void guildMessageFromTheMasterIsIgnored() {
        discord.guildMessage(FakeDiscord.MASTER, "in a guild");
        discord.directMessage(FakeDiscord.MASTER, "after the guild");
        await().atMost(Duration.ofSeconds(5)).until(() -> postsTo(FakeDiscord.MASTER).stream()
                .anyMatch(c -> "You said: after the guild".equals(c.content())));

        assertThat(discord.calls(c -> c.path().contains(FakeDiscord.GUILD_CHANNEL))).isEmpty();
        assertThat(bot.modelInputs()).doesNotContain("in a guild");
    }

    @Test
    void slashCommandInAGuildIsRefusedEphemerally() {
        String token = discord.slashCommand(FakeDiscord.MASTER, true, "ping", null, Map.of());

        Call callback = awaitCallback(token);
        assertThat(callback.payload().path("type").asInt()).isEqualTo(4); // a message, not a deferral
        assertThat(callback.payload().path("data").path("content").asText()).isEqualTo("Cortana only works in DMs.");
        assertThat(callback.payload().path("data").path("flags").asInt() & 64).isEqualTo(64);
    }

    @Test
    void slashCommandInADmFromTheMasterRuns() {
        String token = discord.slashCommand(FakeDiscord.MASTER, false, "ping", null, Map.of());

        assertThat(awaitCallback(token).payload().path("type").asInt()).isEqualTo(5); // deferred
        assertThat(awaitFollowUp(token).content()).isEqualTo("pong");
    }

    @Test
    void slashCommandInADmFromAStrangerIsUnauthorized() {
        String token = discord.slashCommand(FakeDiscord.STRANGER, false, "ping", null, Map.of());

        Call callback = awaitCallback(token);
        assertThat(callback.payload().path("data").path("content").asText())
                .isEqualTo("You are not authorized to use Cortana.");
        assertThat(callback.payload().path("data").path("flags").asInt() & 64).isEqualTo(64);
    }

    @Test
    void commandsAreRegisteredGloballyForBotDms() {
        await().atMost(Duration.ofSeconds(5)).until(() -> !discord.calls(Call::isCommandRegistration).isEmpty());
        Call registration = discord.calls(Call::isCommandRegistration).get(0);

        assertThat(registration.payload().findValuesAsText("name")).contains("reset", "ping");
        assertThat(registration.payload().get(0).path("contexts").get(0).asInt()).isEqualTo(1); // BOT_DM
    }

    @Test
    void commandAddedWhileRunningIsRegisteredWithDiscord() {
        bot.addCommand(Command.of("weather", "Today's weather", invocation -> "sunny"));

        await().atMost(Duration.ofSeconds(10)).until(() -> discord.calls(Call::isCommandRegistration).stream()
                .anyMatch(c -> c.payload().findValuesAsText("name").contains("weather")));
        assertThat(discord.calls(Call::isCommandRegistration).get(discord.calls(Call::isCommandRegistration).size() - 1)
                .payload().findValuesAsText("name")).contains("reset", "ping", "weather");
    }

    static Call awaitCallback(String token) {
        return awaitCallback(discord, token);
    }

    static Call awaitFollowUp(String token) {
        return awaitFollowUp(discord, token);
    }

    static Call awaitCallback(FakeDiscord discord, String token) {
        return await().atMost(Duration.ofSeconds(5)).until(
                () -> discord.calls(c -> c.isInteractionCallback() && c.path().contains(token)).stream().findFirst(),
                java.util.Optional::isPresent).get();
    }

    static Call awaitFollowUp(FakeDiscord discord, String token) {
        return await().atMost(Duration.ofSeconds(5)).until(
                () -> discord.calls(c -> c.isFollowUp() && c.path().contains(token)).stream().findFirst(),
                java.util.Optional::isPresent).get();
    }
}
