package dev.cortana.host.channel.discord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cortana.host.testing.discord.DiscordTestBot;
import dev.cortana.host.testing.discord.FakeDiscord;
import dev.cortana.host.testing.discord.FakeDiscord.Call;
import dev.cortana.testkit.wire.FakeOpenAi;
import dev.cortana.testkit.wire.FakeOpenAi.Reply;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replies on Discord while the model writes them: posted at the first sentence, edited as they grow (at most about
 * once a second), continued in new messages past 2,000 characters with code blocks balanced, and cut where a stop
 * finds them.
 */
class DiscordStreamingTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path workspace;

    FakeDiscord discord;
    FakeOpenAi openAi;
    DiscordTestBot bot;

    @BeforeEach
    void connect() {
        discord = FakeDiscord.start();
        openAi = FakeOpenAi.start();
        bot = DiscordTestBot.streamingFrom(discord, workspace, openAi.baseUrl());
    }

    @AfterEach
    void disconnect() {
        bot.close();
        openAi.close();
        discord.close();
    }

    private List<Call> updates() {
        return discord.calls(call -> call.isMessagePost() || call.isMessageEdit());
    }

    @Test
    void aStreamedReplyIsPostedAtTheFirstSentenceThenEditedAtMostAboutOnceASecond() {
        String answer = "Streaming works. " + IntStream.range(0, 30).mapToObj(i -> "word" + i)
                .collect(Collectors.joining(" ")) + ".";
        openAi.enqueue(Reply.text(answer).inChunksOf(6).pausedBetweenChunks(Duration.ofMillis(100)));

        discord.directMessage(FakeDiscord.MASTER, "show me streaming");

        await().atMost(WAIT).until(() -> discord.createdMessages().contains(answer));
        List<FakeOpenAi.SentText> sent = openAi.sentTexts();
        long modelFinished = sent.get(sent.size() - 1).nanoTime();
        List<Call> updates = updates();
        Call firstPost = updates.get(0);
        assertThat(firstPost.isMessagePost()).isTrue();
        assertThat(firstPost.content()).startsWith("Streaming works.").isNotEqualTo(answer);
        assertThat(firstPost.nanoTime()).as("posted before the model finished").isLessThan(modelFinished);
        assertThat(updates).filteredOn(Call::isMessageEdit).hasSizeGreaterThanOrEqualTo(2)
                .extracting(Call::editedMessageId).as("every edit is of the one message posted").containsOnly(
                        updates.get(1).editedMessageId());
        // About once a second: the reply is edited at most once per second of streaming (plus the final edit), and
        // never in quick succession (the model sends a piece every 100 ms; the bound leaves room for the REST queue's
        // jitter between the edit being sent and reaching Discord on a loaded machine).
        long streamedSeconds = (modelFinished - sent.get(0).nanoTime()) / 1_000_000_000L;
        assertThat(updates.size() - 1).as("edits").isLessThanOrEqualTo((int) streamedSeconds + 2);
        for (int i = 1; i < updates.size(); i++) {
            assertThat(updates.get(i).nanoTime() - updates.get(i - 1).nanoTime())
                    .as("update %d does not follow the one before within half a second", i).isGreaterThan(500_000_000L);
        }
        assertThat(discord.createdMessages()).containsExactly(answer);
        // The typing indicator was not renewed after the first text was shown.
        assertThat(discord.calls(Call::isTyping)).allMatch(typing -> typing.nanoTime() < firstPost.nanoTime());
    }

    @Test
    void aStreamedReplyPastFourMessagesKeepsGoingInMessagesWithCodeBlocksBalanced() {
        String code = IntStream.range(0, 400).mapToObj(i -> "System.out.println(" + i + "); // step " + i)
                .collect(Collectors.joining("\n"));
        String answer = "Here is the code:\n```java\n" + code + "\n```\nDone.";
        openAi.enqueue(Reply.text(answer).inChunksOf(2_000).pausedBetweenChunks(Duration.ofMillis(150)));

        discord.directMessage(FakeDiscord.MASTER, "write a lot of code");

        await().atMost(WAIT).until(() -> {
            List<String> shown = discord.createdMessages();
            return !shown.isEmpty() && shown.get(shown.size() - 1).endsWith("Done.");
        });
        List<String> messages = discord.createdMessages();
        assertThat(messages).hasSizeGreaterThan(4).allMatch(m -> m.length() <= 2000);
        assertThat(messages).noneMatch(m -> m.contains("reply.md"));
        assertThat(messages).allMatch(m -> m.split("```", -1).length % 2 == 1, "has balanced code fences");
        assertThat(messages.get(0)).startsWith("Here is the code:\n```java\n");
        assertThat(String.join("\n", messages).replace("\n```\n```java", "")).contains(code);
        // While streaming, the message being written had its open code block closed too.
        assertThat(updates()).extracting(Call::content).allMatch(m -> m.split("```", -1).length % 2 == 1);
    }

    @Test
    void stopDuringAStreamedReplyKeepsWhatWasShownMarkedAsCut() {
        String answer = IntStream.range(0, 60).mapToObj(i -> "part" + i).collect(Collectors.joining(" ")) + ".";
        openAi.enqueue(Reply.text(answer).inChunksOf(5).pausedBetweenChunks(Duration.ofMillis(100)));

        discord.directMessage(FakeDiscord.MASTER, "talk for a while");
        await().atMost(WAIT).until(() -> !discord.createdMessages().isEmpty());
        discord.directMessage(FakeDiscord.MASTER, "stop");

        await().atMost(WAIT).until(() -> discord.createdMessages().stream().anyMatch(m -> m.endsWith("(stopped)")));
        List<String> messages = discord.createdMessages();
        String cut = messages.stream().filter(m -> m.endsWith("(stopped)")).findFirst().orElseThrow();
        assertThat(cut).startsWith("part0 part1").endsWith(" … (stopped)");
        assertThat(answer).startsWith(cut.substring(0, cut.length() - " … (stopped)".length()));
        assertThat(cut.length()).isLessThan(answer.length());
        assertThat(messages).contains("Stopped.");
        assertThat(bot.history()).last().satisfies(message ->
                assertThat(((dev.langchain4j.data.message.AiMessage) message).text()).isEqualTo(cut));
    }

    @Test
    void aProviderErrorBeforeAnyTextIsPostedAsAWholeReply() {
        openAi.enqueue(Reply.invalidApiKey());

        discord.directMessage(FakeDiscord.MASTER, "hello");

        await().atMost(WAIT).until(() -> !discord.createdMessages().isEmpty());
        assertThat(discord.createdMessages()).hasSize(1).first().asString().contains("openai");
        assertThat(discord.calls(Call::isMessageEdit)).isEmpty();
    }
}
