package dev.cortana.plugins.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cortana.api.PluginSettings;
import dev.cortana.api.llm.LlmProvider;
import dev.cortana.host.config.Config;
import dev.cortana.host.llm.ModelRouter;
import dev.cortana.host.llm.rotation.KeyStatus;
import dev.cortana.host.llm.rotation.RotationSettings;
import dev.cortana.testkit.wire.FakeAnthropic;
import dev.cortana.testkit.wire.FakeAnthropic.Reply;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.anthropic.AnthropicTokenUsage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Anthropic's prompt cache: breakpoints on the stable prefix and on the conversation, and what it reports. */
class AnthropicPromptCacheTest {

    private static final String KEY = "sk-ant-cache-test-000000000001";
    private static final String MODEL = "anthropic/claude-sonnet-4-0";
    private static final ToolSpecification WEATHER = ToolSpecification.builder().name("weather")
            .description("The weather in a city")
            .parameters(JsonObjectSchema.builder().addStringProperty("city").required("city").build()).build();
    private static final ToolSpecification TIME = ToolSpecification.builder().name("time").description("The time")
            .build();

    private final FakeAnthropic anthropic = FakeAnthropic.start();
    private final List<ModelRouter> routers = new ArrayList<>();

    private ModelRouter router(Map<String, String> settings) {
        List<LlmProvider> providers = List.of(new AnthropicProvider((PluginSettings) key -> Optional.ofNullable(settings.get(key))));
        ModelRouter router = new ModelRouter(() -> providers, () -> 1L, Config.of(Map.of("ANTHROPIC_API_KEY", KEY,
                "ANTHROPIC_API_BASE", anthropic.baseUrl())),
                new RotationSettings(true, 0, 1, Duration.ofSeconds(10), Optional.empty(), List.of()), Clock.systemUTC());
        routers.add(router);
        return router;
    }

    @AfterEach
    void stop() {
        routers.forEach(ModelRouter::close);
        anthropic.close();
    }

    private static ChatRequest request(List<ChatMessage> messages) {
        return ChatRequest.builder().messages(messages).toolSpecifications(WEATHER, TIME).build();
    }

    @Test
    void theToolsTheSystemPromptAndTheNewestMessageCarryCacheBreakpoints() {
        anthropic.enqueue(Reply.text("Hello."));

        router(Map.of()).chat(MODEL, request(List.of(SystemMessage.from("You are Cortana."), UserMessage.from("hi"),
                dev.langchain4j.data.message.AiMessage.from("Hello!"), UserMessage.from("how are you?"))));

        JsonNode body = anthropic.messageRequests().get(0).body();
        assertThat(body.path("tools").get(0).has("cache_control")).isFalse();
        assertThat(body.path("tools").get(1).path("cache_control").path("type").asText()).isEqualTo("ephemeral");
        JsonNode system = body.path("system");
        assertThat(system.get(system.size() - 1).path("cache_control").path("type").asText()).isEqualTo("ephemeral");
        JsonNode messages = body.path("messages");
        assertThat(messages).hasSize(3);
        assertThat(messages.get(0).toString()).doesNotContain("cache_control");
        assertThat(messages.get(1).toString()).doesNotContain("cache_control");
        assertThat(messages.get(2).path("content").get(0).path("cache_control").path("type").asText())
                .isEqualTo("ephemeral");
    }

    @Test
    void theFollowUpReadsThePreviousRequestFromTheCacheAndTheLedgerCountsIt() {
        anthropic.enqueue(Reply.text("Hello, Ada."), Reply.text("You are Ada."));
        ModelRouter router = router(Map.of());
        List<ChatMessage> conversation = new ArrayList<>(List.of(SystemMessage.from("You are Cortana. ".repeat(50)),
                UserMessage.from("I am Ada")));

        ChatResponse first = router.chat(MODEL, request(conversation));
        conversation.add(first.aiMessage());
        conversation.add(UserMessage.from("who am I?"));
        ChatResponse second = router.chat(MODEL, request(conversation));

        AnthropicTokenUsage firstUsage = (AnthropicTokenUsage) first.tokenUsage();
        AnthropicTokenUsage secondUsage = (AnthropicTokenUsage) second.tokenUsage();
        assertThat(firstUsage.cacheReadInputTokens()).isZero();
        assertThat(firstUsage.cacheCreationInputTokens()).isPositive();
        assertThat(secondUsage.cacheReadInputTokens()).isGreaterThanOrEqualTo(firstUsage.cacheCreationInputTokens() - 5);
        KeyStatus.TokensToday today = router.status(MODEL).get(0).keys().get(0).today();
        assertThat(today.cachedInput()).isEqualTo((long) secondUsage.cacheReadInputTokens());
        assertThat(today.cacheWrite()).isEqualTo(firstUsage.cacheCreationInputTokens() + secondUsage.cacheCreationInputTokens());
        assertThat(today.input()).isEqualTo(firstUsage.inputTokenCount() + firstUsage.cacheCreationInputTokens()
                + secondUsage.inputTokenCount() + secondUsage.cacheCreationInputTokens()
                + secondUsage.cacheReadInputTokens());
        assertThat(today.output()).isEqualTo(first.tokenUsage().outputTokenCount() + second.tokenUsage().outputTokenCount());
    }

    @Test
    void promptCacheOffSendsNoBreakpoints() {
        anthropic.enqueue(Reply.text("Hello."));

        router(Map.of("ANTHROPIC_PROMPT_CACHE", "false")).chat(MODEL, request(List.of(SystemMessage.from("You are Cortana."),
                UserMessage.from("hi"))));

        assertThat(anthropic.messageRequests().get(0).body().toString()).doesNotContain("cache_control");
    }
}
