package dev.cortana.host.commands;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.api.commands.CommandInvocation;
import dev.cortana.api.llm.LlmCredential;
import dev.cortana.api.llm.LlmProvider;
import dev.cortana.api.llm.ModelClient;
import dev.cortana.api.llm.ModelInfo;
import dev.cortana.api.llm.ModelSetup;
import dev.cortana.host.config.Config;
import dev.cortana.host.llm.ModelRouter;
import dev.cortana.host.llm.rotation.RotationSettings;
import dev.cortana.host.storage.UserSettingsStore;
import dev.cortana.testkit.wire.FakeOpenAi;
import dev.cortana.testkit.wire.FakeOpenAi.Reply;
import dev.cortana.host.testing.PostgresExtension;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code /settings}: switching the model and time zone, and seeing each key's state. */
@ExtendWith(PostgresExtension.class)
class SettingsCommandTest {

    private static final String KEY_A = "sk-settings-alpha-00000000001";
    private static final String KEY_B = "sk-settings-bravo-00000000002";

    private final FakeOpenAi openAi = FakeOpenAi.start();
    private final UserSettingsStore store;
    private final ModelRouter router;
    private final SettingsCommand settings;
    private final String user = "u-" + UUID.randomUUID();

    SettingsCommandTest(DataSource dataSource) {
        store = new UserSettingsStore(dataSource);
        List<LlmProvider> providers = List.of(new Provider());
        router = new ModelRouter(() -> providers, () -> 1L, Config.of(Map.of("OPENAI_API_KEY_1", KEY_A,
                "OPENAI_API_KEY_2", KEY_B, "OPENAI_API_BASE", openAi.baseUrl())),
                new RotationSettings(true, 0, 1, Duration.ofSeconds(10), Optional.empty(), List.of()), Clock.systemUTC());
        settings = new SettingsCommand(router, store, "openai/gpt-4o", ZoneId.of("UTC"));
    }

    @AfterEach
    void tearDown() {
        router.close();
        openAi.close();
    }

    private String run(String subcommand, Map<String, String> options) throws Exception {
        return settings.run(new CommandInvocation(user, subcommand, options));
    }

    @Test
    void aListedModelIsSwitchedToAndRemembered() throws Exception {
        openAi.models("gpt-4o", "gpt-4o-mini");

        assertThat(run("model", Map.of("name", "openai/gpt-4o-mini"))).isEqualTo("Model set to **openai/gpt-4o-mini**.");
        assertThat(store.get(user, "model")).contains("openai/gpt-4o-mini");
    }

    @Test
    void aModelTheServerDoesNotListIsRefusedAndTheOldOneKept() throws Exception {
        openAi.models("gpt-4o");

        assertThat(run("model", Map.of("name", "openai/gpt-9-imaginary"))).startsWith(
                "Model not changed (still **openai/gpt-4o**): The openai server does not list a model named "
                        + "\"gpt-9-imaginary\"");
        assertThat(store.get(user, "model")).isEmpty();
    }

    @Test
    void aProviderNoPluginServesIsRefused() throws Exception {
        assertThat(run("model", Map.of("name", "nosuch/model"))).contains("No LLM provider plugin serves \"nosuch\"");
    }

    @Test
    void statusEndsWithTheLinesPluginsAddUnderAHeadingPerPlugin() throws Exception {
        Map<String, List<String>> lines = new java.util.LinkedHashMap<>();
        lines.put("web-search", List.of("searches today: 12", "spend this month: $0.40"));
        lines.put("calendar", List.of("no key: set CALDAV_PASSWORD to sync"));
        SettingsCommand withPlugins = new SettingsCommand(router, store, "openai/gpt-4o", ZoneId.of("UTC"), () -> lines);

        String status = withPlugins.run(new CommandInvocation(user, "status", Map.of()));

        assertThat(status).contains("**Model:** openai/gpt-4o").endsWith("""
                **web-search** (plugin)
                - searches today: 12
                - spend this month: $0.40

                **calendar** (plugin)
                - no key: set CALDAV_PASSWORD to sync""");
    }

    @Test
    void statusShowsEachKeyByFingerprintWithItsCooldownAndUsage() throws Exception {
        openAi.forKey(KEY_A).enqueue(Reply.rateLimited(Duration.ofSeconds(60)));
        openAi.forKey(KEY_B).enqueue(Reply.text("hi"));
        router.chat("openai/gpt-4o", ChatRequest.builder().messages(UserMessage.from("hi")).build());

        String status = run("status", Map.of());

        String fpA = new LlmCredential("openai", KEY_A, Optional.empty()).fingerprint();
        String fpB = new LlmCredential("openai", KEY_B, Optional.empty()).fingerprint();
        assertThat(status).contains("**Model:** openai/gpt-4o", "**Time zone:** UTC", "**openai** (cooldowns for gpt-4o)")
                .containsPattern("- `" + java.util.regex.Pattern.quote(fpA) + "` cooling down until \\d\\d:\\d\\d:\\d\\d UTC"
                        + " · today 1 requests, 0 tokens · last error RATE_LIMIT")
                .containsPattern("- `" + java.util.regex.Pattern.quote(fpB) + "` available · today 1 requests, \\d+ tokens")
                .doesNotContain(KEY_A, KEY_B);
    }

    @Test
    void statusShowsTodaysInputCachedInputAndOutputTokensPerProvider() throws Exception {
        openAi.enqueue(Reply.text("Hello, Ada."), Reply.text("You are Ada."));
        List<dev.langchain4j.data.message.ChatMessage> conversation = new java.util.ArrayList<>(List.of(
                dev.langchain4j.data.message.SystemMessage.from("You are a helpful assistant. ".repeat(40)),
                UserMessage.from("I am Ada")));
        var first = router.chat("openai/gpt-4o", ChatRequest.builder().messages(conversation).build());
        conversation.add(first.aiMessage());
        conversation.add(UserMessage.from("who am I?"));
        var second = router.chat("openai/gpt-4o", ChatRequest.builder().messages(conversation).build());

        String status = run("status", Map.of());

        long input = first.tokenUsage().inputTokenCount() + second.tokenUsage().inputTokenCount();
        long output = first.tokenUsage().outputTokenCount() + second.tokenUsage().outputTokenCount();
        long cached = ((dev.langchain4j.model.openai.OpenAiTokenUsage) second.tokenUsage()).inputTokensDetails()
                .cachedTokens();
        assertThat(cached).as("the second request repeats the first as its prefix").isGreaterThan(300);
        assertThat(((dev.langchain4j.model.openai.OpenAiTokenUsage) first.tokenUsage()).inputTokensDetails()
                .cachedTokens()).isZero();
        assertThat(status).contains("**openai** (cooldowns for gpt-4o)\n- today: "
                + String.format(java.util.Locale.ROOT, "%,d input tokens (%,d cached), %,d output tokens", input,
                cached, output));
    }

    @Test
    void modelsComeFromTheProvidersListingWithCatalogLimits() throws Exception {
        openAi.models("gpt-4o", "local-llama");

        assertThat(run("models", Map.of("provider", "openai"))).isEqualTo("""
                **openai models**
                - openai/gpt-4o — 128k context, 16k output
                - openai/local-llama""");
    }

    @Test
    void modelsFallBackToTheCatalogWhenTheListingFails() throws Exception {
        openAi.rejectKey(KEY_A);

        assertThat(run("models", Map.of())).isEqualTo("""
                **openai models**
                - openai/gpt-4o — 128k context, 16k output""");
    }

    @Test
    void aValidTimeZoneIsStored() throws Exception {
        assertThat(run("timezone", Map.of("zone", "Europe/Berlin"))).isEqualTo("Time zone set to **Europe/Berlin**.");
        assertThat(store.get(user, "timezone")).contains("Europe/Berlin");
    }

    @Test
    void anInvalidTimeZoneIsRefusedAndNothingIsLost() throws Exception {
        store.put(user, "timezone", "Asia/Tokyo");

        assertThat(run("timezone", Map.of("zone", "Mars/Olympus"))).contains("\"Mars/Olympus\" is not a time zone");
        assertThat(store.get(user, "timezone")).contains("Asia/Tokyo");
    }

    @Test
    void modelNamesAreSuggestedAsTheUserTypes() {
        openAi.models("gpt-4o", "gpt-4o-mini", "o3");

        assertThat(settings.complete("model", "name", "mini")).containsExactly("openai/gpt-4o-mini");
    }

    /** Lists models with GET /models like the OpenAI plugin, over the real JDK client. */
    private final class Provider implements LlmProvider {
        @Override
        public String id() {
            return "openai";
        }

        @Override
        public ModelClient model(ModelSetup setup) {
            return ModelClient.of(OpenAiChatModel.builder().httpClientBuilder(setup.http()).baseUrl(setup.baseUrl())
                    .apiKey(setup.apiKey()).modelName(setup.modelName()).timeout(setup.requestTimeout()).maxRetries(0)
                    .build());
        }

        @Override
        public dev.cortana.api.llm.PromptTokens promptTokens(dev.langchain4j.model.output.TokenUsage usage) {
            var openAi = (dev.langchain4j.model.openai.OpenAiTokenUsage) usage;
            return new dev.cortana.api.llm.PromptTokens(openAi.inputTokenCount(),
                    openAi.inputTokensDetails().cachedTokens(), 0);
        }

        @Override
        public List<ModelInfo> catalog() {
            return List.of(new ModelInfo("openai", "gpt-4o", 128_000, 16_384));
        }

        @Override
        public List<ModelInfo> listModels(LlmCredential credential) throws Exception {
            var response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(credential.baseUrl().orElseThrow() + "/models"))
                            .header("Authorization", "Bearer " + credential.apiKey()).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new dev.langchain4j.exception.HttpException(response.statusCode(), response.body());
            }
            List<ModelInfo> models = new java.util.ArrayList<>();
            new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body()).path("data")
                    .forEach(m -> models.add(new ModelInfo("openai", m.path("id").asText(), 0, 0)));
            return models;
        }
    }
}
