package dev.cortana.host.llm;

import dev.cortana.api.llm.LlmProvider;
import dev.cortana.api.llm.ModelClient;
import dev.cortana.api.llm.ModelInfo;
import dev.cortana.api.llm.ModelSetup;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import java.util.List;

/**
 * The real LangChain4j OpenAI client, retries off, as a provider plugin builds it: lets host tests drive rotation over
 * real HTTP against {@link dev.cortana.testkit.wire.FakeOpenAi} without building a plugin JAR.
 */
public record LoopbackOpenAiProvider(String id, List<ModelInfo> catalog) implements LlmProvider {

    public LoopbackOpenAiProvider(String id) {
        this(id, List.of(new ModelInfo(id, "gpt-4o", 128_000, 16_384)));
    }

    @Override
    public ModelClient model(ModelSetup setup) {
        if (setup.streaming()) {
            return ModelClient.of(OpenAiStreamingChatModel.builder().httpClientBuilder(setup.http())
                    .baseUrl(setup.baseUrl()).apiKey(setup.apiKey()).modelName(setup.modelName())
                    .timeout(setup.requestTimeout()).build());
        }
        return ModelClient.of(OpenAiChatModel.builder().httpClientBuilder(setup.http())
                .baseUrl(setup.baseUrl()).apiKey(setup.apiKey()).modelName(setup.modelName())
                .timeout(setup.requestTimeout()).maxRetries(0).build());
    }
}
