package dev.cortana.plugins.openaicompatible;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.api.PluginSettings;
import dev.cortana.api.llm.LlmCredential;
import dev.cortana.api.llm.LlmProvider;
import dev.cortana.api.llm.ModelInfo;
import dev.cortana.host.config.Config;
import dev.cortana.host.llm.ModelRouter;
import dev.cortana.host.llm.rotation.RotationSettings;
import dev.cortana.testkit.wire.FakeOpenAi;
import dev.cortana.testkit.wire.FakeOpenAi.Reply;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OpenAiCompatibleProviderTest {

    private final FakeOpenAi server = FakeOpenAi.start();

    @AfterEach
    void stop() {
        server.close();
    }

    private static OpenAiCompatibleProvider provider(Map<String, String> env) {
        PluginSettings settings = key -> Optional.ofNullable(env.get(key));
        return new OpenAiCompatibleProvider(settings);
    }

    @Test
    void servesTheKnownProvidersAndAnyNameWhoseBaseIsSet() {
        OpenAiCompatibleProvider provider = provider(Map.of("VLLM_API_BASE", "http://localhost:8000/v1"));

        assertThat(List.of("deepseek", "qwen", "dashscope", "openrouter", "groq", "mistral", "together", "ollama", "vllm"))
                .allMatch(provider::serves);
        assertThat(List.of("openai", "anthropic", "gemini", "zep", "exa")).noneMatch(provider::serves);
    }

    @Test
    void aKnownProviderUsesItsDocumentedBaseUrl() {
        LlmCredential deepseek = new LlmCredential("deepseek", "sk-deepseek-000000000001", Optional.empty());

        assertThat(provider(Map.of()).baseUrl(deepseek)).isEqualTo("https://api.deepseek.com/v1");
    }

    @Test
    void theHostLearnsEachKnownProvidersBaseAndNoneForAnUnknownOne() {
        OpenAiCompatibleProvider provider = provider(Map.of());

        assertThat(provider.defaultBaseUrl("ollama")).contains("http://localhost:11434/v1");
        assertThat(provider.defaultBaseUrl("deepseek")).contains("https://api.deepseek.com/v1");
        assertThat(provider.defaultBaseUrl("mylocal")).isEmpty();
    }

    @Test
    void deepseekKeysRotateThroughTheHostRouterWithABareModelName() {
        Map<String, String> env = Map.of("DEEPSEEK_API_KEY_1", "sk-deepseek-000000000001",
                "DEEPSEEK_API_KEY_2", "sk-deepseek-000000000002", "DEEPSEEK_API_BASE", server.baseUrl(),
                "ROTATOR_ROTATION_TOLERANCE", "0");
        server.forKey("sk-deepseek-000000000001").enqueue(Reply.rateLimited(Duration.ofSeconds(5)));
        server.forKey("sk-deepseek-000000000002").enqueue(Reply.text("hello from deepseek"));
        List<LlmProvider> providers = List.of(provider(env));
        Config config = Config.of(env);
        try (ModelRouter router = new ModelRouter(() -> providers, () -> 1L, config,
                new RotationSettings(true, 0, 1, Duration.ofSeconds(10), Optional.empty(), List.of()), Clock.systemUTC())) {
            String answer = router.chat("deepseek-chat", ChatRequest.builder().messages(UserMessage.from("hi")).build())
                    .aiMessage().text();

            assertThat(answer).isEqualTo("hello from deepseek");
            assertThat(router.modelInfo("deepseek/deepseek-chat")).contains(new ModelInfo("deepseek", "deepseek-chat", 128_000, 8_192));
        }
        assertThat(server.chatRequests()).extracting(FakeOpenAi.RecordedRequest::apiKey)
                .containsExactly("sk-deepseek-000000000001", "sk-deepseek-000000000002");
    }

    @Test
    void listedModelsCarryTheBundledCatalogsLimits() {
        server.models("deepseek-chat", "deepseek-coder");
        Map<String, String> env = Map.of("DEEPSEEK_API_KEY", "sk-deepseek-000000000001", "DEEPSEEK_API_BASE",
                server.baseUrl());
        List<LlmProvider> providers = List.of(provider(env));
        try (ModelRouter router = new ModelRouter(() -> providers, () -> 1L, Config.of(env))) {
            assertThat(router.models("deepseek")).containsExactly(
                    new ModelInfo("deepseek", "deepseek-chat", 128_000, 8_192),
                    new ModelInfo("deepseek", "deepseek-coder", 0, 0));
        }
    }

    @Test
    void carriesNoCatalogOfItsOwn() {
        assertThat(provider(Map.of()).catalog()).as("the host's model-catalog.yml is the one copy").isEmpty();
    }

    @Test
    void compilingRegistersTheExtensionInPf4jsIndex() throws Exception {
        Path classes = Path.of(OpenAiCompatibleProvider.class.getProtectionDomain().getCodeSource().getLocation().toURI());

        assertThat(Files.readAllLines(classes.resolve("META-INF/extensions.idx"), StandardCharsets.UTF_8))
                .contains(OpenAiCompatibleProvider.class.getName());
    }
}
