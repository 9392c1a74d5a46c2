package dev.cortana.plugins.websearch.exa;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.testkit.CortanaTestHost;
import dev.cortana.testkit.wire.FakeExa;
import dev.cortana.testkit.wire.FakeExa.Page;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Several Exa keys rotate like LLM keys: a rate-limited key rests for its Retry-After, a refused one is skipped and
 * named (by its variable, never its value), and when every key fails the model gets one clear error. Each test has
 * its own host, so its keys start fresh.
 */
class ExaKeyRotationTest {

    static final FakeExa exa = FakeExa.start();
    static final String ONE = "exa-key-one-1111";
    static final String TWO = "exa-key-two-2222";

    @RegisterExtension
    final CortanaTestHost cortana = CortanaTestHost.forPluginUnderTest()
            .setting("EXA_API_KEY_1", ONE)
            .setting("EXA_API_KEY_2", TWO)
            .setting("EXA_API_URL", exa.baseUrl())
            .setting("ROTATOR_ROTATION_TOLERANCE", "0")       // least used first, ties in order: _1 before _2
            .startingAt(Instant.parse("2026-12-01T10:00:00Z"));

    @BeforeEach
    void web() {
        exa.reset();
        exa.page(new Page("https://openjdk.org/jeps/444", "JEP 444: Virtual Threads", "2023-03-06",
                "Virtual threads are lightweight threads."));
        cortana.model().when("search").callTool("web_search", Map.of("query", "virtual threads"))
                .thenAnswerWithToolResult();
    }

    @AfterAll
    static void stopExa() {
        exa.close();
    }

    @Test
    void aRateLimitedKeyRestsForItsRetryAfterWhileTheNextKeyAnswers() {
        exa.rateLimitNext(ONE, Duration.ofSeconds(30));

        assertThat(cortana.chat("search")).contains("[1] JEP 444: Virtual Threads");
        assertThat(exa.keysUsed()).containsExactly(ONE, TWO);

        cortana.clock().advance(Duration.ofSeconds(20));
        assertThat(cortana.chat("search")).contains("[1] JEP 444: Virtual Threads");
        assertThat(exa.keysUsed()).containsExactly(ONE, TWO, TWO);         // ONE still rests

        cortana.clock().advance(Duration.ofSeconds(11));
        assertThat(cortana.chat("search")).contains("[1] JEP 444: Virtual Threads");
        assertThat(exa.keysUsed()).containsExactly(ONE, TWO, TWO, ONE);    // rested 30 s: the less used again
    }

    @Test
    void aRefusedKeyIsSkippedAndNamedInPluginsWithoutItsValue() {
        exa.rejectKey(ONE);

        assertThat(cortana.chat("search")).contains("[1] JEP 444: Virtual Threads");
        assertThat(cortana.chat("search")).contains("[1] JEP 444: Virtual Threads");

        assertThat(exa.keysUsed()).containsExactly(ONE, TWO, TWO);
        String plugins = cortana.plugins();
        assertThat(plugins).contains("Exa refused EXA_API_KEY_1 as invalid (HTTP 401): replace it or remove it from "
                + ".env; web search uses the other keys");
        assertThat(plugins + cortana.command("/settings status")).doesNotContain(ONE, TWO);
        assertThat(cortana.command("/settings status")).contains("2 Exa keys; refused by Exa: EXA_API_KEY_1");
    }

    @Test
    void whenEveryKeyFailsTheModelGetsOneClearErrorAndWhenTheFirstIsFree() {
        exa.rejectKey(ONE);
        exa.rateLimitNext(TWO, Duration.ofSeconds(45));

        assertThat(cortana.chat("search")).isEqualTo("Error: Web search failed: Exa refused EXA_API_KEY_1 as invalid "
                + "(HTTP 401); EXA_API_KEY_2 is rate limited (HTTP 429). Every EXA_API_KEY key is resting after errors "
                + "or rate limits; the first is free again at 10:00:45 UTC.");
        assertThat(cortana.chat("search")).isEqualTo("Error: Every EXA_API_KEY key is resting after errors or rate "
                + "limits; the first is free again at 10:00:45 UTC.");
        assertThat(exa.keysUsed()).containsExactly(ONE, TWO);

        cortana.clock().advance(Duration.ofSeconds(46));
        assertThat(cortana.chat("search")).contains("[1] JEP 444: Virtual Threads");
        assertThat(exa.keysUsed()).containsExactly(ONE, TWO, TWO);
    }

    @Test
    void aServerErrorMovesOnToTheNextKeyAndABadRequestDoesNot() {
        exa.failNext(503, "SERVICE_UNAVAILABLE", "Service temporarily unavailable");
        assertThat(cortana.chat("search")).contains("[1] JEP 444: Virtual Threads");
        assertThat(exa.keysUsed()).containsExactly(ONE, TWO);

        exa.failNext(400, "INVALID_REQUEST", "includeDomains and excludeDomains cannot both be set");
        assertThat(cortana.chat("search")).isEqualTo("Error: Exa refused the request (HTTP 400): includeDomains and "
                + "excludeDomains cannot both be set (INVALID_REQUEST)");
        assertThat(exa.keysUsed()).hasSize(3);
        assertThat(List.of(ONE, TWO)).contains(exa.keysUsed().get(2));
    }
}
