package dev.cortana.plugins.websearch.exa;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.testkit.CortanaTestHost;
import dev.cortana.testkit.wire.FakeExa;
import dev.cortana.testkit.wire.FakeExa.Page;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What Exa says each call cost is added up per day in the user's zone, shown in /settings status, kept on restart. */
class ExaSpendTest {

    static final FakeExa exa = FakeExa.start();

    @RegisterExtension
    static final CortanaTestHost cortana = CortanaTestHost.forPluginUnderTest()
            .setting("EXA_API_KEY", "exa-spend-key-9999")
            .setting("EXA_API_URL", exa.baseUrl())
            .zone(ZoneId.of("America/New_York"))
            .startingAt(Instant.parse("2026-12-01T15:00:00Z"));      // 10:00 in New York

    @AfterAll
    static void stopExa() {
        exa.close();
    }

    @Test
    void todaysSearchesPagesAndSpendAreShownAndSurviveARestartUntilTheUsersDayEnds() {
        exa.page(new Page("https://example.org/a", "A", "2026-11-01", "Exa costs little per search."),
                new Page("https://example.org/b", "B", "2026-11-02", "Each search costs half a cent."),
                new Page("https://example.org/c", "C", "2026-11-03", "A page read costs a tenth of a cent."));
        cortana.model().when("search costs").callTool("web_search", Map.of("query", "search costs"))
                .thenAnswerWithToolResult();
        cortana.model().when("read a").callTool("read_page", Map.of("url", "https://example.org/a"))
                .thenAnswerWithToolResult();
        assertThat(cortana.command("/settings status")).contains("web searches today: 0 · pages read: 0 · $0.000");

        cortana.chat("search costs");        // 3 results with highlights: $0.005 + 3 × $0.001
        cortana.chat("search costs");
        cortana.chat("read a");              // $0.001

        String line = "web searches today: 2 · pages read: 1 · $0.017";
        assertThat(cortana.command("/settings status")).contains("websearch-exa").contains(line);
        assertThat(cortana.database().rows("SELECT day || ' ' || searches || ' ' || pages || ' ' || cost_dollars "
                + "FROM websearch_exa_usage")).containsExactly("2026-12-01 2 1 0.017000");

        cortana.restart();
        assertThat(cortana.command("/settings status")).contains(line);

        cortana.clock().advance(Duration.ofHours(14).minusMinutes(1));   // 23:59 in New York, 04:59 UTC on 2 December
        assertThat(cortana.command("/settings status")).contains(line);
        cortana.clock().advance(Duration.ofMinutes(1));                  // midnight in New York: a new day
        assertThat(cortana.command("/settings status")).contains("web searches today: 0 · pages read: 0 · $0.000");
        cortana.chat("search costs");
        assertThat(cortana.command("/settings status")).contains("web searches today: 1 · pages read: 0 · $0.008");
    }
}
