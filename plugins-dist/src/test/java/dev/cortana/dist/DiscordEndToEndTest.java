package dev.cortana.dist;

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
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The assembled bot with the bundled plugin JARs, on the loopback Discord and the loopback OpenAI server. */
class DiscordEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path workspace;

    private FakeOpenAi openAi;
    private FakeDiscord discord;
    private TestDatabase database;
    private Cortana cortana;
    private DiscordChannel channel;

    @BeforeEach
    void start() {
        openAi = FakeOpenAi.start();
        openAi.respondWith(new ScriptedModel(LocalDate.now().plusDays(2)));
        discord = FakeDiscord.start();
        database = TestPostgres.newDatabase();
        Map<String, String> env = new HashMap<>();
        env.put("WORKSPACE_DIR", workspace.toString());
        env.put("PLUGINS_DIR", ConsoleSession.bundledPlugins().toString());
        env.put("DATABASE_URL", database.postgresUrl());
        env.put("OPENAI_API_KEY", "sk-test-discord-0004");
        env.put("OPENAI_API_BASE", openAi.baseUrl());
        env.put("DISCORD_TOKEN", FakeDiscord.TOKEN);
        env.put("MASTER_USER_ID", FakeDiscord.MASTER);
        Config config = Config.of(env);
        CortanaConfig cortanaConfig = CortanaConfig.from(config, workspace);
        cortana = Cortana.start(config, cortanaConfig, Clock.systemDefaultZone());
        channel = DiscordChannel.connect(new DiscordSettings(FakeDiscord.TOKEN, FakeDiscord.MASTER,
                Optional.of(discord.apiBaseUrl()), Optional.of(discord.gatewayUrl())), cortana.agent(), cortana.commands(),
                cortana.attachmentInbox()); // as DiscordMain does
        cortana.master().attach(channel);
    }

    @AfterEach
    void stop() {
        channel.close();
        cortana.close();
        discord.close();
        openAi.close();
        database.close();
    }

    /** A reply showed {@code fragment}: in a message posted, or in an edit of a streamed one. */
    private boolean posted(String fragment) {
        return discord.calls(c -> c.isMessagePost() || c.isMessageEdit()).stream()
                .anyMatch(c -> c.content() != null && c.content().contains(fragment));
    }

    @Test
    void masterDmAddsATodoThroughThePluginAndTheReplyIsPosted() {
        discord.directMessage(FakeDiscord.MASTER, "add \"buy milk\" to my todos");

        await().atMost(WAIT).until(() -> posted("Added \"buy milk\""));
        discord.directMessage(FakeDiscord.MASTER, "what's on my list?");
        await().atMost(WAIT).until(() -> posted("1. buy milk"));
    }

    @Test
    void anAttachedFileIsSavedInTheMastersFolderOfTheWorkspaceAndTheModelIsToldWhere() {
        discord.directMessage(FakeDiscord.MASTER, "keep this", List.of(new FakeDiscord.Attachment("plan.pdf",
                "application/pdf", "%PDF-1.4 plan".getBytes(java.nio.charset.StandardCharsets.UTF_8))));

        java.nio.file.Path saved = workspace.resolve("users").resolve(FakeDiscord.MASTER).resolve("attachments")
                .resolve("plan.pdf");
        await().atMost(WAIT).until(() -> openAi.chatRequests().stream()
                .anyMatch(r -> r.lastUserMessage().contains("saved at " + saved.toAbsolutePath())));
        assertThat(saved).hasContent("%PDF-1.4 plan");
    }

    @Test
    void pluginsSlashCommandListsTheBundledPlugins() {
        String token = discord.slashCommand(FakeDiscord.MASTER, false, "plugins", null, Map.of());

        Call followUp = await().atMost(WAIT).until(() -> discord.calls(c -> c.isFollowUp() && c.path().contains(token))
                .stream().findFirst(), Optional::isPresent).get();
        assertThat(followUp.content()).contains("todos");
    }
}
