package dev.cortana.host.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cortana.api.llm.LlmCredential;
import dev.cortana.api.llm.LlmFailure;
import dev.cortana.api.llm.LlmProvider;
import dev.cortana.api.llm.ModelClient;
import dev.cortana.api.llm.ModelInfo;
import dev.cortana.api.llm.ModelSetup;
import dev.cortana.host.config.Config;
import dev.cortana.host.llm.rotation.KeyStatus;
import dev.cortana.host.llm.rotation.RotationSettings;
import dev.cortana.testkit.wire.FakeOpenAi;
import dev.cortana.testkit.wire.FakeOpenAi.Reply;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One message, several keys: which key answers, which keys rest, and what the user reads when none can answer. */
class KeyRotationTest {

    static final String KEY_A = "sk-test-alpha-0000000000000001";
    static final String KEY_B = "sk-test-bravo-0000000000000002";
    static final String KEY_C = "sk-test-charlie-000000000000003";

    private final FakeOpenAi openAi = FakeOpenAi.start();
    private ModelRouter router;

    @AfterEach
    void tearDown() {
        if (router != null) {
            router.close();
        }
        openAi.close();
    }

    static ChatRequest hello() {
        return ChatRequest.builder().messages(UserMessage.from("hello")).build();
    }

    static String fp(String key) {
        return new LlmCredential("openai", key, Optional.empty()).fingerprint();
    }

    private ModelRouter router(RotationSettings settings, String... keys) {
        return router(new LoopbackOpenAiProvider("openai"), settings, keys);
    }

    private ModelRouter router(LlmProvider provider, RotationSettings settings, String... keys) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < keys.length; i++) {
            env.put("OPENAI_API_KEY_" + (i + 1), keys[i]);
        }
        env.put("OPENAI_API_BASE", openAi.baseUrl());
        List<LlmProvider> providers = List.of(provider);
        router = new ModelRouter(() -> providers, () -> 1L, Config.of(env), settings, Clock.systemUTC());
        return router;
    }

    /** Deterministic order (least used first, ties in key order) so a test knows which key comes next. */
    static RotationSettings ordered() {
        return new RotationSettings(true, 0, 2, Duration.ofSeconds(20), Optional.empty(), List.of());
    }

    private KeyStatus statusOf(String key) {
        return router.status("openai/gpt-4o").get(0).keys().stream()
                .filter(k -> k.fingerprint().equals(fp(key))).findFirst().orElseThrow();
    }

    @Test
    void twoRateLimitedKeysFailOverToTheThirdInTheSameRequest() {
        router(ordered(), KEY_A, KEY_B, KEY_C);
        openAi.forKey(KEY_A).enqueue(Reply.rateLimited(Duration.ofSeconds(20)));
        openAi.forKey(KEY_B).enqueue(Reply.rateLimited(Duration.ofSeconds(40)));
        openAi.forKey(KEY_C).enqueue(Reply.text("Hi from the third key"));

        Instant before = Instant.now();
        String answer = router.chat("openai/gpt-4o", hello()).aiMessage().text();

        assertThat(answer).isEqualTo("Hi from the third key");
        assertThat(openAi.chatRequests()).extracting(FakeOpenAi.RecordedRequest::apiKey).containsExactly(KEY_A, KEY_B, KEY_C);
        assertThat(statusOf(KEY_A).coolingUntil().orElseThrow()).isBetween(before.plusSeconds(19), before.plusSeconds(22));
        assertThat(statusOf(KEY_B).coolingUntil().orElseThrow()).isBetween(before.plusSeconds(39), before.plusSeconds(42));
        assertThat(statusOf(KEY_C).available()).isTrue();
        assertThat(statusOf(KEY_A).lastError()).contains("RATE_LIMIT");
    }

    @Test
    void aRestingKeyIsSkippedOnTheNextMessage() {
        router(ordered(), KEY_A, KEY_B);
        openAi.forKey(KEY_A).enqueue(Reply.rateLimited(Duration.ofSeconds(30)));
        openAi.forKey(KEY_B).enqueue(Reply.text("one"), Reply.text("two"));

        router.chat("openai/gpt-4o", hello());
        router.chat("openai/gpt-4o", hello());

        assertThat(openAi.chatRequests()).extracting(FakeOpenAi.RecordedRequest::apiKey).containsExactly(KEY_A, KEY_B, KEY_B);
    }

    @Test
    void quotaExceededRestsTheKeyForAtLeastTenMinutesWithoutStoppingTheProvider() {
        router(ordered(), KEY_A, KEY_B);
        openAi.forKey(KEY_A).enqueue(Reply.quotaExceeded());
        openAi.forKey(KEY_B).enqueue(Reply.text("answered"));
        Instant before = Instant.now();

        assertThat(router.chat("openai/gpt-4o", hello()).aiMessage().text()).isEqualTo("answered");
        assertThat(statusOf(KEY_A).coolingUntil().orElseThrow()).isAfter(before.plus(Duration.ofMinutes(10)).minusSeconds(1));
        assertThat(statusOf(KEY_A).lastError()).contains("QUOTA");
    }

    /**
     * Like Gemini's plugin: reads a 429 the host would take for a long quota as a short per-minute limit of 17 s, and
     * leaves every other failure to the host.
     */
    private static LlmProvider refiningRateLimits() {
        LlmProvider plain = new LoopbackOpenAiProvider("openai");
        return new LlmProvider() {
            @Override public String id() { return plain.id(); }
            @Override public List<ModelInfo> catalog() { return plain.catalog(); }
            @Override public ModelClient model(ModelSetup setup) { return plain.model(setup); }
            @Override public Optional<LlmFailure> classify(Throwable error) {
                return String.valueOf(error.getMessage()).contains("insufficient_quota")
                        ? Optional.of(new LlmFailure(LlmFailure.Kind.RATE_LIMIT, Optional.of(Duration.ofSeconds(17)),
                                "per-minute limit"))
                        : Optional.empty();
            }
        };
    }

    @Test
    void aProvidersOwnReadingOfAFailureOutranksTheHosts() {
        router(refiningRateLimits(), ordered(), KEY_A, KEY_B);
        openAi.forKey(KEY_A).enqueue(Reply.quotaExceeded());
        openAi.forKey(KEY_B).enqueue(Reply.text("answered"));
        Instant before = Instant.now();

        assertThat(router.chat("openai/gpt-4o", hello()).aiMessage().text()).isEqualTo("answered");
        assertThat(statusOf(KEY_A).coolingUntil().orElseThrow()).isBetween(before.plusSeconds(16), before.plusSeconds(20));
        assertThat(statusOf(KEY_A).lastError()).contains("RATE_LIMIT");
    }

    @Test
    void aFailureTheProviderLeavesAloneIsReadByTheHost() {
        router(refiningRateLimits(), ordered(), KEY_A, KEY_B);
        openAi.forKey(KEY_A).enqueue(Reply.serverError(), Reply.text("second try"));

        assertThat(router.chat("openai/gpt-4o", hello()).aiMessage().text()).isEqualTo("second try");
        assertThat(openAi.chatRequests()).extracting(FakeOpenAi.RecordedRequest::apiKey).containsExactly(KEY_A, KEY_A);
    }

    @Test
    void everyKeyRejectedGivesAClearErrorNamingTheFingerprints() {
        router(ordered(), KEY_A, KEY_B, KEY_C);
        openAi.rejectKey(KEY_A).rejectKey(KEY_B).rejectKey(KEY_C);

        LlmUnavailableException error = catchThrowableOfType(() -> router.chat("openai/gpt-4o", hello()),
                LlmUnavailableException.class);

        assertThat(error.getMessage()).contains("rejected", fp(KEY_A), fp(KEY_B), fp(KEY_C), "OPENAI_API_KEY")
                .doesNotContain(KEY_A, KEY_B, KEY_C);
        assertThat(error.failure().orElseThrow().kind()).isEqualTo(LlmFailure.Kind.AUTH);
        assertThat(openAi.chatRequests()).hasSize(3);
    }

    @Test
    void aRejectedKeyRestsForEveryModel() {
        router(ordered(), KEY_A, KEY_B);
        openAi.rejectKey(KEY_A);
        openAi.forKey(KEY_B).enqueue(Reply.text("four-o"), Reply.text("mini"));

        router.chat("openai/gpt-4o", hello());
        router.chat("openai/gpt-4o-mini", hello());

        assertThat(openAi.chatRequests()).extracting(FakeOpenAi.RecordedRequest::apiKey).containsExactly(KEY_A, KEY_B, KEY_B);
    }

    @Test
    void anInvalidRequestFailsAtOnceWithoutRotatingOrResting() {
        router(ordered(), KEY_A, KEY_B);
        openAi.forKey(KEY_A).enqueue(Reply.openAiError(400, "invalid_request_error", "invalid_value", "bad temperature"));

        LlmUnavailableException error = catchThrowableOfType(() -> router.chat("openai/gpt-4o", hello()),
                LlmUnavailableException.class);

        assertThat(error.failure().orElseThrow().kind()).isEqualTo(LlmFailure.Kind.INVALID_REQUEST);
        assertThat(error.getMessage()).contains("rejected the request", "bad temperature");
        assertThat(openAi.chatRequests()).hasSize(1);
        assertThat(statusOf(KEY_A).available()).isTrue();
    }

    @Test
    void aTooLongConversationNeverRotates() {
        router(ordered(), KEY_A, KEY_B);
        openAi.forKey(KEY_A).enqueue(Reply.contextLengthExceeded());

        LlmUnavailableException error = catchThrowableOfType(() -> router.chat("openai/gpt-4o", hello()),
                LlmUnavailableException.class);

        assertThat(error.isContextLength()).isTrue();
        assertThat(openAi.chatRequests()).hasSize(1);
        assertThat(statusOf(KEY_A).available()).isTrue();
    }

    @Test
    void aServerErrorIsRetriedOnTheSameKeyFirst() {
        router(ordered(), KEY_A, KEY_B);
        openAi.forKey(KEY_A).enqueue(Reply.serverError(), Reply.text("second try"));

        assertThat(router.chat("openai/gpt-4o", hello()).aiMessage().text()).isEqualTo("second try");
        assertThat(openAi.chatRequests()).extracting(FakeOpenAi.RecordedRequest::apiKey).containsExactly(KEY_A, KEY_A);
        assertThat(statusOf(KEY_A).available()).isTrue();
    }

    @Test
    void aKeyThatKeepsFailingWith503RestsAndTheNextAnswers() {
        router(ordered(), KEY_A, KEY_B);
        Reply unavailable = Reply.openAiError(503, "server_error", null, "overloaded");
        openAi.forKey(KEY_A).enqueue(unavailable, unavailable);
        openAi.forKey(KEY_B).enqueue(Reply.text("from b"));

        assertThat(router.chat("openai/gpt-4o", hello()).aiMessage().text()).isEqualTo("from b");
        assertThat(openAi.chatRequests()).extracting(FakeOpenAi.RecordedRequest::apiKey).containsExactly(KEY_A, KEY_A, KEY_B);
        assertThat(statusOf(KEY_A).coolingUntil()).isPresent();
        assertThat(statusOf(KEY_A).lastError()).contains("TRANSIENT");
    }

    @Test
    void aHangPastTheGlobalTimeoutEndsWithAClearError() {
        router(new RotationSettings(true, 0, 2, Duration.ofMillis(800), Optional.empty(), List.of()), KEY_A, KEY_B);
        openAi.forKey(KEY_A).enqueue(Reply.hang());

        LlmUnavailableException error = catchThrowableOfType(() -> router.chat("openai/gpt-4o", hello()),
                LlmUnavailableException.class);

        assertThat(error.getMessage()).contains("No answer from openai/gpt-4o within", "ROTATOR_GLOBAL_TIMEOUT", fp(KEY_A));
    }

    @Test
    void whenEveryKeyRestsTheUserLearnsWhenTheNextFrees() {
        router(ordered(), KEY_A, KEY_B);
        openAi.forKey(KEY_A).enqueue(Reply.rateLimited(Duration.ofSeconds(600)));
        openAi.forKey(KEY_B).enqueue(Reply.rateLimited(Duration.ofSeconds(300)));
        assertThatThrownBy(() -> router.chat("openai/gpt-4o", hello())).isInstanceOf(LlmUnavailableException.class);

        LlmUnavailableException error = catchThrowableOfType(() -> router.chat("openai/gpt-4o", hello()),
                LlmUnavailableException.class);

        String frees = FailoverMessages.time(statusOf(KEY_B).coolingUntil().orElseThrow(), Clock.systemUTC().getZone());
        assertThat(error.getMessage()).isEqualTo("No answer from openai/gpt-4o: all 2 openai keys are cooling down; "
                + "the next frees at " + frees + ". Try again then, add a key (OPENAI_API_KEY_2, ...), or set "
                + "LLM_FALLBACK_MODELS.");
        assertThat(openAi.chatRequests()).hasSize(2);
    }

    @Test
    void aKeyThatFreesWithinTheTimeoutIsWaitedFor() {
        router(ordered(), KEY_A);
        openAi.forKey(KEY_A).enqueue(Reply.rateLimited(Duration.ofSeconds(1)), Reply.text("after the wait"));
        assertThatThrownBy(() -> router.chat("openai/gpt-4o", hello())).isInstanceOf(LlmUnavailableException.class);

        assertThat(router.chat("openai/gpt-4o", hello()).aiMessage().text()).isEqualTo("after the wait");
    }
}
