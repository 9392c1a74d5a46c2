package dev.cortana.host.channel.discord;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cortana.host.commands.CommandRouter;
import dev.cortana.host.config.ConfigException;
import dev.cortana.host.testing.discord.FakeDiscord;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Start-up failures say in one line what to fix. */
class DiscordStartupTest {

    @Test
    void rejectedTokenFailsStartUpWithOneClearLine() {
        try (FakeDiscord discord = FakeDiscord.start()) {
            DiscordSettings wrongToken = new DiscordSettings("not-the-token", FakeDiscord.MASTER,
                    Optional.of(discord.apiBaseUrl()), Optional.of(discord.gatewayUrl()));

            assertThatThrownBy(() -> DiscordChannel.connect(wrongToken, null, new CommandRouter(List::of)))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("DISCORD_TOKEN was rejected by Discord")
                    .hasMessageNotContaining("not-the-token");
        }
    }

    @Test
    void missingMessageContentIntentSaysWhereToEnableIt() {
        try (FakeDiscord discord = FakeDiscord.start()) {
            discord.refuseIntents();
            DiscordSettings settings = new DiscordSettings(FakeDiscord.TOKEN, FakeDiscord.MASTER,
                    Optional.of(discord.apiBaseUrl()), Optional.of(discord.gatewayUrl()));

            assertThatThrownBy(() -> DiscordChannel.connect(settings, null, new CommandRouter(List::of)))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("Discord refused the Message Content intent")
                    .hasMessageContaining("Privileged Gateway Intents")
                    .hasMessageNotContaining(FakeDiscord.TOKEN);
        }
    }
}
