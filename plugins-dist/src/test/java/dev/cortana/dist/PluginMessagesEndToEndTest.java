package dev.cortana.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.testkit.wire.FakeOpenAi;
import dev.cortana.testkit.wire.FakeOpenAi.RecordedRequest;
import dev.cortana.testkit.wire.FakeOpenAi.Reply;
import dev.cortana.host.testing.TestDatabase;
import dev.cortana.host.testing.TestPluginJars;
import dev.cortana.host.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A third-party plugin messages the master through {@code Notifier.send} (issue 10, item 3): the console prints it,
 * the plugin learns it was delivered, and the model sees it as Cortana's own message in the next turn.
 */
class PluginMessagesEndToEndTest {

    @TempDir
    Path workspace;

    @TempDir
    Path pluginsDir;

    @TempDir
    Path workingDir;

    @Test
    void aPluginsMessageIsPrintedAndReachesTheModelInTheNextTurn() throws Exception {
        for (Path jar : Files.newDirectoryStream(ConsoleSession.bundledPlugins(), "*.jar")) {
            Files.copy(jar, pluginsDir.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        TestPluginJars.plugin("nudge").source("test.nudge.NudgeTools", """
                package test.nudge;
                @org.pf4j.Extension
                public class NudgeTools implements dev.cortana.api.tools.ToolProvider {
                    private final dev.cortana.api.CortanaContext context;
                    public NudgeTools(dev.cortana.api.CortanaContext context) { this.context = context; }
                    @Override public java.util.List<Object> tools() { return java.util.List.of(this); }
                    @dev.langchain4j.agent.tool.Tool("Reminds the user now")
                    public String remind_now() throws Exception {
                        return "delivery: " + context.notifier().send("⏰ Reminder: water the plants")
                                .get(10, java.util.concurrent.TimeUnit.SECONDS).status();
                    }
                }
                """).writeTo(pluginsDir);
        try (FakeOpenAi openAi = FakeOpenAi.start(); TestDatabase database = TestPostgres.newDatabase()) {
            openAi.respondWith(request -> {
                List<com.fasterxml.jackson.databind.JsonNode> messages = request.messages();
                if (messages.get(messages.size() - 1).path("role").asText().equals("tool")) {
                    return Reply.text("Sent (" + request.lastToolResult() + ").");
                }
                return request.lastUserMessage().equals("remind me") ? Reply.toolCall("remind_now", "{}")
                        : Reply.text("Snoozed for ten minutes.");
            });
            Map<String, String> env = new HashMap<>();
            env.put("WORKSPACE_DIR", workspace.toString());
            env.put("PLUGINS_DIR", pluginsDir.toString());
            env.put("DATABASE_URL", database.postgresUrl());
            env.put("OPENAI_API_KEY", "sk-test-messages-0001");
            env.put("OPENAI_API_BASE", openAi.baseUrl());
            env.put("LLM_MODEL_NAME", "gpt-4o");

            ConsoleSession.Result result = ConsoleSession.run(env, workingDir, "remind me", "snooze it");

            assertThat(result.stdout().lines().toList()).containsExactly(
                    "⏰ Reminder: water the plants", "Sent (delivery: DELIVERED).", "Snoozed for ten minutes.");
            // The turn's request, not the memory plugin's extraction request that may follow it in the background.
            RecordedRequest nextTurn = openAi.chatRequests().stream()
                    .filter(r -> "snooze it".equals(r.lastUserMessage())).reduce((first, last) -> last).orElseThrow();
            assertThat(nextTurn.messages()).extracting(m -> m.path("role").asText() + ": "
                            + RecordedRequest.userText(m.path("content").asText()))
                    .containsSubsequence("assistant: ⏰ Reminder: water the plants", "user: snooze it");
            try (Connection connection = database.dataSource().getConnection();
                 Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT state, recorded FROM master_deliveries")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getString(1) + " " + rows.getBoolean(2)).isEqualTo("delivered true");
            }
        }
    }
}
