package dev.cortana.host.channel.discord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cortana.api.Approvals;
import dev.cortana.api.commands.Autocompleting;
import dev.cortana.api.commands.Command;
import dev.cortana.api.commands.CommandInvocation;
import dev.cortana.api.commands.CommandOption;
import dev.cortana.host.testing.discord.DiscordTestBot;
import dev.cortana.host.testing.discord.FakeDiscord;
import dev.cortana.host.testing.discord.FakeDiscord.Call;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Yes/no questions with buttons, and suggestions while the master types a command option. */
class DiscordApprovalsAndAutocompleteTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    static Path workspace;

    static FakeDiscord discord;
    static DiscordTestBot bot;

    /** Like /settings: a subcommand whose option suggests model names. */
    static final class ModelCommand implements Command, Autocompleting {
        @Override public String name() { return "model"; }
        @Override public String description() { return "Switch models"; }
        @Override public List<Subcommand> subcommands() {
            return List.of(new Subcommand("set", "Use a model",
                    List.of(new CommandOption("name", "Model name", true, true))));
        }
        @Override public String run(CommandInvocation invocation) { return "ok"; }
        @Override public List<String> complete(String subcommand, String option, String typed) {
            return List.of("gpt-4o", "gpt-4o-mini", "claude-sonnet").stream().filter(m -> m.startsWith(typed)).toList();
        }
    }

    @BeforeAll
    static void connect() {
        discord = FakeDiscord.start();
        bot = new DiscordTestBot(discord, workspace, List.of(new ModelCommand()));
    }

    @AfterAll
    static void disconnect() {
        bot.close();
        discord.close();
    }

    private static Call awaitQuestion(String question) {
        return await().atMost(WAIT).until(() -> discord.calls(c -> c.isMessagePost() && question.equals(c.content()))
                .stream().findFirst(), java.util.Optional::isPresent).get();
    }

    private static String buttonId(Call post, String label) {
        for (JsonNode button : post.payload().findParents("custom_id")) {
            if (button.path("label").asText().equals(label)) {
                return button.path("custom_id").asText();
            }
        }
        throw new AssertionError("no button " + label + " in " + post.payload());
    }

    @Test
    void masterPressingApproveApproves() {
        CompletableFuture<Approvals.Decision> decision = CompletableFuture.supplyAsync(
                () -> bot.channel().askApproval("Run rm -rf build?", Duration.ofSeconds(10)));
        Call question = awaitQuestion("Run rm -rf build?");

        discord.buttonPress(FakeDiscord.MASTER, "900000000000000099", buttonId(question, "Approve"));

        assertThat(decision).succeedsWithin(WAIT).isEqualTo(Approvals.Decision.APPROVED);
    }

    @Test
    void strangerPressingAButtonIsRefusedAndDecidesNothing() {
        CompletableFuture<Approvals.Decision> decision = CompletableFuture.supplyAsync(
                () -> bot.channel().askApproval("Delete the repo?", Duration.ofSeconds(10)));
        Call question = awaitQuestion("Delete the repo?");

        String token = discord.buttonPress(FakeDiscord.STRANGER, "900000000000000098", buttonId(question, "Approve"));
        Call refusal = DiscordAccessTest.awaitCallback(discord, token);
        assertThat(refusal.payload().path("data").path("content").asText())
                .isEqualTo("You are not authorized to use Cortana.");
        assertThat(decision).isNotDone();

        discord.buttonPress(FakeDiscord.MASTER, "900000000000000098", buttonId(question, "Deny"));
        assertThat(decision).succeedsWithin(WAIT).isEqualTo(Approvals.Decision.DENIED);
    }

    @Test
    void unansweredQuestionTimesOut() {
        assertThat(bot.channel().askApproval("Anyone there?", Duration.ofMillis(300)))
                .isEqualTo(Approvals.Decision.TIMED_OUT);
    }

    @Test
    void optionSuggestionsComeFromTheCommand() {
        String token = discord.autocomplete(FakeDiscord.MASTER, "model", "set", "name", "gpt");

        Call callback = DiscordAccessTest.awaitCallback(discord, token);
        assertThat(callback.payload().path("type").asInt()).isEqualTo(8);
        assertThat(callback.payload().path("data").path("choices").findValuesAsText("value"))
                .containsExactly("gpt-4o", "gpt-4o-mini");
    }
}
