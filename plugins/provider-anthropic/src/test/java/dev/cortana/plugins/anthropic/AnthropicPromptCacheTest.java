package dev.cortana.plugins.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cortana.api.PluginSettings;
import dev.cortana.api.llm.LlmCredential;
import dev.cortana.api.llm.ModelClient;
import dev.cortana.api.llm.ModelInfo;
import dev.cortana.api.llm.ModelSetup;
import dev.cortana.api.llm.PromptTokens;
import dev.cortana.testkit.wire.FakeAnthropic;
import dev.cortana.testkit.wire.FakeAnthropic.Reply;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.http.client.jdk.JdkHttpClient;
import dev.langchain4j.model.anthropic.AnthropicTokenUsage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Anthropic's prompt cache: breakpoints on the stable prefix (tools, system prompt) and on the conversation (the
 * newest message, put there by {@code prepare}), and the cache figures read from Anthropic's usage for the ledger.
 */
class AnthropicPromptCacheTest {

    private static final String KEY = "sk-ant-cache-test-000000000001";
    private static final String MODEL = "claude-sonnet-4-0";
    private static final ToolSpecification WEATHER = ToolSpecification.builder().name("weather")
            .description("The weather in a city")
            .parameters(JsonObjectSchema.builder().addStringProperty("city").required("city").build()).build();
    private static final ToolSpecification TIME = ToolSpecification.builder().name("time").description("The time")
            .build();

    private final FakeAnthropic anthropic = FakeAnthropic.start();

    @AfterEach
    void stop() {
        anthropic.close();
    }

    private static AnthropicProvider provider(Map<String, String> settings) {
        return new AnthropicProvider((PluginSettings) key -> Optional.ofNullable(settings.get(key)));
    }

    /** Sends {@code messages} with both tools the way the host does: {@code prepare}, then the provider's client. */
    private ChatResponse send(AnthropicProvider provider, List<ChatMessage> messages) {
        ModelSetup setup = new ModelSetup(new LlmCredential("anthropic", KEY, Optional.of(anthropic.baseUrl())), MODEL,
                anthropic.baseUrl(), Duration.ofSeconds(30),
                JdkHttpClient.builder().httpClientBuilder(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)),
                false, new ModelInfo("anthropic", MODEL, 0, 0));
        ChatModel model = ((ModelClient.Blocking) provider.model(setup)).model();
        ChatRequest request = ChatRequest.builder().messages(messages).toolSpecifications(WEATHER, TIME).build();
        return model.chat(provider.prepare(request, MODEL));
    }

    @Test
    void theToolsTheSystemPromptAndTheNewestMessageCarryCacheBreakpoints() {
        anthropic.enqueue(Reply.text("Hello."));
        List<ChatMessage> conversation = List.of(SystemMessage.from("You are Cortana."), UserMessage.from("hi"),
                AiMessage.from("Hello!"), UserMessage.from("how are you?"));

        send(provider(Map.of()), conversation);

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
        assertThat(conversation.get(3).toString()).as("the conversation keeps its message unmarked")
                .doesNotContain("cache_control");
    }

    @Test
    void theFollowUpReadsThePreviousRequestFromTheCacheAndEveryInputTokenIsCounted() {
        anthropic.enqueue(Reply.text("Hello, Ada."), Reply.text("You are Ada."));
        AnthropicProvider provider = provider(Map.of());
        List<ChatMessage> conversation = new ArrayList<>(List.of(SystemMessage.from("You are Cortana. ".repeat(50)),
                UserMessage.from("I am Ada")));

        ChatResponse first = send(provider, conversation);
        conversation.add(first.aiMessage());
        conversation.add(UserMessage.from("who am I?"));
        ChatResponse second = send(provider, conversation);

        AnthropicTokenUsage firstUsage = (AnthropicTokenUsage) first.tokenUsage();
        AnthropicTokenUsage secondUsage = (AnthropicTokenUsage) second.tokenUsage();
        assertThat(firstUsage.cacheReadInputTokens()).isZero();
        assertThat(firstUsage.cacheCreationInputTokens()).isPositive();
        assertThat(secondUsage.cacheReadInputTokens()).isGreaterThanOrEqualTo(firstUsage.cacheCreationInputTokens() - 5);
        PromptTokens prompt = provider.promptTokens(secondUsage);
        assertThat(prompt.cachedInput()).isEqualTo((long) secondUsage.cacheReadInputTokens());
        assertThat(prompt.cacheWrite()).isEqualTo((long) secondUsage.cacheCreationInputTokens());
        assertThat(prompt.input()).isEqualTo((long) secondUsage.inputTokenCount() + secondUsage.cacheReadInputTokens()
                + secondUsage.cacheCreationInputTokens());
    }

    @Test
    void promptCacheOffSendsNoBreakpoints() {
        anthropic.enqueue(Reply.text("Hello."));

        send(provider(Map.of("ANTHROPIC_PROMPT_CACHE", "false")), List.of(SystemMessage.from("You are Cortana."),
                UserMessage.from("hi")));

        assertThat(anthropic.messageRequests().get(0).body().toString()).doesNotContain("cache_control");
    }
}
