package dev.cortana.host.channel.discord;

import java.util.Optional;

/**
 * How to reach Discord.
 *
 * @param token        the bot token ({@code DISCORD_TOKEN}); never logged
 * @param masterUserId the only user Cortana answers ({@code MASTER_USER_ID})
 * @param apiBaseUrl   {@code DISCORD_API_URL}: another REST base (a proxy, or a loopback Discord in tests)
 * @param gatewayUrl   {@code DISCORD_GATEWAY_URL}: another gateway ({@code ws://...}), used with the above
 */
public record DiscordSettings(String token, String masterUserId, Optional<String> apiBaseUrl,
                              Optional<String> gatewayUrl) {

    @Override
    public String toString() {
        return "DiscordSettings[master=" + masterUserId + ", api=" + apiBaseUrl.orElse("discord.com") + "]";
    }
}
