package dev.cortana.host.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cortana.api.Delivery;
import dev.cortana.api.llm.LlmProvider;
import dev.cortana.api.llm.ModelClient;
import dev.cortana.api.llm.ModelSetup;
import dev.cortana.host.agent.Agent;
import dev.cortana.host.commands.CommandRouter;
import dev.cortana.host.config.Config;
import dev.cortana.host.conversation.InMemoryConversations;
import dev.cortana.host.llm.ModelRouter;
import dev.cortana.host.prompt.SystemPrompt;
import dev.cortana.host.testing.ChildJvm;
import dev.cortana.testkit.wire.FakeOpenAi;
import dev.cortana.testkit.wire.FakeOpenAi.Reply;
import dev.cortana.host.testing.MutableClock;
import dev.cortana.host.testing.PostgresExtension;
import dev.cortana.host.testing.TestDatabase;
import dev.cortana.host.testing.discord.DiscordTestBot;
import dev.cortana.host.testing.discord.FakeDiscord;
import dev.cortana.host.testing.discord.FakeDiscord.Call;
import dev.cortana.host.tools.ToolRegistry;
import dev.cortana.host.tools.ToolRunner;
import dev.cortana.host.workspace.HostWorkspace;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Notifier.send}: a plugin's message to the master that joins the conversation, reports its delivery, and is
 * not posted twice when Cortana is killed while posting it. Real PostgreSQL, loopback Discord and model server.
 */
@ExtendWith(PostgresExtension.class)
class MasterMessagesTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path workspace;

    private final TestDatabase database;

    MasterMessagesTest(TestDatabase database) {
        this.database = database;
    }

    @Test
    void aMessageSentOnTheConsoleIsPrintedAndTheModelSeesItInTheNextTurn() throws Exception {
        try (FakeOpenAi openAi = FakeOpenAi.start(); ToolRunner runner = new ToolRunner(Duration.ofSeconds(5))) {
            openAi.enqueue(Reply.text("Snoozed for ten minutes."));
            InMemoryConversations conversations = new InMemoryConversations();
            Agent agent = openAiAgent(openAi, runner, conversations);
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            ConsoleChannel console = new ConsoleChannel(agent, new CommandRouter(List::of), "console",
                    new PrintStream(printed, true, StandardCharsets.UTF_8), false);
            MasterConnection master = new MasterConnection();
            master.recordIn(conversations, new MasterDeliveries(database.dataSource()));
            master.attach(console);

            Delivery delivery = master.send("⏰ Reminder: water the plants").get(10, TimeUnit.SECONDS);
            console.run(new BufferedReader(new StringReader("snooze it\n")));

            assertThat(delivery).isEqualTo(Delivery.delivered());
            assertThat(printed.toString(StandardCharsets.UTF_8))
                    .startsWith("⏰ Reminder: water the plants\n").contains("Snoozed for ten minutes.");
            List<String> sent = openAi.chatRequests().get(0).messages().stream()
                    .map(m -> m.path("role").asText() + ": "
                            + FakeOpenAi.RecordedRequest.userText(m.path("content").asText())).toList();
            assertThat(sent).containsSubsequence("assistant: ⏰ Reminder: water the plants", "user: snooze it");
            assertThat(stateOf("⏰ Reminder: water the plants")).isEqualTo("delivered, recorded");
        }
    }

    @Test
    void aMessageSentOnDiscordIsPostedWithANonceAndJoinsTheConversation() throws Exception {
        try (FakeDiscord discord = FakeDiscord.start();
             DiscordTestBot bot = new DiscordTestBot(discord, workspace, List.of())) {
            MasterConnection master = journalled(bot);

            Delivery delivery = master.send("⏰ Reminder: buy milk").get(WAIT.toSeconds(), TimeUnit.SECONDS);
            discord.directMessage(FakeDiscord.MASTER, "done");

            assertThat(delivery).isEqualTo(Delivery.delivered());
            assertThat(discord.createdMessages()).first().isEqualTo("⏰ Reminder: buy milk");
            assertThat(discord.calls(Call::isMessagePost).get(0).nonce()).matches("[0-9a-z]{20}\\.0");
            await().atMost(WAIT).until(() -> discord.createdMessages().contains("You said: done"));
            assertThat(bot.history()).extracting(ChatMessage::toString).first().asString()
                    .contains("⏰ Reminder: buy milk");
            assertThat(stateOf("⏰ Reminder: buy milk")).isEqualTo("delivered, recorded");
        }
    }

    @Test
    void aPostDiscordFailsIsRetriedAndReportedDeliveredOnce() throws Exception {
        try (FakeDiscord discord = FakeDiscord.start();
             DiscordTestBot bot = new DiscordTestBot(discord, workspace, List.of())) {
            MasterConnection master = journalled(bot);
            discord.failMessagePosts(2);

            Delivery delivery = master.send("⏰ Reminder: stretch").get(WAIT.toSeconds(), TimeUnit.SECONDS);

            assertThat(delivery).isEqualTo(Delivery.delivered());
            assertThat(discord.calls(Call::isMessagePost)).hasSize(3);
            assertThat(discord.createdMessages()).containsExactly("⏰ Reminder: stretch");
        }
    }

    @Test
    void aDmDiscordCannotOpenAtFirstIsOpenedAgainAndTheMessageDelivered() throws Exception {
        try (FakeDiscord discord = FakeDiscord.start();
             DiscordTestBot bot = new DiscordTestBot(discord, workspace, List.of())) {
            MasterConnection master = journalled(bot);
            discord.failDmOpens(2);

            Delivery delivery = master.send("⏰ Reminder: lunch").get(WAIT.toSeconds(), TimeUnit.SECONDS);

            assertThat(delivery).isEqualTo(Delivery.delivered());
            assertThat(discord.createdMessages()).containsExactly("⏰ Reminder: lunch");
        }
    }

    @Test
    void aMessageDiscordKeepsRefusingIsReportedFailedWithTheReasonAndNotRecorded() throws Exception {
        try (FakeDiscord discord = FakeDiscord.start();
             DiscordTestBot bot = new DiscordTestBot(discord, workspace, List.of())) {
            MasterConnection master = journalled(bot);
            discord.failMessagePosts(100);

            Delivery delivery = master.send("⏰ Reminder: never seen").get(WAIT.toSeconds(), TimeUnit.SECONDS);

            assertThat(delivery.status()).isEqualTo(Delivery.Status.FAILED);
            assertThat(delivery.reason()).contains("Discord refused it 4 times");
            assertThat(discord.createdMessages()).isEmpty();
            assertThat(bot.history()).isEmpty();
            assertThat(stateOf("⏰ Reminder: never seen")).isEqualTo("failed");
        }
    }

    @Test
    void killedWhilePostingTheMessageIsPostedAgainWithItsNonceAndTheUserSeesItOnce() throws Exception {
        try (FakeDiscord discord = FakeDiscord.start()) {
            discord.holdPosts(); // Discord creates the message, but the answer never reaches the killed process
            Process child = startChild(discord);
            try {
                ChildJvm.awaitLine(child, KilledSendChild.READY, Duration.ofSeconds(60));
                discord.awaitCalls(Call::isMessagePost, 1, WAIT);
            } finally {
                child.destroyForcibly(); // SIGKILL: nothing is closed, nothing more is written
                child.waitFor(30, TimeUnit.SECONDS);
            }
            assertThat(stateOf(KilledSendChild.MESSAGE)).isEqualTo("sending");
            discord.releasePosts();

            try (DiscordTestBot restarted = new DiscordTestBot(discord, workspace.resolve("restarted"), List.of())) {
                journalled(restarted); // attaching settles what the killed run left

                await().atMost(WAIT).until(() -> stateOf(KilledSendChild.MESSAGE).equals("delivered, recorded"));
                List<Call> posts = discord.calls(Call::isMessagePost);
                assertThat(posts).hasSize(2);
                assertThat(posts.get(1).nonce()).isEqualTo(posts.get(0).nonce());
                assertThat(discord.createdMessages()).containsExactly(KilledSendChild.MESSAGE);
                assertThat(restarted.history()).hasSize(1).first().isEqualTo(AiMessage.from(KilledSendChild.MESSAGE));
            }
        }
    }

    @Test
    void anUnknownOutcomeOlderThanDiscordsNonceWindowIsNotPostedAgain() throws Exception {
        MasterDeliveries journal = new MasterDeliveries(database.dataSource());
        long id = journal.begin("⏰ Reminder: long ago", MasterDeliveries.newNonce());
        MutableClock clock = new MutableClock(Instant.now());
        clock.advance(Duration.ofMinutes(3));
        try (FakeDiscord discord = FakeDiscord.start();
             DiscordTestBot bot = new DiscordTestBot(discord, workspace, List.of())) {
            MasterConnection master = new MasterConnection(clock);
            master.recordIn(bot.conversations(), journal);
            master.attach(bot.channel());
            CompletableFuture<Delivery> later = master.send("⏰ Reminder: now");

            assertThat(later.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(Delivery.delivered());
            assertThat(discord.createdMessages()).containsExactly("⏰ Reminder: now");
            assertThat(journal.describe(id)).isEqualTo("failed");
        }
    }

    private MasterConnection journalled(DiscordTestBot bot) {
        MasterConnection master = new MasterConnection();
        master.recordIn(bot.conversations(), new MasterDeliveries(database.dataSource()));
        master.attach(bot.channel());
        return master;
    }

    private Agent openAiAgent(FakeOpenAi openAi, ToolRunner runner, InMemoryConversations conversations) {
        LlmProvider provider = new LlmProvider() {
            @Override public String id() { return "openai"; }
            @Override public boolean ownsModel(String model) { return true; }
            @Override public ModelClient model(ModelSetup setup) {
                return ModelClient.of(OpenAiChatModel.builder().httpClientBuilder(setup.http()).baseUrl(setup.baseUrl())
                        .apiKey(setup.apiKey()).modelName(setup.modelName()).timeout(setup.requestTimeout())
                        .maxRetries(0).build());
            }
        };
        Config config = Config.of(Map.of("OPENAI_API_KEY", "sk-master-test-1", "OPENAI_API_BASE", openAi.baseUrl()));
        ModelRouter router = new ModelRouter(() -> List.of(provider), () -> 1L, config);
        SystemPrompt prompt = new SystemPrompt(HostWorkspace.open(workspace), Clock.systemUTC(), u -> ZoneOffset.UTC,
                20_000);
        return new Agent(router, userId -> "gpt-4o", new ToolRegistry(List::of, () -> 1L), runner, conversations,
                prompt, 3);
    }

    private String stateOf(String text) throws SQLException {
        DataSource dataSource = database.dataSource();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT state, recorded FROM master_deliveries WHERE text = ?")) {
            statement.setString(1, text);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? rows.getString(1) + (rows.getBoolean(2) ? ", recorded" : "") : "absent";
            }
        }
    }

    private Process startChild(FakeDiscord discord) throws IOException {
        return ChildJvm.start(KilledSendChild.class, discord.apiBaseUrl(), discord.gatewayUrl(),
                database.postgresUrl(), workspace.resolve("killed").toString());
    }
}
