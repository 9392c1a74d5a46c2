package dev.cortana.host.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.api.llm.LlmFailure.Kind;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.RateLimitException;
import java.net.ConnectException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LlmErrorClassifierTest {

    private static Kind kindOf(int status, String body) {
        return LlmErrorClassifier.classify(new HttpException(status, body)).kind();
    }

    @Test
    void statusCodesAndBodiesMapToTheRotationActions() {
        assertThat(kindOf(429, "{\"error\":{\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}")).isEqualTo(Kind.RATE_LIMIT);
        assertThat(kindOf(429, "{\"error\":{\"code\":\"insufficient_quota\"}}")).isEqualTo(Kind.QUOTA);
        assertThat(kindOf(429, "RESOURCE_EXHAUSTED")).isEqualTo(Kind.QUOTA);
        assertThat(kindOf(401, "bad key")).isEqualTo(Kind.AUTH);
        assertThat(kindOf(403, "forbidden")).isEqualTo(Kind.AUTH);
        assertThat(kindOf(500, "oops")).isEqualTo(Kind.TRANSIENT);
        assertThat(kindOf(503, "overloaded")).isEqualTo(Kind.TRANSIENT);
        assertThat(kindOf(529, "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\"}}"))
                .as("Anthropic's overloaded").isEqualTo(Kind.TRANSIENT);
        assertThat(kindOf(400, "{\"error\":{\"code\":\"context_length_exceeded\"}}")).isEqualTo(Kind.CONTEXT_LENGTH);
        assertThat(kindOf(400, "prompt is too long: 210000 tokens > 200000 maximum")).isEqualTo(Kind.CONTEXT_LENGTH);
        assertThat(kindOf(400, "invalid model")).isEqualTo(Kind.INVALID_REQUEST);
    }

    @Test
    void wrappedHttpErrorsAndConnectionFailuresAreFound() {
        assertThat(LlmErrorClassifier.classify(new RateLimitException(new HttpException(429, "slow down"))).kind())
                .isEqualTo(Kind.RATE_LIMIT);
        assertThat(LlmErrorClassifier.classify(new RuntimeException(new ConnectException("refused"))).kind())
                .isEqualTo(Kind.TRANSIENT);
    }

    @Test
    void aRetryHintInTheBodyIsRead() {
        assertThat(LlmErrorClassifier.classify(new HttpException(429, "Please try again in 20s.")).retryAfter())
                .contains(Duration.ofSeconds(20));
        assertThat(LlmErrorClassifier.retryAfter("\"retryDelay\": \"17s\"")).contains(Duration.ofSeconds(17));
        assertThat(LlmErrorClassifier.retryAfter("try again in 350ms")).contains(Duration.ofMillis(350));
        assertThat(LlmErrorClassifier.retryAfter("nothing")).isEmpty();
    }
}
