package dev.cortana.host.channel.discord;

import java.time.Duration;
import java.util.Optional;

/**
 * How to reach Discord.
 *
 * @param token        the bot token ({@code DISCORD_TOKEN}); never logged
 * @param masterUserId the only user Cortana answers ({@code MASTER_USER_ID})
 * @param apiBaseUrl   {@code DISCORD_API_URL}: another REST base (a proxy, or a loopback Discord in tests)
 * @param gatewayUrl   {@code DISCORD_GATEWAY_URL}: another gateway ({@code ws://...}), used with the above
 * @param typingRefresh how often the typing indicator is renewed while a reply is worked on (Discord shows it for
 *                     about 10 s per call)
 */
public record DiscordSettings(String token, String masterUserId, Optional<String> apiBaseUrl,
                              Optional<String> gatewayUrl, Duration typingRefresh) {

    /** Renews the typing indicator every 8 s, inside Discord's ~10 s. */
    public static final Duration DEFAULT_TYPING_REFRESH = Duration.ofSeconds(8);

    public DiscordSettings(String token, String masterUserId, Optional<String> apiBaseUrl, Optional<String> gatewayUrl) {
        this(token, masterUserId, apiBaseUrl, gatewayUrl, DEFAULT_TYPING_REFRESH);
    }

    @Override
    public String toString() {
        return "DiscordSettings[master=" + masterUserId + ", api=" + apiBaseUrl.orElse("discord.com") + "]";
    }
}
