package dev.cortana.plugins.openaicompatible;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cortana.api.PluginSettings;
import dev.cortana.api.llm.LlmCredential;
import dev.cortana.api.llm.ModelClient;
import dev.cortana.api.llm.ModelInfo;
import dev.cortana.api.llm.ModelSetup;
import dev.cortana.testkit.wire.FakeOpenAi;
import dev.cortana.testkit.wire.FakeOpenAi.RecordedRequest;
import dev.cortana.testkit.wire.FakeOpenAi.Reply;
import dev.cortana.testkit.wire.RecordingHttpClientBuilder;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.RateLimitException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The provider's side of the contract, over the wire: what the host hands it in a {@link ModelSetup}, what it sends. */
class OpenAiCompatibleProviderTest {

    private static final String KEY = "sk-deepseek-000000000001";

    private final FakeOpenAi server = FakeOpenAi.start();
    private final RecordingHttpClientBuilder http = new RecordingHttpClientBuilder();

    @AfterEach
    void stop() {
        server.close();
    }

    private static OpenAiCompatibleProvider provider(Map<String, String> env) {
        PluginSettings settings = key -> Optional.ofNullable(env.get(key));
        return new OpenAiCompatibleProvider(settings);
    }

    /** What the host hands the provider for a DeepSeek key whose DEEPSEEK_API_BASE is the fake. */
    private ModelSetup deepseek(String model, boolean streaming) {
        return new ModelSetup(new LlmCredential("deepseek", KEY, Optional.of(server.baseUrl())), model, server.baseUrl(),
                Duration.ofSeconds(30), http, streaming, new ModelInfo("deepseek", model, 0, 0));
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
    void chatsWithTheKeyAsBearerTokenAtTheBaseTheHostResolved() {
        server.enqueue(Reply.text("hello from deepseek"));

        String answer = ((ModelClient.Blocking) provider(Map.of()).model(deepseek("deepseek-chat", false))).model()
                .chat("hi");

        assertThat(answer).isEqualTo("hello from deepseek");
        RecordedRequest request = server.lastRequest();
        assertThat(request.path()).isEqualTo("/v1/chat/completions");
        assertThat(request.apiKey()).isEqualTo(KEY);
        assertThat(request.model()).isEqualTo("deepseek-chat");
        assertThat(http.sent()).as("through the host's HTTP builder").containsExactly(
                "POST " + server.baseUrl() + "/chat/completions");
    }

    @Test
    void aRateLimitIsNotRetriedAndKeepsTheKeyOutOfTheError() {
        server.enqueue(Reply.rateLimited(Duration.ofSeconds(5)), Reply.text("a retry would get this"));

        assertThatThrownBy(() -> ((ModelClient.Blocking) provider(Map.of()).model(deepseek("deepseek-chat", false)))
                .model().chat("hi"))
                .isInstanceOf(RateLimitException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(KEY))
                .rootCause().isInstanceOfSatisfying(HttpException.class, e -> assertThat(e.statusCode()).isEqualTo(429));
        assertThat(server.chatRequests()).as("the host rotates keys, not the client").hasSize(1);
    }

    @Test
    void aStreamingSetupGetsAStreamingClient() {
        assertThat(provider(Map.of()).model(deepseek("deepseek-chat", true))).isInstanceOf(ModelClient.Streaming.class);
    }

    @Test
    void listsTheServersModelsUnderTheKeysProviderName() throws Exception {
        server.models("deepseek-coder", "deepseek-chat");

        // The server reports no limits here: 0 means unknown, and the host fills them from its bundled catalog.
        assertThat(provider(Map.of()).listModels(deepseek("", false))).containsExactly(
                new ModelInfo("deepseek", "deepseek-chat", 0, 0),
                new ModelInfo("deepseek", "deepseek-coder", 0, 0));
        assertThat(server.lastRequest().path()).isEqualTo("/v1/models");
        assertThat(server.lastRequest().apiKey()).isEqualTo(KEY);
        assertThat(http.sent()).as("through the host's HTTP builder").containsExactly("GET " + server.baseUrl() + "/models");
    }

    @Test
    void aRefusedListingFailsWithTheStatusAndWithoutTheKey() {
        server.rejectKey(KEY);

        assertThatThrownBy(() -> provider(Map.of()).listModels(deepseek("", false)))
                .isInstanceOfSatisfying(HttpException.class, e -> assertThat(e.statusCode()).isEqualTo(401))
                .hasMessageContaining("invalid_api_key")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(KEY));
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
