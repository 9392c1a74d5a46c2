package dev.cortana.plugins.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cortana.api.llm.LlmCredential;
import dev.cortana.api.llm.LlmProvider;
import dev.cortana.api.llm.ModelInfo;
import dev.cortana.api.llm.ModelSetup;
import dev.cortana.host.llm.http.ModelHttpClient;
import dev.cortana.host.config.Config;
import dev.cortana.host.llm.LlmUnavailableException;
import dev.cortana.host.llm.ModelRouter;
import dev.cortana.host.llm.rotation.KeyStatus;
import dev.cortana.host.llm.rotation.RotationSettings;
import dev.cortana.testkit.wire.FakeGemini;
import dev.cortana.testkit.wire.FakeGemini.Reply;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Gemini through the host's router, against a loopback server speaking generateContent. */
class GeminiProviderTest {

    private static final String KEY_A = "AIzaTestAlphaKey000000000001";
    private static final String KEY_B = "AIzaTestBravoKey000000000002";

    private final FakeGemini gemini = FakeGemini.start();
    private final GeminiProvider provider = new GeminiProvider();
    private final ModelRouter router;

    GeminiProviderTest() {
        List<LlmProvider> providers = List.of(provider);
        router = new ModelRouter(() -> providers, () -> 1L, Config.of(Map.of("GEMINI_API_KEY_1", KEY_A,
                "GEMINI_API_KEY_2", KEY_B, "GEMINI_API_BASE", gemini.baseUrl())),
                new RotationSettings(true, 0, 2, Duration.ofSeconds(10), Optional.empty(), List.of()), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        router.close();
        gemini.close();
    }

    private String ask() {
        return router.chat("gemini/gemini-2.5-flash", ChatRequest.builder().messages(UserMessage.from("hi")).build())
                .aiMessage().text();
    }

    private KeyStatus status(String key) {
        String fingerprint = new LlmCredential("gemini", key, Optional.empty()).fingerprint();
        return router.status("gemini/gemini-2.5-flash").get(0).keys().stream()
                .filter(k -> k.fingerprint().equals(fingerprint)).findFirst().orElseThrow();
    }

    @Test
    void aPerMinuteLimitRestsTheKeyForGeminisRetryDelayAndTheNextKeyAnswers() {
        gemini.forKey(KEY_A, Reply.perMinuteLimit(Duration.ofSeconds(17)));
        gemini.forKey(KEY_B, Reply.text("Hello from Gemini"));
        Instant before = Instant.now();

        assertThat(ask()).isEqualTo("Hello from Gemini");
        assertThat(gemini.generateRequests()).extracting(FakeGemini.RecordedRequest::apiKey).containsExactly(KEY_A, KEY_B);
        assertThat(gemini.generateRequests().get(0).path()).endsWith("/models/gemini-2.5-flash:generateContent");
        assertThat(status(KEY_A).coolingUntil().orElseThrow()).isBetween(before.plusSeconds(16), before.plusSeconds(20));
        assertThat(status(KEY_A).lastError()).contains("RATE_LIMIT");
    }

    @Test
    void aDailyQuotaRestsTheKeyMuchLonger() {
        gemini.forKey(KEY_A, Reply.perDayQuota());
        gemini.forKey(KEY_B, Reply.text("still here"));
        Instant before = Instant.now();

        assertThat(ask()).isEqualTo("still here");
        assertThat(status(KEY_A).coolingUntil().orElseThrow()).isAfter(before.plus(Duration.ofMinutes(10)).minusSeconds(1));
        assertThat(status(KEY_A).lastError()).contains("QUOTA");
    }

    @Test
    void aServiceUnavailableIsRetriedOnTheSameKey() {
        gemini.forKey(KEY_A, Reply.error(503, "UNAVAILABLE", "The model is overloaded."), Reply.text("second try"));

        assertThat(ask()).isEqualTo("second try");
        assertThat(gemini.generateRequests()).extracting(FakeGemini.RecordedRequest::apiKey).containsExactly(KEY_A, KEY_A);
    }

    @Test
    void aForbiddenKeyRotatesAndAnInvalidArgumentDoesNot() {
        gemini.forKey(KEY_A, Reply.error(403, "PERMISSION_DENIED", "API key not valid."));
        gemini.forKey(KEY_B, Reply.error(400, "INVALID_ARGUMENT", "Invalid JSON payload received."));

        LlmUnavailableException error = catchThrowableOfType(this::ask, LlmUnavailableException.class);

        assertThat(error.getMessage()).contains("rejected the request").doesNotContain(KEY_A, KEY_B);
        assertThat(gemini.generateRequests()).extracting(FakeGemini.RecordedRequest::apiKey).containsExactly(KEY_A, KEY_B);
        assertThat(status(KEY_A).coolingUntil()).isPresent();
        assertThat(status(KEY_B).available()).isTrue();
    }

    @Test
    void theListingReportsGeminisOwnLimits() throws Exception {
        gemini.models("gemini-2.5-flash");
        LlmCredential key = new LlmCredential("gemini", KEY_A, Optional.of(gemini.baseUrl()));

        assertThat(provider.listModels(new ModelSetup(key, "", gemini.baseUrl(), Duration.ofSeconds(10),
                ModelHttpClient.builder(gemini.baseUrl()), false, new ModelInfo("gemini", "", 0, 0))))
                .containsExactly(new ModelInfo("gemini", "gemini-2.5-flash", 1_048_576, 65_536));
    }

    @Test
    void compilingRegistersTheExtensionInPf4jsIndex() throws Exception {
        Path classes = Path.of(GeminiProvider.class.getProtectionDomain().getCodeSource().getLocation().toURI());

        assertThat(Files.readAllLines(classes.resolve("META-INF/extensions.idx"), StandardCharsets.UTF_8))
                .contains(GeminiProvider.class.getName());
    }
}
