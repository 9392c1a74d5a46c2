package dev.cortana.host.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cortana.api.llm.LlmProvider;
import dev.cortana.api.llm.ModelClient;
import dev.cortana.api.llm.ModelSetup;
import dev.cortana.api.llm.ModelInfo;
import dev.cortana.host.config.Config;
import dev.cortana.host.config.ConfigException;
import dev.cortana.testkit.wire.FakeOpenAi;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Where a model's context window and output limit come from: override, live listing, data file, plugin catalog. */
class ModelCatalogTest {

    private final FakeOpenAi openAi = FakeOpenAi.start();
    private ModelRouter router;

    @AfterEach
    void stop() {
        if (router != null) {
            router.close();
        }
        openAi.close();
    }

    /** A router whose plugin knows only {@code pluginCatalog}. */
    private ModelRouter router(List<ModelInfo> pluginCatalog, String... settings) {
        Map<String, String> env = new HashMap<>(Map.of("OPENAI_API_KEY", "sk-test-catalog-000000000001",
                "OPENAI_API_BASE", openAi.baseUrl()));
        for (int i = 0; i < settings.length; i += 2) {
            env.put(settings[i], settings[i + 1]);
        }
        List<LlmProvider> providers = List.of(new LoopbackOpenAiProvider("openai", pluginCatalog));
        router = new ModelRouter(() -> providers, () -> 1L, Config.of(env));
        return router;
    }

    @Test
    void theDataFileKnowsTheCommonModelsOfEachProvider() {
        ModelCatalog catalog = new ModelCatalog(ModelCatalog.readBundled(), Map.of());

        assertThat(catalog.merge("anthropic", "claude-sonnet-4-0", Optional.empty(), Optional.empty()))
                .hasValue(new ModelInfo("anthropic", "claude-sonnet-4-0", 200_000, 64_000));
        assertThat(catalog.merge("gemini", "gemini-2.5-flash", Optional.empty(), Optional.empty()))
                .hasValue(new ModelInfo("gemini", "gemini-2.5-flash", 1_048_576, 65_536));
        assertThat(catalog.merge("openai", "gpt-4.1", Optional.empty(), Optional.empty()))
                .hasValue(new ModelInfo("openai", "gpt-4.1", 1_047_576, 32_768));
        assertThat(catalog.merge("openai", "o4-mini", Optional.empty(), Optional.empty()))
                .hasValue(new ModelInfo("openai", "o4-mini", 200_000, 100_000));
        assertThat(catalog.merge("deepseek", "deepseek-chat", Optional.empty(), Optional.empty()))
                .hasValue(new ModelInfo("deepseek", "deepseek-chat", 128_000, 8_192));
        assertThat(List.of("openai", "anthropic", "gemini", "deepseek", "groq", "mistral", "qwen", "openrouter"))
                .allSatisfy(provider -> assertThat(catalog.bundled(provider)).isNotEmpty()
                        .allSatisfy(model -> assertThat(model.contextWindow()).isPositive()));
    }

    @Test
    void theDataFileOutranksAPluginCatalog() {
        router(List.of(new ModelInfo("openai", "gpt-4o", 8_000, 1_000)));

        assertThat(router.modelInfo("openai/gpt-4o")).hasValue(new ModelInfo("openai", "gpt-4o", 128_000, 16_384));
    }

    @Test
    void aPluginCatalogAnswersForModelsTheDataFileLacks() {
        router(List.of(new ModelInfo("openai", "house-model", 32_000, 4_000)));

        assertThat(router.modelInfo("openai/house-model")).hasValue(new ModelInfo("openai", "house-model", 32_000, 4_000));
    }

    @Test
    void modelLimitsOverridesEverySource() {
        router(List.of(), "MODEL_LIMITS", "openai/gpt-4o=64000:4096, openai/llama3.1:8b=8192");

        assertThat(router.modelInfo("openai/gpt-4o")).hasValue(new ModelInfo("openai", "gpt-4o", 64_000, 4_096));
        assertThat(router.modelInfo("openai/llama3.1:8b")).hasValue(new ModelInfo("openai", "llama3.1:8b", 8_192, 0));
    }

    @Test
    void anOverrideOfOnlyTheContextWindowKeepsTheKnownOutputLimit() {
        router(List.of(), "MODEL_LIMITS", "openai/gpt-4o=100000");

        assertThat(router.modelInfo("gpt-4o")).hasValue(new ModelInfo("openai", "gpt-4o", 100_000, 16_384));
    }

    @Test
    void aLiveListingThatReportsLimitsOutranksTheDataFile() {
        ModelCatalog catalog = new ModelCatalog(ModelCatalog.readBundled(), Map.of());
        Optional<ModelInfo> listed = Optional.of(new ModelInfo("openai", "gpt-4o", 120_000, 0));

        assertThat(catalog.merge("openai", "gpt-4o", listed, Optional.empty()))
                .hasValue(new ModelInfo("openai", "gpt-4o", 120_000, 16_384));
    }

    /** A provider whose live listing names {@code names} and reports no limits, as OpenAI's and Anthropic's do. */
    private static LlmProvider listing(String provider, String... names) {
        LlmProvider plain = new LoopbackOpenAiProvider(provider, List.of());
        return new LlmProvider() {
            @Override public String id() { return provider; }
            @Override public ModelClient model(ModelSetup setup) { return plain.model(setup); }
            @Override public List<ModelInfo> listModels(ModelSetup setup) {
                return Stream.of(names).map(name -> new ModelInfo(provider, name, 0, 0)).toList();
            }
        };
    }

    private ModelRouter listingRouter(LlmProvider provider, String keyName) {
        router = new ModelRouter(() -> List.of(provider), () -> 1L, Config.of(Map.of(keyName, "sk-test-listing-000000001",
                provider.id().toUpperCase(java.util.Locale.ROOT) + "_API_BASE", openAi.baseUrl())));
        return router;
    }

    @Test
    void listedModelsGetTheDataFilesLimitsAndADatedSnapshotItsAliass() {
        listingRouter(listing("openai", "gpt-4o", "gpt-4o-2024-08-06", "gpt-4o-2024-05-13", "my-local-llm"),
                "OPENAI_API_KEY");

        assertThat(router.models("openai")).containsExactly(
                new ModelInfo("openai", "gpt-4o", 128_000, 16_384),
                new ModelInfo("openai", "gpt-4o-2024-08-06", 128_000, 16_384),
                new ModelInfo("openai", "gpt-4o-2024-05-13", 128_000, 4_096),
                new ModelInfo("openai", "my-local-llm", 0, 0));
    }

    @Test
    void aDatedClaudeIdSharesTheLimitsOfItsZeroOrLatestAlias() {
        listingRouter(listing("anthropic", "claude-sonnet-4-20250514", "claude-3-5-haiku-20241022", "claude-next"),
                "ANTHROPIC_API_KEY");

        assertThat(router.models("anthropic")).containsExactly(
                new ModelInfo("anthropic", "claude-sonnet-4-20250514", 200_000, 64_000),
                new ModelInfo("anthropic", "claude-3-5-haiku-20241022", 200_000, 8_192),
                new ModelInfo("anthropic", "claude-next", 0, 0));
    }

    @Test
    void anUnknownModelHasNoInfo() {
        router(List.of());

        assertThat(router.modelInfo("openai/nobody-knows-me")).isEmpty();
    }

    @Test
    void aMalformedOverrideStopsStartUpNamingTheSettingAndTheEntry() {
        assertThatThrownBy(() -> router(List.of(), "MODEL_LIMITS", "openai/gpt-4o=128000:16384,gpt-4o=lots"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("MODEL_LIMITS entry \"gpt-4o=lots\" is not valid: expected "
                        + "provider/model=context_window[:max_output_tokens] in whole tokens, e.g. openai/gpt-4o=128000:16384");
    }

    @Test
    void aZeroContextWindowIsRefused() {
        assertThatThrownBy(() -> router(List.of(), "MODEL_LIMITS", "openai/gpt-4o=0"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("\"openai/gpt-4o=0\"");
    }
}
