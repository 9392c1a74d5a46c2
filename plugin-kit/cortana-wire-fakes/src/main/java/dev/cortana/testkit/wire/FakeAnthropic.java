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
 * A loopback server speaking Anthropic's Messages API ({@code POST /v1/messages}, {@code GET /v1/models}), so tests
 * drive the real LangChain4j {@code AnthropicChatModel}. Replies are scripted per key ({@code x-api-key}) or shared;
 * an unscripted request gets a 400 so it fails at once.
 *
 * <pre>{@code
 * try (FakeAnthropic anthropic = FakeAnthropic.start()) {
 *     anthropic.forKey("sk-ant-a").add(FakeAnthropic.Reply.error(429, "rate_limit_error", "slow down"));
 *     anthropic.enqueue(FakeAnthropic.Reply.text("Hello"));
 * }
 * }</pre>
 */
public final class FakeAnthropic implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One scripted answer: a text message, an Anthropic error, or a hang. */
    public record Reply(int status, String text, String errorType, String errorMessage, Map<String, String> headers,
                        boolean hangs) {

        public static Reply text(String text) {
            return new Reply(200, text, null, null, Map.of(), false);
        }

        /** An error with Anthropic's body: {@code {"type":"error","error":{"type","message"}}}. */
        public static Reply error(int status, String type, String message) {
            return new Reply(status, null, type, message, Map.of(), false);
        }

        public static Reply rateLimited(Duration retryAfter) {
            return new Reply(429, null, "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit.",
                    Map.of("retry-after", Long.toString(Math.max(1, retryAfter.toSeconds()))), false);
        }

        public static Reply overloaded() {
            return error(529, "overloaded_error", "Overloaded");
        }

        /** Never answers: the request stays open until the client gives up or the server closes. */
        public static Reply hang() {
            return new Reply(0, null, null, null, Map.of(), true);
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
    private final PrefixCache cache = new PrefixCache();

    private FakeAnthropic() {
        this.server = LoopbackHttp.start(this::handle, executor);
    }

    public static FakeAnthropic start() {
        return new FakeAnthropic();
    }

    /** {@code http://127.0.0.1:<port>/v1}, what {@code ANTHROPIC_API_BASE} is set to. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    public FakeAnthropic enqueue(Reply... replies) {
        this.replies.enqueue(List.of(replies));
        return this;
    }

    public FakeAnthropic forKey(String apiKey, Reply... replies) {
        this.replies.forKey(apiKey, List.of(replies));
        return this;
    }

    public FakeAnthropic models(String... ids) {
        models = List.of(ids);
        return this;
    }

    public List<RecordedRequest> messageRequests() {
        synchronized (requests) {
            return requests.stream().filter(r -> r.path().endsWith("/messages")).toList();
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String key = exchange.getRequestHeaders().getFirst("x-api-key");
            String raw = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            JsonNode body = raw.isBlank() ? JSON.createObjectNode() : JSON.readTree(raw);
            String path = exchange.getRequestURI().getPath();
            requests.add(new RecordedRequest(exchange.getRequestMethod(), path, key, body));
            if (path.endsWith("/models") && exchange.getRequestMethod().equals("GET")) {
                ObjectNode list = JSON.createObjectNode();
                models.forEach(id -> list.withArray("data").addObject().put("type", "model").put("id", id)
                        .put("display_name", id));
                list.put("has_more", false);
                send(exchange, 200, list.toString(), Map.of());
                return;
            }
            if (!path.endsWith("/messages")) {
                send(exchange, 404, error("not_found_error", "no route " + path), Map.of());
                return;
            }
            Reply reply = replies.next(key).orElse(null);
            if (reply == null) {
                send(exchange, 400, error("invalid_request_error", "fake anthropic: nothing scripted"), Map.of());
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
                send(exchange, reply.status(), error(reply.errorType(), reply.errorMessage()), reply.headers());
                return;
            }
            ObjectNode message = JSON.createObjectNode();
            message.put("id", "msg_fake_" + requests.size()).put("type", "message").put("role", "assistant")
                    .put("model", body.path("model").asText()).put("stop_reason", "end_turn").putNull("stop_sequence");
            message.withArray("content").addObject().put("type", "text").put("text", reply.text());
            message.set("usage", usage(body, raw));
            message.with("usage").put("output_tokens", Math.max(1, reply.text().length() / 4));
            send(exchange, 200, message.toString(), Map.of());
        }
    }

    /**
     * Anthropic's usage: a request with {@code cache_control} breakpoints reads the part of its prompt (tools,
     * system, messages, breakpoints aside) that repeats an earlier marked request from the cache
     * ({@code cache_read_input_tokens}) and writes the rest ({@code cache_creation_input_tokens}); only what is left
     * counts as {@code input_tokens}. A request without breakpoints is neither read from nor written to the cache.
     */
    private ObjectNode usage(JsonNode body, String raw) {
        int total = Math.max(1, raw.length() / 4);
        ObjectNode usage = JSON.createObjectNode();
        if (!raw.contains("\"cache_control\"")) {
            return usage.put("input_tokens", total).put("cache_creation_input_tokens", 0)
                    .put("cache_read_input_tokens", 0);
        }
        String prompt = PrefixCache.prompt(body, "tools", "system", "messages");
        int read = Math.min(total, cache.cachedTokens(prompt));
        int written = Math.max(0, Math.min(total - read, prompt.length() / 4 - read));
        return usage.put("input_tokens", Math.max(1, total - read - written))
                .put("cache_creation_input_tokens", written).put("cache_read_input_tokens", read);
    }

    private static String error(String type, String message) {
        ObjectNode body = JSON.createObjectNode().put("type", "error");
        body.putObject("error").put("type", type).put("message", message);
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
