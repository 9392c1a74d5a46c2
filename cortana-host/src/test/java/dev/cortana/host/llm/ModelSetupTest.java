package dev.cortana.host.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.api.llm.LlmCredential;
import dev.cortana.api.llm.LlmProvider;
import dev.cortana.api.llm.ModelInfo;
import dev.cortana.api.llm.ModelClient;
import dev.cortana.api.llm.ModelSetup;
import dev.cortana.host.config.Config;
import dev.cortana.testkit.wire.FakeOpenAi;
import dev.cortana.testkit.wire.FakeOpenAi.Reply;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the host resolves once for every provider: base URL (with the provider's default), timeout, HTTP client. */
class ModelSetupTest {

    private final FakeOpenAi server = FakeOpenAi.start();
    private final List<ModelSetup> seen = new CopyOnWriteArrayList<>();
    private ModelRouter router;

    @AfterEach
    void tearDown() {
        if (router != null) {
            router.close();
        }
        server.close();
    }

    /** Like a local Ollama: a cleartext default base URL, used when {@code <PROVIDER>_API_BASE} is not set. */
    private LlmProvider localServer(Optional<String> defaultBase) {
        return new LlmProvider() {
            @Override public String id() { return "local"; }
            @Override public Optional<String> defaultBaseUrl(String providerName) { return defaultBase; }
            @Override public ModelClient model(ModelSetup setup) {
                seen.add(setup);
                return ModelClient.of(OpenAiChatModel.builder().httpClientBuilder(setup.http()).baseUrl(setup.baseUrl())
                        .apiKey(setup.apiKey()).modelName(setup.modelName()).timeout(setup.requestTimeout())
                        .maxRetries(0).build());
            }
        };
    }

    private String ask(LlmProvider provider, Map<String, String> env) {
        List<LlmProvider> providers = List.of(provider);
        router = new ModelRouter(() -> providers, () -> 1L, Config.of(env));
        return router.chat("local/llama3", ChatRequest.builder().messages(UserMessage.from("hi")).build())
                .aiMessage().text();
    }

    @Test
    void aCleartextDefaultBaseGetsHttp11AndTheConfiguredTimeout() {
        server.enqueue(Reply.text("hello"));

        String answer = ask(localServer(Optional.of(server.baseUrl())),
                Map.of("LOCAL_API_KEY", "local-key-0000000001", "LLM_REQUEST_TIMEOUT", "45"));

        assertThat(answer).isEqualTo("hello");
        assertThat(seen).singleElement().satisfies(setup -> {
            assertThat(setup.baseUrl()).isEqualTo(server.baseUrl());
            assertThat(setup.requestTimeout()).isEqualTo(Duration.ofSeconds(45));
            assertThat(setup.streaming()).isFalse();
        });
        // The host's client was made for the resolved URL, so a default cleartext server gets no h2c upgrade.
        assertThat(server.lastRequest().header("Upgrade")).isNull();
    }

    @Test
    void theProvidersHookAdjustsEveryRequestBeforeItIsSent() {
        server.enqueue(Reply.text("noted"));
        LlmProvider plain = localServer(Optional.of(server.baseUrl()));
        LlmProvider adjusting = new LlmProvider() {
            @Override public String id() { return "local"; }
            @Override public Optional<String> defaultBaseUrl(String providerName) { return plain.defaultBaseUrl(providerName); }
            @Override public ModelClient model(ModelSetup setup) { return plain.model(setup); }
            @Override public ChatRequest prepare(ChatRequest request, String modelName) {
                List<ChatMessage> messages = new ArrayList<>(request.messages());
                messages.add(0, SystemMessage.from("prepared for " + modelName));
                return ChatRequest.builder().messages(messages).parameters(request.parameters()).build();
            }
        };

        assertThat(ask(adjusting, Map.of("LOCAL_API_KEY", "local-key-0000000001"))).isEqualTo("noted");

        assertThat(server.lastRequest().body().path("messages").get(0).path("content").asText())
                .isEqualTo("prepared for llama3");
        assertThat(server.lastRequest().lastUserMessage()).isEqualTo("hi");
    }

    @Test
    void aProviderWithoutItsOwnCatalogOffersTheBundledCatalogsModels() {
        LlmProvider gemini = new LlmProvider() {
            @Override public String id() { return "gemini"; }
            @Override public Optional<String> defaultBaseUrl(String providerName) { return Optional.of(server.baseUrl()); }
            @Override public ModelClient model(ModelSetup setup) { throw new AssertionError("no call expected"); }
            @Override public List<ModelInfo> listModels(LlmCredential credential) throws Exception {
                throw new java.io.IOException("offline");
            }
        };
        router = new ModelRouter(() -> List.of(gemini), () -> 1L, Config.of(Map.of("GEMINI_API_KEY", "gem-key-000001")));

        assertThat(router.models("gemini")).contains(new ModelInfo("gemini", "gemini-2.5-pro", 1_048_576, 65_536));
    }

    @Test
    void aBareModelNameNoProviderClaimsGoesToTheOnlyProviderWithKeys() {
        // Like DeepSeek through the OpenAI-compatible plugin: "deepseek-chat" with only DEEPSEEK_API_KEY set.
        server.enqueue(Reply.text("hello from deepseek"));
        LlmProvider plain = localServer(Optional.empty());
        LlmProvider deepseek = new LlmProvider() {
            @Override public String id() { return "openai-compatible"; }
            @Override public boolean serves(String providerName) { return providerName.equals("deepseek"); }
            @Override public ModelClient model(ModelSetup setup) { return plain.model(setup); }
        };
        router = new ModelRouter(() -> List.of(deepseek), () -> 1L, Config.of(Map.of(
                "DEEPSEEK_API_KEY", "sk-deepseek-000000000001", "DEEPSEEK_API_BASE", server.baseUrl())));

        assertThat(router.chat("deepseek-chat", ChatRequest.builder().messages(UserMessage.from("hi")).build())
                .aiMessage().text()).isEqualTo("hello from deepseek");
        assertThat(seen).singleElement().satisfies(setup -> {
            assertThat(setup.credential().provider()).isEqualTo("deepseek");
            assertThat(setup.modelName()).isEqualTo("deepseek-chat");
        });
        assertThat(router.modelInfo("deepseek/deepseek-chat")).contains(new ModelInfo("deepseek", "deepseek-chat", 128_000, 8_192));
    }

    @Test
    void aProviderWithNoKnownServerIsRefusedWithWhatToSet() {
        LlmProvider provider = localServer(Optional.empty());
        router = new ModelRouter(() -> List.of(provider), () -> 1L, Config.of(Map.of("LOCAL_API_KEY", "local-key-01")));

        assertThat(router.unavailableReason("local/llama3")).contains("No server is known for provider \"local\": set "
                + "LOCAL_API_BASE to its URL (for example http://localhost:8000/v1), then restart Cortana.");
        assertThat(seen).isEmpty();
    }
}
