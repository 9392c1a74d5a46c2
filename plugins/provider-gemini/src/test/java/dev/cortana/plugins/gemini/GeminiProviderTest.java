package dev.cortana.plugins.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.cortana.api.llm.LlmCredential;
import dev.cortana.api.llm.LlmFailure;
import dev.cortana.api.llm.ModelClient;
import dev.cortana.api.llm.ModelInfo;
import dev.cortana.api.llm.ModelSetup;
import dev.cortana.testkit.wire.FakeGemini;
import dev.cortana.testkit.wire.FakeGemini.Reply;
import dev.cortana.testkit.wire.RecordingHttpClientBuilder;
import dev.langchain4j.exception.HttpException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Gemini against a loopback server speaking generateContent, given what the host resolves ({@link ModelSetup}), and
 * the provider's own reading of Gemini's 429s ({@link GeminiProvider#classify}). What the host does with a reading
 * (rest the key, try the next) is cortana-host's, tested there.
 */
class GeminiProviderTest {

    private static final String KEY = "AIzaTestAlphaKey000000000001";

    private final FakeGemini gemini = FakeGemini.start();
    private final RecordingHttpClientBuilder http = new RecordingHttpClientBuilder();
    private final GeminiProvider provider = new GeminiProvider();

    @AfterEach
    void stop() {
        gemini.close();
    }

    private ModelSetup setup(String model, boolean streaming) {
        return new ModelSetup(new LlmCredential("gemini", KEY, Optional.of(gemini.baseUrl())), model, gemini.baseUrl(),
                Duration.ofSeconds(30), http, streaming, new ModelInfo("gemini", model, 0, 0));
    }

    private String ask() {
        return ((ModelClient.Blocking) provider.model(setup("gemini-2.5-flash", false))).model().chat("hi");
    }

    /** The failure the real client throws for the scripted reply; the key never in it. */
    private Throwable failure(Reply reply) {
        gemini.enqueue(reply, Reply.text("a retry would get this"));
        Throwable error = catchThrowable(this::ask);
        assertThat(error).isNotNull();
        assertThat(error.getMessage()).doesNotContain(KEY);
        assertThat(gemini.generateRequests()).as("the client does not retry on its own").hasSize(1);
        return error;
    }

    private static int status(Throwable error) {
        assertThat(error).rootCause().isInstanceOf(HttpException.class);
        Throwable root = error;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return ((HttpException) root).statusCode();
    }

    @Test
    void chatsAtTheModelsGenerateContentWithTheKeyInItsHeader() {
        gemini.enqueue(Reply.text("Hello from Gemini"));

        assertThat(ask()).isEqualTo("Hello from Gemini");
        FakeGemini.RecordedRequest request = gemini.generateRequests().get(0);
        assertThat(request.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
        assertThat(request.apiKey()).isEqualTo(KEY);
        assertThat(http.sent()).as("through the host's HTTP builder").containsExactly(
                "POST " + gemini.baseUrl() + "/models/gemini-2.5-flash:generateContent");
    }

    @Test
    void aPerMinuteLimitIsARateLimitForGeminisRetryDelay() {
        Throwable error = failure(Reply.perMinuteLimit(Duration.ofSeconds(17)));

        assertThat(status(error)).isEqualTo(429);
        assertThat(provider.classify(error)).contains(
                new LlmFailure(LlmFailure.Kind.RATE_LIMIT, Optional.of(Duration.ofSeconds(17)), "HTTP 429 rate limited"));
    }

    @Test
    void aDailyQuotaIsAQuotaNotARateLimit() {
        Throwable error = failure(Reply.perDayQuota());

        assertThat(status(error)).isEqualTo(429);
        assertThat(provider.classify(error)).hasValueSatisfying(reading -> {
            assertThat(reading.kind()).isEqualTo(LlmFailure.Kind.QUOTA);
            assertThat(reading.detail()).doesNotContain(KEY);
        });
    }

    @Test
    void aServiceUnavailableIsLeftToTheHostToRetry() {
        Throwable error = failure(Reply.error(503, "UNAVAILABLE", "The model is overloaded."));

        assertThat(status(error)).isEqualTo(503);
        assertThat(provider.classify(error)).as("the host's reading by status applies").isEmpty();
    }

    @Test
    void aForbiddenKeyKeepsItsStatusForTheHost() {
        Throwable forbidden = failure(Reply.error(403, "PERMISSION_DENIED", "API key not valid."));

        assertThat(status(forbidden)).isEqualTo(403);
        assertThat(provider.classify(forbidden)).isEmpty();
    }

    @Test
    void anInvalidArgumentKeepsItsStatusAndGooglesWordsForTheHost() {
        Throwable invalid = failure(Reply.error(400, "INVALID_ARGUMENT", "Invalid JSON payload received."));

        assertThat(status(invalid)).isEqualTo(400);
        assertThat(invalid.getMessage()).contains("INVALID_ARGUMENT");
        assertThat(provider.classify(invalid)).isEmpty();
    }

    @Test
    void aStreamingSetupIsToldThereIsNoStreamingClient() {
        assertThat(provider.model(setup("gemini-2.5-flash", true))).isInstanceOf(ModelClient.NoStreaming.class);
        assertThat(provider.defaultBaseUrl("gemini")).contains("https://generativelanguage.googleapis.com/v1beta");
    }

    @Test
    void theListingReportsGeminisOwnLimits() throws Exception {
        gemini.models("gemini-2.5-flash");

        assertThat(provider.listModels(setup("", false)))
                .containsExactly(new ModelInfo("gemini", "gemini-2.5-flash", 1_048_576, 65_536));
        assertThat(http.sent()).as("through the host's HTTP builder").singleElement().asString()
                .startsWith("GET " + gemini.baseUrl() + "/models");
    }

    @Test
    void compilingRegistersTheExtensionInPf4jsIndex() throws Exception {
        Path classes = Path.of(GeminiProvider.class.getProtectionDomain().getCodeSource().getLocation().toURI());

        assertThat(Files.readAllLines(classes.resolve("META-INF/extensions.idx"), StandardCharsets.UTF_8))
                .contains(GeminiProvider.class.getName());
    }
}
