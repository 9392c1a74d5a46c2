package dev.cortana.host.testing.discord;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/** JSON shapes of Discord's API that {@link FakeDiscord} sends: users and messages. */
final class DiscordPayloads {

    private static final ObjectMapper JSON = new ObjectMapper();

    private DiscordPayloads() {
    }

    static ObjectNode user(String id, String name) {
        ObjectNode user = JSON.createObjectNode();
        user.put("id", id).put("username", name).put("discriminator", "0").putNull("avatar").put("global_name", name);
        return user;
    }

    static ObjectNode message(String id, String channelId, ObjectNode author, String content) {
        ObjectNode message = JSON.createObjectNode();
        message.put("id", id).put("channel_id", channelId).put("type", 0).put("content", content)
                .put("timestamp", Instant.now().toString()).putNull("edited_timestamp").put("tts", false)
                .put("mention_everyone", false).put("pinned", false).put("flags", 0);
        message.set("author", author);
        message.putArray("mentions");
        message.putArray("mention_roles");
        message.putArray("attachments");
        message.putArray("embeds");
        message.putArray("components");
        return message;
    }

    /** An INTERACTION_CREATE payload from {@code userId}, in their DM or in a guild channel. */
    static ObjectNode interaction(String id, int type, String userId, boolean inGuild, ObjectNode data) {
        ObjectNode interaction = JSON.createObjectNode();
        interaction.put("id", id);
        interaction.put("application_id", FakeDiscord.BOT_ID);
        interaction.put("type", type);
        interaction.put("token", "interaction-token-" + id);
        interaction.put("version", 1);
        interaction.put("locale", "en-US");
        interaction.putArray("entitlements");
        interaction.putObject("authorizing_integration_owners").put("0", inGuild ? FakeDiscord.GUILD : "0");
        interaction.put("app_permissions", "0");
        interaction.set("data", data);
        ObjectNode user = user(userId, "user" + userId.substring(15));
        if (inGuild) {
            interaction.put("context", 0);
            interaction.put("guild_id", FakeDiscord.GUILD);
            interaction.put("guild_locale", "en-US");
            interaction.putObject("guild").put("id", FakeDiscord.GUILD).put("locale", "en-US").putArray("features");
            interaction.put("channel_id", FakeDiscord.GUILD_CHANNEL);
            ObjectNode channel = interaction.putObject("channel");
            channel.put("id", FakeDiscord.GUILD_CHANNEL).put("type", 0).put("guild_id", FakeDiscord.GUILD).put("name", "general")
                    .put("position", 0).put("permissions", "0");
            ObjectNode member = interaction.putObject("member");
            member.set("user", user);
            member.putArray("roles");
            member.put("joined_at", Instant.now().toString());
            member.put("permissions", "0");
            member.put("flags", 0);
        } else {
            interaction.put("context", 1);
            interaction.put("channel_id", FakeDiscord.dmChannelOf(userId));
            ObjectNode channel = interaction.putObject("channel");
            channel.put("id", FakeDiscord.dmChannelOf(userId)).put("type", 1);
            channel.putArray("recipients").add(user.deepCopy());
            interaction.set("user", user);
        }
        return interaction;
    }
}
