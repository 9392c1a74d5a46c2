package dev.cortana.host.llm;

import dev.cortana.api.llm.LlmCredential;
import dev.cortana.api.llm.LlmProvider;
import dev.cortana.api.llm.ModelInfo;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.jdk.JdkHttpClient;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import java.util.Optional;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;

/**
 * The real LangChain4j OpenAI client, retries off, as a provider plugin builds it: lets host tests drive rotation over
 * real HTTP against {@link dev.cortana.host.testing.FakeOpenAi} without building a plugin JAR.
 */
record LoopbackOpenAiProvider(String id, List<ModelInfo> catalog) implements LlmProvider {

    LoopbackOpenAiProvider(String id) {
        this(id, List.of(new ModelInfo(id, "gpt-4o", 128_000, 16_384)));
    }

    @Override
    public ChatModel chatModel(LlmCredential credential, String modelName) {
        return chatModel(credential, modelName, JdkHttpClient.builder()
                .httpClientBuilder(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)));
    }

    @Override
    public ChatModel chatModel(LlmCredential credential, String modelName, HttpClientBuilder http) {
        return OpenAiChatModel.builder()
                .httpClientBuilder(http)
                .baseUrl(credential.baseUrl().orElseThrow())
                .apiKey(credential.apiKey())
                .modelName(modelName)
                .timeout(Duration.ofSeconds(30))
                .maxRetries(0)
                .build();
    }

    @Override
    public Optional<StreamingChatModel> streamingChatModel(LlmCredential credential, String modelName) {
        return streamingChatModel(credential, modelName, JdkHttpClient.builder()
                .httpClientBuilder(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)));
    }

    @Override
    public Optional<StreamingChatModel> streamingChatModel(LlmCredential credential, String modelName,
                                                           HttpClientBuilder http) {
        return Optional.of(OpenAiStreamingChatModel.builder()
                .httpClientBuilder(http)
                .baseUrl(credential.baseUrl().orElseThrow())
                .apiKey(credential.apiKey())
                .modelName(modelName)
                .timeout(Duration.ofSeconds(30))
                .build());
    }
}
