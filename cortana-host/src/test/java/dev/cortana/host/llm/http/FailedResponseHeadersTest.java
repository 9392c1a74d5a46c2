package dev.cortana.host.llm.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The two forms of {@code Retry-After} (RFC 9110 §10.2.3), what is not one, and whose thread sees which. */
class FailedResponseHeadersTest {

    private static final Instant NOW = Instant.parse("2015-10-21T07:27:30Z");

    @Test
    void secondsAreReadAsSeconds() {
        assertThat(FailedResponseHeaders.parseRetryAfter(" 120 ", NOW)).hasValue(Duration.ofSeconds(120));
    }

    @Test
    void anHttpDateIsCountedFromNow() {
        assertThat(FailedResponseHeaders.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", NOW))
                .hasValue(Duration.ofSeconds(30));
    }

    @Test
    void aDateInThePastMeansNoWait() {
        assertThat(FailedResponseHeaders.parseRetryAfter("Wed, 21 Oct 2015 07:00:00 GMT", NOW)).hasValue(Duration.ZERO);
    }

    @Test
    void anythingElseIsIgnored() {
        assertThat(FailedResponseHeaders.parseRetryAfter("soon", NOW)).isEmpty();
        assertThat(FailedResponseHeaders.parseRetryAfter("-5", NOW)).isEmpty();
    }

    @Test
    void aThreadSeesOnlyTheHeadersItBound() throws Exception {
        FailedResponseHeaders mine = new FailedResponseHeaders();
        FailedResponseHeaders[] seenElsewhere = new FailedResponseHeaders[1];
        try (FailedResponseHeaders.Binding ignored = mine.bind()) {
            Thread other = new Thread(() -> seenElsewhere[0] = FailedResponseHeaders.current());
            other.start();
            other.join();
            assertThat(FailedResponseHeaders.current()).isSameAs(mine);
        }
        assertThat(seenElsewhere[0]).isNull();
        assertThat(FailedResponseHeaders.current()).isNull();
    }
}
