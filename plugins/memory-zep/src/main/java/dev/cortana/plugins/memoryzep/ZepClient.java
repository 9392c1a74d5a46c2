package dev.cortana.plugins.memoryzep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cortana.api.HostHttp;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A thin client of Zep's REST API (the paths its v3 SDK uses, under {@code /api/v2}), through the host's HTTP client.
 * Every call sends {@code Authorization: Api-Key <key>}; no message of an exception it throws contains the key.
 */
final class ZepClient {

    static final String DEFAULT_URL = "https://api.getzep.com/api/v2";
    /** Zep takes at most this many messages per call. */
    static final int MAX_MESSAGES_PER_CALL = 30;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A message for a thread. */
    record Message(String role, String content, Instant createdAt) {
    }

    /** A fact (an edge of the user's graph). */
    record Edge(String uuid, String fact, Instant createdAt, boolean invalid) {
    }

    /** Zep answered with an error status. */
    static final class ZepException extends IOException {
        final int status;
        final java.time.Duration retryAfter;

        ZepException(int status, String message, java.time.Duration retryAfter) {
            super(message);
            this.status = status;
            this.retryAfter = retryAfter;
        }

        /** Zep is away or busy (5xx, 429): try again later. Anything else is about the request itself. */
        boolean transientFailure() {
            return status == 429 || status == 408 || status >= 500;
        }
    }

    private final HostHttp http;
    private final String base;
    private final String key;
    private final Duration timeout;

    ZepClient(HostHttp http, String baseUrl, String key, Duration timeout) {
        this.http = http;
        this.base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.key = key;
        this.timeout = timeout;
    }

    /** Creates the user; one that already exists is fine. */
    void ensureUser(String userId) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode().put("user_id", userId);
        body.putObject("metadata").put("source", "cortana");
        createIdempotently(post("/users", body, timeout));
    }

    /** Creates the user's thread; one that already exists is fine. */
    void ensureThread(String threadId, String userId) throws IOException, InterruptedException {
        createIdempotently(post("/threads", JSON.createObjectNode().put("thread_id", threadId).put("user_id", userId),
                timeout));
    }

    /** Adds up to {@value #MAX_MESSAGES_PER_CALL} messages to a thread, in order. */
    void addMessages(String threadId, List<Message> messages) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode list = body.putArray("messages");
        for (Message message : messages) {
            ObjectNode m = list.addObject().put("role", message.role()).put("content", message.content());
            if (message.createdAt() != null) {
                m.put("created_at", message.createdAt().toString());
            }
        }
        ok(post("/threads/" + segment(threadId) + "/messages", body, timeout));
    }

    /** Adds a piece of text to the user's graph (Zep extracts facts from it). */
    void addData(String userId, String text) throws IOException, InterruptedException {
        ok(post("/graph", JSON.createObjectNode().put("user_id", userId).put("type", "text").put("data", text),
                timeout));
    }

    /** The thread's context block; empty when the thread does not exist (yet). */
    String context(String threadId, Duration within) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(http.request(uri("/threads/" + segment(threadId) + "/context"))
                .header("Authorization", "Api-Key " + key).header("Accept", "application/json")
                .timeout(within).GET().build());
        if (response.statusCode() == 404) {
            return "";
        }
        return ok(response).path("context").asText("");
    }

    /** The user's facts best matching {@code query} (at most 50). */
    List<Edge> search(String userId, String query, int limit) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode().put("user_id", userId).put("query", query).put("scope", "edges")
                .put("limit", Math.max(1, Math.min(50, limit)));
        return edges(ok(post("/graph/search", body, timeout)).path("edges"));
    }

    /** The user's facts, newest first as far as Zep sorts them. */
    List<Edge> userEdges(String userId, int limit) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode().put("limit", limit).put("order_by", "created_at")
                .put("direction", "desc");
        HttpResponse<String> response = post("/graph/edge/user/" + segment(userId), body, timeout);
        if (response.statusCode() == 404) {
            return List.of();
        }
        return edges(ok(response));
    }

    /** Deletes a fact; false when Zep has no such edge. */
    boolean deleteEdge(String uuid) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(http.request(uri("/graph/edge/" + segment(uuid)))
                .header("Authorization", "Api-Key " + key).timeout(timeout).DELETE().build());
        if (response.statusCode() == 404) {
            return false;
        }
        ok(response);
        return true;
    }

    private HttpResponse<String> post(String path, JsonNode body, Duration within)
            throws IOException, InterruptedException {
        return http.send(http.request(uri(path)).header("Authorization", "Api-Key " + key)
                .header("Content-Type", "application/json").header("Accept", "application/json").timeout(within)
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)).build());
    }

    private void createIdempotently(HttpResponse<String> response) throws IOException {
        int status = response.statusCode();
        if (status == 409 || (status == 400 && message(response).toLowerCase(java.util.Locale.ROOT)
                .contains("already exists"))) {
            return;
        }
        ok(response);
    }

    private JsonNode ok(HttpResponse<String> response) throws IOException {
        int status = response.statusCode();
        if (status / 100 == 2) {
            String body = response.body();
            return body == null || body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
        }
        String path = response.request().uri().getPath();
        String what = status == 401 || status == 403 ? "Zep refused the key (ZEP_API_KEY)"
                : status == 429 ? "Zep is rate limiting" : status >= 500 ? "Zep is unavailable" : "Zep rejected the request";
        throw new ZepException(status, scrub(what + ": HTTP " + status + " from " + path
                + (message(response).isBlank() ? "" : " (" + cut(message(response)) + ")")), HostHttp.retryAfter(response));
    }

    private static String message(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body()).path("message").asText("");
        } catch (IOException | RuntimeException notJson) {
            return "";
        }
    }

    private static List<Edge> edges(JsonNode array) {
        List<Edge> edges = new ArrayList<>();
        for (JsonNode edge : array) {
            String uuid = edge.path("uuid").asText("");
            String fact = edge.path("fact").asText("");
            if (uuid.isEmpty() || fact.isBlank()) {
                continue;
            }
            boolean invalid = edge.hasNonNull("invalid_at") || edge.hasNonNull("expired_at");
            edges.add(new Edge(uuid, fact, instant(edge.path("created_at").asText(null)), invalid));
        }
        return edges;
    }

    private static Instant instant(String text) {
        if (text == null) {
            return Instant.EPOCH;
        }
        try {
            return java.time.OffsetDateTime.parse(text).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            try {
                return Instant.parse(text);
            } catch (java.time.format.DateTimeParseException again) {
                return Instant.EPOCH;
            }
        }
    }

    private URI uri(String path) {
        return URI.create(base + path);
    }

    private static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String cut(String text) {
        return text.length() > 160 ? text.substring(0, 160) + "..." : text;
    }

    /** Never lets the key through, whatever Zep echoed back. */
    String scrub(String text) {
        return key.isEmpty() || text == null ? text : text.replace(key, "[redacted]");
    }
}
