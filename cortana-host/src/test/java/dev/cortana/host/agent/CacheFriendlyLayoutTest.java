package dev.cortana.host.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.api.llm.LlmProvider;
import dev.cortana.api.llm.ModelClient;
import dev.cortana.api.llm.ModelSetup;
import dev.cortana.api.tools.ToolProvider;
import dev.cortana.host.config.Config;
import dev.cortana.host.conversation.InMemoryConversations;
import dev.cortana.host.llm.ModelRouter;
import dev.cortana.host.plugins.Contribution;
import dev.cortana.host.prompt.SystemPrompt;
import dev.cortana.host.testing.MutableClock;
import dev.cortana.host.tools.ToolRegistry;
import dev.cortana.host.tools.ToolRunner;
import dev.cortana.host.workspace.HostWorkspace;
import dev.cortana.testkit.wire.FakeOpenAi;
import dev.cortana.testkit.wire.FakeOpenAi.RecordedRequest;
import dev.cortana.testkit.wire.FakeOpenAi.Reply;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a provider's prompt cache needs: every request of a conversation begins with the whole previous request, read
 * in the order providers build their prompt (tools, system, messages), also when the minute changes between messages
 * and after tool calls.
 */
class CacheFriendlyLayoutTest {

    @TempDir
    Path workspaceDir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T11:59:50Z"));
    private FakeOpenAi openAi;
    private ToolRunner runner;
    private Agent agent;

    public static final class WeatherTools implements ToolProvider {
        @Override
        public List<Object> tools() {
            return List.of(this);
        }

        @Tool("The weather in a city")
        public String weather(String city) {
            return "Sunny in " + city;
        }
    }

    @BeforeEach
    void start() {
        openAi = FakeOpenAi.start();
        LlmProvider provider = new LlmProvider() {
            @Override public String id() { return "openai"; }
            @Override public boolean ownsModel(String model) { return true; }
            @Override public ModelClient model(ModelSetup setup) {
                return ModelClient.of(OpenAiChatModel.builder().httpClientBuilder(setup.http()).baseUrl(setup.baseUrl())
                        .apiKey(setup.apiKey()).modelName(setup.modelName()).timeout(setup.requestTimeout())
                        .maxRetries(0).build());
            }
        };
        Config config = Config.of(Map.of("OPENAI_API_KEY", "sk-layout-test-1", "OPENAI_API_BASE", openAi.baseUrl()));
        ModelRouter router = new ModelRouter(() -> List.of(provider), () -> 1L, config);
        ToolRegistry tools = new ToolRegistry(() -> List.of(new Contribution<>("weather", new WeatherTools())), () -> 1L);
        runner = new ToolRunner(Duration.ofSeconds(5));
        SystemPrompt prompt = new SystemPrompt(HostWorkspace.open(workspaceDir), clock,
                u -> ZoneId.of("Europe/Berlin"), 20_000);
        agent = new Agent(router, userId -> "gpt-4o", tools, runner, new InMemoryConversations(), prompt, 2);
        openAi.respondWith(request -> {
            if (request.lastToolResult() != null) {
                return Reply.text("It is " + request.lastToolResult());
            }
            return request.lastUserMessage().contains("weather")
                    ? Reply.toolCall("weather", "{\"arg0\":\"Oslo\"}") : Reply.text("Hello.");
        });
    }

    @AfterEach
    void stop() {
        runner.close();
        openAi.close();
    }

    @Test
    void everyRequestBeginsWithTheWholePreviousOneAcrossAChangeOfMinuteAndToolCalls() {
        agent.reply("u1", "hi");
        clock.advance(Duration.ofSeconds(30)); // 12:00:20 in UTC, another minute and another hour
        agent.reply("u1", "what is the weather?");
        clock.advance(Duration.ofMinutes(3));
        agent.reply("u1", "thanks");

        List<RecordedRequest> requests = openAi.chatRequests();
        assertThat(requests).hasSize(4);
        for (int i = 1; i < requests.size(); i++) {
            RecordedRequest previous = requests.get(i - 1);
            assertThat(previous.shareRepeatedBy(requests.get(i))).as("request %d repeats request %d", i, i - 1)
                    .isEqualTo(1.0);
            assertThat(requests.get(i).promptInProviderOrder().size())
                    .isGreaterThan(previous.promptInProviderOrder().size());
        }
        assertThat(requests).extracting(RecordedRequest::toolNames).allSatisfy(names ->
                assertThat(names).containsExactly("weather"));
    }

    @Test
    void theTimeTravelsWithTheNewestMessageAndStaysInTheHistoryAsSent() {
        agent.reply("u1", "hi");
        clock.advance(Duration.ofSeconds(30));
        agent.reply("u1", "hello again");

        RecordedRequest second = openAi.chatRequests().get(1);
        assertThat(second.systemPrompt()).doesNotContain("12:59").doesNotContain("13:00").doesNotContain("2026-12-01");
        assertThat(second.lastUserMessageAsSent())
                .isEqualTo("Now: Tuesday 2026-12-01 13:00 (Europe/Berlin, UTC+01:00)\n\nhello again");
        assertThat(second.lastUserMessage()).isEqualTo("hello again");
        // the context is a message of its own right before the user's words, kept in the history as sent
        assertThat(second.messages().get(1).path("content").asText())
                .isEqualTo("Now: Tuesday 2026-12-01 12:59 (Europe/Berlin, UTC+01:00)");
        assertThat(second.messages().get(2).path("content").asText()).isEqualTo("hi");
    }

    @Test
    void theSystemPromptIsTheSameForEveryMessage() {
        agent.reply("u1", "hi");
        clock.advance(Duration.ofHours(5));
        agent.reply("u1", "what is the weather?");

        assertThat(openAi.chatRequests()).extracting(RecordedRequest::systemPrompt).containsOnly(
                openAi.chatRequests().get(0).systemPrompt());
    }
}
