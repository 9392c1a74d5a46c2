package dev.cortana.testkit.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cortana.testkit.wire.FakeExa.Page;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The fake answers as Exa does, over real HTTP. */
class FakeExaTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final FakeExa exa = FakeExa.start();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @AfterEach
    void stop() {
        exa.close();
    }

    @Test
    void searchReturnsMatchingPagesWithHighlightsCutAtMaxCharactersAndTheirCost() throws Exception {
        exa.page(new Page("https://openjdk.org/jeps/444", "JEP 444", "2023-03-06", "Virtual threads are light. Other text."),
                new Page("https://blog.example/loom", "Loom", "2026-11-30", "Loom brings virtual threads."),
                new Page("https://example.org/cats", "Cats", "2026-11-30", "Cats sleep."));

        HttpResponse<String> answer = post("/search", "key", "{\"query\":\"virtual threads\",\"numResults\":5,"
                + "\"contents\":{\"highlights\":{\"maxCharacters\":20}}}");

        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(answer.body());
        assertThat(body.path("results")).hasSize(2);
        assertThat(body.path("results").path(0).path("title").asText()).isEqualTo("JEP 444");
        assertThat(body.path("results").path(0).path("publishedDate").asText()).isEqualTo("2023-03-06T00:00:00Z");
        assertThat(body.path("results").path(0).path("highlights").path(0).asText()).isEqualTo("Virtual threads are ");
        assertThat(body.path("costDollars").toString())
                .isEqualTo("{\"total\":0.007,\"search\":{\"neural\":0.005},\"contents\":{\"highlights\":0.002}}");
    }

    @Test
    void searchFiltersByDomainAndPublishedDate() throws Exception {
        exa.page(new Page("https://openjdk.org/jeps/444", "JEP 444", "2023-03-06", "virtual threads"),
                new Page("https://blog.openjdk.org/loom", "Loom", "2026-11-30", "virtual threads"),
                new Page("https://example.org/loom", "Elsewhere", "2026-11-30", "virtual threads"));

        JsonNode body = JSON.readTree(post("/search", "key", "{\"query\":\"threads\",\"includeDomains\":[\"openjdk.org\"],"
                + "\"startPublishedDate\":\"2026-11-01T00:00:00Z\"}").body());

        assertThat(body.path("results")).hasSize(1);
        assertThat(body.path("results").path(0).path("url").asText()).isEqualTo("https://blog.openjdk.org/loom");
        assertThat(body.path("costDollars").path("total").decimalValue()).isEqualByComparingTo("0.005");
    }

    @Test
    void contentsReturnTextCutAtMaxCharactersAndAStatusPerUrl() throws Exception {
        exa.page(new Page("https://example.org/a", "A", null, "abcdefghij"));

        JsonNode body = JSON.readTree(post("/contents", "key", "{\"urls\":[\"https://example.org/a\","
                + "\"https://example.org/gone\"],\"text\":{\"maxCharacters\":4}}").body());

        assertThat(body.path("results")).hasSize(1);
        assertThat(body.path("results").path(0).path("text").asText()).isEqualTo("abcd");
        assertThat(body.path("statuses").toString()).isEqualTo("[{\"id\":\"https://example.org/a\",\"status\":\"success\"},"
                + "{\"id\":\"https://example.org/gone\",\"status\":\"error\",\"error\":{\"tag\":\"CRAWL_NOT_FOUND\","
                + "\"httpStatusCode\":404}}]");
        assertThat(body.path("costDollars").path("total").decimalValue()).isEqualByComparingTo("0.001");
    }

    @Test
    void aRejectedOrMissingKeyGets401AndARateLimitedOne429WithRetryAfterOnce() throws Exception {
        exa.rejectKey("bad");
        exa.rateLimitNext("busy", Duration.ofMillis(1500));

        HttpResponse<String> refused = post("/search", "bad", "{\"query\":\"x\"}");
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(refused.body()).path("tag").asText()).isEqualTo("INVALID_API_KEY");
        assertThat(post("/search", null, "{\"query\":\"x\"}").statusCode()).isEqualTo(401);

        HttpResponse<String> limited = post("/search", "busy", "{\"query\":\"x\"}");
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).hasValue("2");
        assertThat(JSON.readTree(limited.body()).path("error").asText()).isNotBlank();
        assertThat(post("/search", "busy", "{\"query\":\"x\"}").statusCode()).isEqualTo(200);

        assertThat(exa.keysUsed()).containsExactly("bad", null, "busy", "busy");
    }

    @Test
    void aBodyWithoutQueryIsABadRequestAndAnUnknownPathIsNotFound() throws Exception {
        assertThat(post("/search", "key", "{}").statusCode()).isEqualTo(400);
        assertThat(post("/contents", "key", "{\"urls\":[]}").statusCode()).isEqualTo(400);
        assertThat(post("/answer", "key", "{\"query\":\"x\"}").statusCode()).isEqualTo(404);
    }

    private HttpResponse<String> post(String path, String key, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(exa.baseUrl() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("x-api-key", key);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
