package dev.cortana.plugins.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cortana.api.llm.LlmCredential;
import dev.cortana.api.llm.ModelClient;
import dev.cortana.api.llm.ModelInfo;
import dev.cortana.api.llm.ModelSetup;
import dev.cortana.testkit.wire.FakeOpenAi;
import dev.cortana.testkit.wire.FakeOpenAi.Reply;
import dev.cortana.testkit.wire.RecordingHttpClientBuilder;
import dev.langchain4j.exception.HttpException;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * LangChain4j's exception drops a 429's headers, so the host's HTTP builder reads {@code Retry-After} as the answer
 * passes through it (cortana-host's {@code RetryAfterHeaderTest}); the plugin's part is to send through that builder.
 */
class OpenAiRetryAfterTest {

    private static final String KEY = "sk-test-retry-alpha-000000001";

    private final FakeOpenAi openAi = FakeOpenAi.start();
    private final RecordingHttpClientBuilder http = new RecordingHttpClientBuilder();

    @AfterEach
    void stop() {
        openAi.close();
    }

    @Test
    void aRateLimitAnswerWithRetryAfterComesBackThroughTheHostsHttpBuilder() {
        openAi.enqueue(Reply.openAiError(429, "requests", "rate_limit_exceeded", "Rate limit reached for requests.")
                .withHeader("Retry-After", "37"));
        ModelSetup setup = new ModelSetup(new LlmCredential("openai", KEY, Optional.of(openAi.baseUrl())), "gpt-4o",
                openAi.baseUrl(), Duration.ofSeconds(30), http, false, new ModelInfo("openai", "gpt-4o", 0, 0));

        assertThatThrownBy(() -> ((ModelClient.Blocking) new OpenAiProvider().model(setup)).model().chat("hi"))
                .rootCause().isInstanceOfSatisfying(HttpException.class, e -> assertThat(e.statusCode()).isEqualTo(429));
        assertThat(http.sent()).containsExactly("POST " + openAi.baseUrl() + "/chat/completions");
        assertThat(openAi.requestCount()).isEqualTo(1);
    }
}
