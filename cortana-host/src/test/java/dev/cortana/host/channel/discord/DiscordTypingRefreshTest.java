package dev.cortana.host.channel.discord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cortana.host.testing.discord.DiscordTestBot;
import dev.cortana.host.testing.discord.FakeDiscord;
import dev.cortana.host.testing.discord.FakeDiscord.Call;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Discord shows "typing…" for about 10 s per call, so a long reply renews it until the answer is posted — and not
 * after. The refresh is shortened here (the channel uses 8 s) so the test runs in a second.
 */
class DiscordTypingRefreshTest {

    private static final Duration REFRESH = Duration.ofMillis(150);

    @TempDir
    Path workspace;

    private FakeDiscord discord;
    private DiscordTestBot bot;

    @BeforeEach
    void connect() {
        discord = FakeDiscord.start();
        bot = new DiscordTestBot(discord, workspace, List.of(), REFRESH);
    }

    @AfterEach
    void disconnect() {
        bot.close();
        discord.close();
    }

    @Test
    void aLongReplyKeepsTheTypingIndicatorAliveUntilItIsPostedThenStops() throws Exception {
        CountDownLatch modelMayAnswer = new CountDownLatch(1);
        bot.answer(said -> {
            try {
                modelMayAnswer.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "done thinking";
        });

        discord.directMessage(FakeDiscord.MASTER, "think for a while");

        await().atMost(Duration.ofSeconds(10)).until(() -> discord.calls(Call::isTyping).size() >= 4);
        modelMayAnswer.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> discord.calls(Call::isMessagePost).stream()
                .anyMatch(post -> "done thinking".equals(post.content())));
        int afterReply = discord.calls(Call::isTyping).size();
        Thread.sleep(REFRESH.toMillis() * 4); // several refresh periods: no renewal once the reply is out
        assertThat(discord.calls(Call::isTyping)).hasSizeLessThanOrEqualTo(afterReply + 1);
    }
}
