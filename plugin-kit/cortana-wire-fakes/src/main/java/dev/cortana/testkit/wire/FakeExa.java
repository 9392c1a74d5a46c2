package dev.cortana.testkit.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A loopback server speaking Exa's search API ({@code POST /search}, {@code POST /contents}, key in the
 * {@code x-api-key} header), over a small web of pages the test adds, so a web search plugin is tested against the
 * real wire format: request fields as Exa reads them, results, highlights, text, {@code statuses} and
 * {@code costDollars} as Exa sends them, and Exa's error bodies ({@code {"requestId","error","tag"}}) for 401 and 429.
 *
 * <pre>{@code
 * try (FakeExa exa = FakeExa.start()) {
 *     exa.page(new FakeExa.Page("https://openjdk.org/jeps/444", "JEP 444: Virtual Threads", "2023-03-06",
 *             "Virtual threads are lightweight threads that reduce the effort of writing concurrent applications."));
 *     exa.rateLimitNext("exa-key-1", Duration.ofSeconds(30));     // that key's next request gets 429 Retry-After: 30
 *     exa.rejectKey("exa-key-2");                                 // 401 on every request with it
 *     // point EXA_API_URL at exa.baseUrl(), then search
 *     assertThat(exa.searchRequests().get(0).body().path("numResults").asInt()).isEqualTo(5);
 * }
 * }</pre>
 *
 * <h2>What it answers</h2>
 * <ul>
 *   <li>{@code POST /search}: the pages containing the most of the query's words (title or text, ignoring case),
 *       best first, at most {@code numResults} (default 10); {@code includeDomains} keeps pages of those hosts or
 *       their subdomains, {@code startPublishedDate} / {@code endPublishedDate} (an ISO date or date-time) pages
 *       published in that span. With {@code contents.highlights} each result carries {@code highlights}: the page's
 *       sentences containing a query word, joined and cut at {@code maxCharacters} (default 1,000); with
 *       {@code contents.text}, {@code text} cut at its {@code maxCharacters}.</li>
 *   <li>{@code POST /contents}: one result per known URL of {@code urls} (or {@code ids}), {@code text} cut at
 *       {@code text.maxCharacters}; every URL gets a {@code statuses} entry, an unknown one
 *       {@code {"status":"error","error":{"tag":"CRAWL_NOT_FOUND","httpStatusCode":404}}}.</li>
 *   <li>Every 200 carries {@code costDollars}: {@code {"total", "search": {"neural"}, "contents": {"highlights" |
 *       "text"}}}, at {@link #SEARCH_DOLLARS} per search and {@link #PAGE_DOLLARS} per page of contents.</li>
 *   <li>No {@code x-api-key}, or a {@link #rejectKey rejected} key: 401 {@code INVALID_API_KEY}. A key given
 *       {@link #rateLimitNext}: 429 {@code RATE_LIMIT_EXCEEDED} with {@code Retry-After}. {@link #failNext}: any
 *       status with Exa's error body. A body that is not JSON or lacks {@code query} / {@code urls}: 400
 *       {@code INVALID_REQUEST_BODY}. Any other path: 404.</li>
 * </ul>
 *
 * <p>Every request is recorded before it is answered ({@link #requests()}). Thread-safe.
 *
 * @since 0.1.0
 */
public final class FakeExa implements AutoCloseable {

    /** What one search costs here, as Exa bills a neural search of 1 to 25 results. */
    public static final BigDecimal SEARCH_DOLLARS = new BigDecimal("0.005");
    /** What the contents of one page cost here (highlights or text), as Exa bills them. */
    public static final BigDecimal PAGE_DOLLARS = new BigDecimal("0.001");

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A page of the fake web.
     *
     * @param publishedDate an ISO date ({@code 2026-11-30}) or date-time, or null when the page has none
     */
    public record Page(String url, String title, String publishedDate, String author, String text) {

        public Page {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(text, "text");
        }

        /** A page without an author. */
        public Page(String url, String title, String publishedDate, String text) {
            this(url, title, publishedDate, null, text);
        }
    }

    /** A request as received: the key it carried and its JSON body (null when the body was not JSON). */
    public record RecordedRequest(String method, String path, String apiKey, JsonNode body) {
    }

    private record Failure(int status, String tag, String message, Map<String, String> headers) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "fake-exa");
        thread.setDaemon(true);
        return thread;
    });
    private final List<Page> pages = new CopyOnWriteArrayList<>();
    private final List<RecordedRequest> requests = Collections.synchronizedList(new ArrayList<>());
    private final Set<String> rejected = ConcurrentHashMap.newKeySet();
    private final Map<String, List<Failure>> nextByKey = new ConcurrentHashMap<>();
    private final List<Failure> nextShared = new CopyOnWriteArrayList<>();

    private FakeExa() {
        server = LoopbackHttp.start(this::handle, executor);
    }

    /** Starts a server on 127.0.0.1 at a free port. */
    public static FakeExa start() {
        return new FakeExa();
    }

    /** {@code http://127.0.0.1:<port>}: what {@code EXA_API_URL} is set to (Exa's is {@code https://api.exa.ai}). */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Adds pages to the fake web. */
    public FakeExa page(Page... added) {
        pages.addAll(List.of(added));
        return this;
    }

    /** Every request with this key gets 401 {@code INVALID_API_KEY}, as Exa answers a wrong or revoked key. */
    public FakeExa rejectKey(String apiKey) {
        rejected.add(Objects.requireNonNull(apiKey, "apiKey"));
        return this;
    }

    /** The next request with this key gets 429 with {@code Retry-After} in whole seconds; later ones are served. */
    public FakeExa rateLimitNext(String apiKey, Duration retryAfter) {
        long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        nextByKey.computeIfAbsent(Objects.requireNonNull(apiKey, "apiKey"), k -> new CopyOnWriteArrayList<>())
                .add(new Failure(429, "RATE_LIMIT_EXCEEDED", "You have exceeded your rate limit. Please slow down.",
                        Map.of("Retry-After", Long.toString(seconds))));
        return this;
    }

    /** The next request (any key) gets {@code status} with Exa's error body carrying {@code tag} and {@code message}. */
    public FakeExa failNext(int status, String tag, String message) {
        if (status < 400) {
            throw new IllegalArgumentException("an error status is 400 or more, got " + status);
        }
        nextShared.add(new Failure(status, tag, message, Map.of()));
        return this;
    }

    /** Every request so far, oldest first (a snapshot). */
    public List<RecordedRequest> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** The {@code POST /search} requests, oldest first. */
    public List<RecordedRequest> searchRequests() {
        return requests().stream().filter(r -> r.path().equals("/search")).toList();
    }

    /** The {@code POST /contents} requests, oldest first. */
    public List<RecordedRequest> contentsRequests() {
        return requests().stream().filter(r -> r.path().equals("/contents")).toList();
    }

    /** The keys the requests carried, oldest first (null for a request without one). */
    public List<String> keysUsed() {
        return requests().stream().map(RecordedRequest::apiKey).toList();
    }

    /** Forgets pages, scripted failures, rejected keys and recorded requests, to share one server between tests. */
    public void reset() {
        pages.clear();
        requests.clear();
        rejected.clear();
        nextByKey.clear();
        nextShared.clear();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ------------------------------------------------------------------------------------------------ serving

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String raw = new String(exchange.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            JsonNode body;
            try {
                body = raw.isBlank() ? null : JSON.readTree(raw);
            } catch (IOException notJson) {
                body = null;
            }
            String key = exchange.getRequestHeaders().getFirst("x-api-key");
            String path = exchange.getRequestURI().getPath();
            requests.add(new RecordedRequest(exchange.getRequestMethod(), path, key, body));

            boolean known = exchange.getRequestMethod().equals("POST")
                    && (path.equals("/search") || path.equals("/contents"));
            if (!known) {
                error(exchange, new Failure(404, "NOT_FOUND", "Route " + exchange.getRequestMethod() + " " + path
                        + " not found", Map.of()));
                return;
            }
            if (key == null || key.isBlank() || rejected.contains(key)) {
                error(exchange, new Failure(401, "INVALID_API_KEY", "Invalid API key", Map.of()));
                return;
            }
            Failure scripted = nextFailure(key);
            if (scripted != null) {
                error(exchange, scripted);
                return;
            }
            if (body == null || !body.isObject()) {
                error(exchange, new Failure(400, "INVALID_REQUEST_BODY", "Request body must be JSON", Map.of()));
                return;
            }
            if (path.equals("/search")) {
                search(exchange, body);
            } else {
                contents(exchange, body);
            }
        }
    }

    private Failure nextFailure(String key) {
        List<Failure> own = nextByKey.get(key);
        if (own != null && !own.isEmpty()) {
            return own.remove(0);
        }
        return nextShared.isEmpty() ? null : nextShared.remove(0);
    }

    private void search(HttpExchange exchange, JsonNode body) throws IOException {
        String query = body.path("query").asText("");
        if (query.isBlank()) {
            error(exchange, new Failure(400, "INVALID_REQUEST_BODY", "query: Required", Map.of()));
            return;
        }
        int wanted = body.path("numResults").asInt(10);
        List<String> words = words(query);
        List<String> domains = new ArrayList<>();
        body.path("includeDomains").forEach(d -> domains.add(d.asText().toLowerCase(Locale.ROOT)));
        Instant from = instant(body.path("startPublishedDate").asText(null));
        Instant to = instant(body.path("endPublishedDate").asText(null));

        List<Page> hits = new ArrayList<>();
        List<Integer> scores = new ArrayList<>();
        for (Page page : pages) {
            int score = score(page, words);
            if (score == 0 || !inDomains(page.url(), domains) || !inSpan(page.publishedDate(), from, to)) {
                continue;
            }
            int at = 0;
            while (at < scores.size() && scores.get(at) >= score) {
                at++;
            }
            hits.add(at, page);
            scores.add(at, score);
        }
        List<Page> results = hits.subList(0, Math.min(wanted, hits.size()));

        JsonNode contents = body.path("contents");
        JsonNode highlights = contents.path("highlights");
        JsonNode text = contents.path("text");
        ObjectNode answer = JSON.createObjectNode();
        answer.put("requestId", requestId());
        answer.put("resolvedSearchType", "neural");
        ArrayNode list = answer.putArray("results");
        for (Page page : results) {
            ObjectNode result = describe(list.addObject(), page);
            if (wants(highlights)) {
                int max = highlights.path("maxCharacters").asInt(1000);
                result.putArray("highlights").add(highlight(page.text(), words, max));
                result.putArray("highlightScores").add(0.5);
            }
            if (wants(text)) {
                result.put("text", cut(page.text(), text.path("maxCharacters").asInt(Integer.MAX_VALUE)));
            }
        }
        ObjectNode cost = answer.putObject("costDollars");
        BigDecimal pageCost = (wants(highlights) || wants(text))
                ? PAGE_DOLLARS.multiply(BigDecimal.valueOf(results.size())) : BigDecimal.ZERO;
        cost.put("total", SEARCH_DOLLARS.add(pageCost));
        cost.putObject("search").put("neural", SEARCH_DOLLARS);
        if (pageCost.signum() > 0) {
            cost.putObject("contents").put(wants(highlights) ? "highlights" : "text", pageCost);
        }
        LoopbackHttp.sendJson(exchange, 200, answer.toString(), Map.of());
    }

    private void contents(HttpExchange exchange, JsonNode body) throws IOException {
        JsonNode urls = body.has("urls") ? body.path("urls") : body.path("ids");
        if (!urls.isArray() || urls.isEmpty()) {
            error(exchange, new Failure(400, "INVALID_REQUEST_BODY", "urls: Required", Map.of()));
            return;
        }
        int max = body.path("text").path("maxCharacters").asInt(Integer.MAX_VALUE);
        ObjectNode answer = JSON.createObjectNode();
        answer.put("requestId", requestId());
        ArrayNode results = answer.putArray("results");
        ArrayNode statuses = answer.putArray("statuses");
        int found = 0;
        for (JsonNode url : urls) {
            Page page = pages.stream().filter(p -> p.url().equals(url.asText())).findFirst().orElse(null);
            ObjectNode status = statuses.addObject().put("id", url.asText());
            if (page == null) {
                status.put("status", "error");
                status.putObject("error").put("tag", "CRAWL_NOT_FOUND").put("httpStatusCode", 404);
                continue;
            }
            status.put("status", "success");
            describe(results.addObject(), page).put("text", cut(page.text(), max));
            found++;
        }
        BigDecimal total = PAGE_DOLLARS.multiply(BigDecimal.valueOf(found));
        ObjectNode cost = answer.putObject("costDollars").put("total", total);
        cost.putObject("contents").put("text", total);
        LoopbackHttp.sendJson(exchange, 200, answer.toString(), Map.of());
    }

    private static ObjectNode describe(ObjectNode result, Page page) {
        result.put("id", page.url());
        result.put("url", page.url());
        result.put("title", page.title());
        if (page.publishedDate() != null) {
            result.put("publishedDate", instant(page.publishedDate()).toString());
        }
        if (page.author() != null) {
            result.put("author", page.author());
        }
        return result;
    }

    private static boolean wants(JsonNode option) {
        return option.isObject() || option.asBoolean(false);
    }

    private static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        for (String word : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (word.length() > 1) {
                words.add(word);
            }
        }
        return words;
    }

    private static int score(Page page, List<String> words) {
        String haystack = ((page.title() == null ? "" : page.title()) + " " + page.text()).toLowerCase(Locale.ROOT);
        int score = 0;
        for (String word : words) {
            if (haystack.contains(word)) {
                score++;
            }
        }
        return score;
    }

    private static boolean inDomains(String url, List<String> domains) {
        if (domains.isEmpty()) {
            return true;
        }
        String host = java.net.URI.create(url).getHost().toLowerCase(Locale.ROOT);
        for (String domain : domains) {
            String bare = domain.replaceFirst("^https?://", "").replaceFirst("/.*$", "");
            if (host.equals(bare) || host.endsWith("." + bare)) {
                return true;
            }
        }
        return false;
    }

    private static boolean inSpan(String published, Instant from, Instant to) {
        if (from == null && to == null) {
            return true;
        }
        Instant at = instant(published);
        return at != null && (from == null || !at.isBefore(from)) && (to == null || !at.isAfter(to));
    }

    /** An ISO date (midnight UTC) or date-time as Exa reads one; null for none. */
    private static Instant instant(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException notADateTime) {
            try {
                return Instant.parse(value);
            } catch (DateTimeParseException notAnInstant) {
                return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
        }
    }

    private static String highlight(String text, List<String> words, int max) {
        StringBuilder out = new StringBuilder();
        for (String sentence : text.split("(?<=[.!?])\\s+")) {
            String lower = sentence.toLowerCase(Locale.ROOT);
            if (words.stream().anyMatch(lower::contains)) {
                out.append(out.isEmpty() ? "" : " ").append(sentence.strip());
            }
        }
        return cut(out.isEmpty() ? text : out.toString(), max);
    }

    private static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, Math.max(0, max));
    }

    private static String requestId() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    private static void error(HttpExchange exchange, Failure failure) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.put("requestId", requestId());
        body.put("error", failure.message());
        body.put("tag", failure.tag());
        LoopbackHttp.sendJson(exchange, failure.status(), body.toString(), failure.headers());
    }
}
