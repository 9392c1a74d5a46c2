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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the master sees in their DM: split replies, files, typing, order, retries, proactive messages, resumes. */
class DiscordRepliesTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path workspace;

    FakeDiscord discord;
    DiscordTestBot bot;
    final CountDownLatch slowCommandMayFinish = new CountDownLatch(1);

    @BeforeEach
    void connect() {
        discord = FakeDiscord.start();
        bot = new DiscordTestBot(discord, workspace, List.of(Command.of("slow", "Takes its time", invocation -> {
            slowCommandMayFinish.await(10, TimeUnit.SECONDS);
            return "finally done";
        })));
    }

    @AfterEach
    void disconnect() {
        slowCommandMayFinish.countDown();
        bot.close();
        discord.close();
    }

    private List<Call> posts() {
        return discord.calls(Call::isMessagePost);
    }

    private List<String> postedContents() {
        return posts().stream().map(Call::content).toList();
    }

    @Test
    void replyOverTwoThousandCharactersIsSplitWithoutBreakingTheCodeBlock() {
        String code = IntStream.range(0, 120).mapToObj(i -> "System.out.println(" + i + "); // step " + i)
                .collect(Collectors.joining("\n"));
        bot.answer(said -> "Here you go:\n```java\n" + code + "\n```\nDone.");

        discord.directMessage(FakeDiscord.MASTER, "write code");

        await().atMost(WAIT).until(() -> postedContents().stream().anyMatch(c -> c.endsWith("Done.")));
        List<String> chunks = postedContents();
        assertThat(chunks).hasSizeBetween(2, 4).allMatch(c -> c.length() <= 2000);
        assertThat(chunks.get(0)).startsWith("Here you go:\n```java\n").endsWith("\n```");
        assertThat(chunks.get(1)).startsWith("```java\n");
        assertThat(String.join("\n", chunks).replace("\n```\n```java", "")).contains(code);
    }

    @Test
    void veryLongReplyArrivesAsAFileWithAShortSummary() {
        String essay = IntStream.range(0, 400).mapToObj(i -> "Paragraph " + i + " of a very long essay.")
                .collect(Collectors.joining("\n"));
        bot.answer(said -> essay);

        discord.directMessage(FakeDiscord.MASTER, "write an essay");

        await().atMost(WAIT).until(() -> !posts().isEmpty());
        Call post = posts().get(0);
        assertThat(posts()).hasSize(1);
        assertThat(post.content()).startsWith("Paragraph 0 of a very long essay.").contains("attached as reply.md");
        assertThat(post.body()).contains("filename=\"reply.md\"").contains("Paragraph 399 of a very long essay.");
    }

    @Test
    void typingIndicatorShowsFromArrivalUntilTheReply() throws Exception {
        CountDownLatch modelMayAnswer = new CountDownLatch(1);
        bot.answer(said -> {
            waitFor(modelMayAnswer);
            return "thought about it";
        });

        discord.directMessage(FakeDiscord.MASTER, "think hard");

        await().atMost(WAIT).until(() -> !discord.calls(Call::isTyping).isEmpty());
        assertThat(posts()).isEmpty(); // typing shows while the model is still working
        modelMayAnswer.countDown();
        await().atMost(WAIT).until(() -> postedContents().contains("thought about it"));
        assertThat(discord.calls(Call::isTyping).get(0).path())
                .endsWith("/channels/" + FakeDiscord.dmChannelOf(FakeDiscord.MASTER) + "/typing");
    }

    @Test
    void messagesArrivingDuringAReplyAreAnsweredInOrder() {
        CountDownLatch firstMayAnswer = new CountDownLatch(1);
        bot.answer(said -> {
            if (said.equals("first")) {
                waitFor(firstMayAnswer);
            }
            return "answer to " + said;
        });

        discord.directMessage(FakeDiscord.MASTER, "first");
        discord.directMessage(FakeDiscord.MASTER, "second");
        discord.directMessage(FakeDiscord.MASTER, "third");
        await().atMost(WAIT).until(() -> bot.modelInputs().contains("first"));
        firstMayAnswer.countDown();

        await().atMost(WAIT).until(() -> posts().size() == 3);
        assertThat(postedContents()).containsExactly("answer to first", "answer to second", "answer to third");
    }

    @Test
    void stopAbandonsTheRunningTurnAndDropsQueuedMessages() {
        CountDownLatch firstMayAnswer = new CountDownLatch(1);
        bot.answer(said -> {
            if (said.equals("long task")) {
                waitFor(firstMayAnswer);
            }
            return "answer to " + said;
        });

        discord.directMessage(FakeDiscord.MASTER, "long task");
        discord.directMessage(FakeDiscord.MASTER, "queued behind it");
        await().atMost(WAIT).until(() -> bot.modelInputs().contains("long task"));
        discord.directMessage(FakeDiscord.MASTER, "stop");
        await().atMost(WAIT).until(() -> postedContents().contains("Stopped."));
        firstMayAnswer.countDown();
        discord.directMessage(FakeDiscord.MASTER, "next");

        await().atMost(WAIT).until(() -> postedContents().contains("answer to next"));
        assertThat(postedContents()).containsExactly("Stopped.", "answer to next");
        assertThat(bot.modelInputs()).containsExactly("long task", "next");
        assertThat(bot.history()).noneMatch(m -> m.toString().contains("long task"));
    }

    @Test
    void textAttachmentIsReadIntoTheMessageAndCapped() {
        String big = "x".repeat(AttachmentReader.MAX_FILE_CHARS + 10);
        discord.directMessage(FakeDiscord.MASTER, "summarise these", List.of(
                new FakeDiscord.Attachment("notes.txt", "text/plain; charset=utf-8",
                        "first note\nsecond note".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                new FakeDiscord.Attachment("huge.log", "text/plain", big.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                new FakeDiscord.Attachment("report.pdf", "application/pdf", new byte[] {1, 2, 3})));

        await().atMost(WAIT).until(() -> !bot.modelInputs().isEmpty());
        String seen = bot.modelInputs().get(0);
        assertThat(seen).startsWith("summarise these")
                .contains("[Attached file notes.txt]\nfirst note\nsecond note")
                .contains("[... cut: only the first " + AttachmentReader.MAX_FILE_CHARS + " characters")
                .contains("report.pdf (application/pdf, 3 bytes) was not read")
                .doesNotContain(big);
    }

    @Test
    void imageAttachmentGoesToTheModelAsAnInlineImage() {
        discord.directMessage(FakeDiscord.MASTER, "what is this?", List.of(
                new FakeDiscord.Attachment("cat.png", "image/png", new byte[] {(byte) 0x89, 'P', 'N', 'G'})));

        await().atMost(WAIT).until(() -> !bot.modelInputs().isEmpty());
        String pngBase64 = java.util.Base64.getEncoder().encodeToString(new byte[] {(byte) 0x89, 'P', 'N', 'G'});
        assertThat(bot.modelInputs().get(0)).startsWith("what is this?").contains("[image image/png " + pngBase64 + "]");
    }

    @Test
    void failedPostIsRetriedAndTheReplyStaysInTheConversation() {
        discord.failNextMessagePost();

        discord.directMessage(FakeDiscord.MASTER, "are you there");

        // The fake records the refused attempt too: the reply is posted twice, once refused, once accepted.
        await().atMost(WAIT).until(() -> postedContents().stream().filter("You said: are you there"::equals).count() == 2);
        assertThat(bot.history()).anyMatch(m -> m.toString().contains("You said: are you there"));
    }

    @Test
    void proactiveMessageOpensTheMasterDmWithoutAnInboundMessage() {
        bot.channel().notify("Reminder: call mum");

        await().atMost(WAIT).until(() -> postedContents().contains("Reminder: call mum"));
        assertThat(discord.calls(c -> c.path().endsWith("/users/@me/channels")).get(0).payload()
                .path("recipient_id").asText()).isEqualTo(FakeDiscord.MASTER);
        assertThat(posts().get(0).path()).contains(FakeDiscord.dmChannelOf(FakeDiscord.MASTER));
    }

    @Test
    void resumeThatReplaysAHandledMessageProducesNoDuplicateReply() {
        int before = discord.lastSequence();
        discord.directMessage(FakeDiscord.MASTER, "only once");
        await().atMost(WAIT).until(() -> postedContents().contains("You said: only once"));

        discord.dropConnection(before); // Discord replays the message on resume
        await().atMost(WAIT).until(() -> discord.resumes() == 1);
        discord.directMessage(FakeDiscord.MASTER, "after the resume");

        await().atMost(WAIT).until(() -> postedContents().contains("You said: after the resume"));
        assertThat(postedContents()).containsExactly("You said: only once", "You said: after the resume");
        assertThat(bot.modelInputs()).containsExactly("only once", "after the resume");
    }

    @Test
    void slowCommandIsAcknowledgedAtOnceAndAnsweredWhenDone() {
        String token = discord.slashCommand(FakeDiscord.MASTER, false, "slow", null, java.util.Map.of());

        Call callback = DiscordAccessTest.awaitCallback(discord, token);
        assertThat(callback.payload().path("type").asInt()).isEqualTo(5); // deferred, "Cortana is thinking..."
        assertThat(discord.calls(c -> c.isFollowUp() && c.path().contains(token))).isEmpty();
        slowCommandMayFinish.countDown();

        assertThat(DiscordAccessTest.awaitFollowUp(discord, token).content()).isEqualTo("finally done");
    }

    private static void waitFor(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
