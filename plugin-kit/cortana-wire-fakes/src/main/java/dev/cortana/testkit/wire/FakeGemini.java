package dev.cortana.testkit.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A loopback server speaking Google's Gemini API ({@code POST /v1beta/models/<model>:generateContent},
 * {@code GET /v1beta/models}), so tests drive the real LangChain4j {@code GoogleAiGeminiChatModel}. Replies are
 * scripted per key ({@code x-goog-api-key}) or shared; an unscripted request gets a 400 so it fails at once.
 *
 * <pre>{@code
 * try (FakeGemini gemini = FakeGemini.start()) {
 *     gemini.forKey("AIza-a", FakeGemini.Reply.perMinuteLimit(Duration.ofSeconds(17)));
 *     gemini.enqueue(FakeGemini.Reply.text("Hello"));
 * }
 * }</pre>
 */
public final class FakeGemini implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One scripted answer: a text answer, a Google API error, or a hang. */
    public record Reply(int status, String text, String errorStatus, String errorMessage, String errorDetails,
                        boolean hangs) {

        public static Reply text(String text) {
            return new Reply(200, text, null, null, null, false);
        }

        /** An error with Google's body: {@code {"error":{"code","message","status","details"}}}. */
        public static Reply error(int status, String googleStatus, String message) {
            return new Reply(status, null, googleStatus, message, null, false);
        }

        /** 429 for a per-minute quota, with the {@code RetryInfo} delay Gemini sends. */
        public static Reply perMinuteLimit(Duration retryDelay) {
            return new Reply(429, null, "RESOURCE_EXHAUSTED", "You exceeded your current quota, please check your plan "
                    + "and billing details.", "[{\"@type\":\"type.googleapis.com/google.rpc.QuotaFailure\",\"violations\":"
                    + "[{\"quotaId\":\"GenerateRequestsPerMinutePerProjectPerModel-FreeTier\"}]},{\"@type\":"
                    + "\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"" + retryDelay.toSeconds() + "s\"}]",
                    false);
        }

        /** 429 for the daily quota: nothing will change until tomorrow. */
        public static Reply perDayQuota() {
            return new Reply(429, null, "RESOURCE_EXHAUSTED", "You exceeded your current quota, please check your plan "
                    + "and billing details.", "[{\"@type\":\"type.googleapis.com/google.rpc.QuotaFailure\",\"violations\":"
                    + "[{\"quotaId\":\"GenerateRequestsPerDayPerProjectPerModel-FreeTier\"}]}]", false);
        }

        public static Reply hang() {
            return new Reply(0, null, null, null, null, true);
        }
    }

    /** A request as received: the key it carried and its JSON body. */
    public record RecordedRequest(String method, String path, String apiKey, JsonNode body) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final ScriptedReplies<Reply> replies = new ScriptedReplies<>();
    private final List<RecordedRequest> requests = Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile List<String> models = List.of();
    /** Gemini's implicit cache: the part of a prompt repeating an earlier one is reported as cached. */
    private final PrefixCache cache = new PrefixCache();

    private FakeGemini() {
        this.server = LoopbackHttp.start(this::handle, executor);
    }

    public static FakeGemini start() {
        return new FakeGemini();
    }

    /** {@code http://127.0.0.1:<port>/v1}, what {@code GEMINI_API_BASE} is set to. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1beta";
    }

    public FakeGemini enqueue(Reply... replies) {
        this.replies.enqueue(List.of(replies));
        return this;
    }

    public FakeGemini forKey(String apiKey, Reply... replies) {
        this.replies.forKey(apiKey, List.of(replies));
        return this;
    }

    public FakeGemini models(String... ids) {
        models = List.of(ids);
        return this;
    }

    public List<RecordedRequest> generateRequests() {
        synchronized (requests) {
            return requests.stream().filter(r -> r.path().endsWith(":generateContent")).toList();
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String key = exchange.getRequestHeaders().getFirst("x-goog-api-key");
            String raw = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            JsonNode body = raw.isBlank() ? JSON.createObjectNode() : JSON.readTree(raw);
            String path = exchange.getRequestURI().getPath();
            requests.add(new RecordedRequest(exchange.getRequestMethod(), path, key, body));
            if (path.endsWith("/models") && exchange.getRequestMethod().equals("GET")) {
                ObjectNode list = JSON.createObjectNode();
                models.forEach(id -> list.withArray("models").addObject().put("name", "models/" + id)
                        .put("inputTokenLimit", 1_048_576).put("outputTokenLimit", 65_536)
                        .putArray("supportedGenerationMethods").add("generateContent"));
                send(exchange, 200, list.toString(), Map.of());
                return;
            }
            if (!path.endsWith(":generateContent")) {
                send(exchange, 404, error(404, "NOT_FOUND", "no route " + path, null), Map.of());
                return;
            }
            Reply reply = replies.next(key).orElse(null);
            if (reply == null) {
                send(exchange, 400, error(400, "INVALID_ARGUMENT", "fake gemini: nothing scripted", null), Map.of());
                return;
            }
            if (reply.hangs()) {
                try {
                    closing.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            if (reply.status() != 200) {
                send(exchange, reply.status(), error(reply.status(), reply.errorStatus(), reply.errorMessage(),
                        reply.errorDetails()), Map.of());
                return;
            }
            ObjectNode answer = JSON.createObjectNode();
            ObjectNode candidate = answer.withArray("candidates").addObject();
            candidate.putObject("content").put("role", "model").withArray("parts").addObject().put("text", reply.text());
            candidate.put("finishReason", "STOP");
            int prompt = Math.max(1, raw.length() / 4);
            int output = Math.max(1, reply.text().length() / 4);
            int cached = Math.min(prompt, cache.cachedTokens(PrefixCache.prompt(body, "tools", "systemInstruction",
                    "contents")));
            answer.putObject("usageMetadata").put("promptTokenCount", prompt).put("candidatesTokenCount", output)
                    .put("totalTokenCount", prompt + output).put("cachedContentTokenCount", cached);
            answer.put("modelVersion", path.replaceAll(".*/models/([^:]+):.*", "$1"));
            send(exchange, 200, answer.toString(), Map.of());
        }
    }

    private static String error(int code, String status, String message, String detailsJson) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode error = body.putObject("error").put("code", code).put("message", message).put("status", status);
        if (detailsJson != null) {
            error.set("details", JSON.readTree(detailsJson));
        }
        return body.toString();
    }

    private static void send(HttpExchange exchange, int status, String body, Map<String, String> headers)
            throws IOException {
        LoopbackHttp.sendJson(exchange, status, body, headers);
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
