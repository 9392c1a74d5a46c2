package dev.cortana.testkit.wire;

import dev.cortana.testkit.wire.FakeOpenAi.RecordedRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@link FakeOpenAi}'s request log: reads each request off the wire into a {@link RecordedRequest} and keeps it, in
 * arrival order, for the test to inspect. Thread-safe.
 */
final class RequestRecorder {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<RecordedRequest> requests = new ArrayList<>();

    /** Reads the whole request and records it, numbered in arrival order; the body is parsed when it is JSON. */
    RecordedRequest record(HttpExchange exchange) throws IOException {
        String raw;
        try (InputStream in = exchange.getRequestBody()) {
            raw = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        JsonNode body = null;
        if (!raw.isBlank()) {
            try {
                body = JSON.readTree(raw);
            } catch (IOException notJson) {
                body = null;
            }
        }
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, List.copyOf(values)));
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        String apiKey = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).trim()
                : null;
        synchronized (requests) {
            RecordedRequest request = new RecordedRequest(requests.size(), exchange.getRequestMethod(),
                    exchange.getRequestURI().getPath(), Collections.unmodifiableMap(headers), apiKey, raw, body);
            requests.add(request);
            return request;
        }
    }

    /** Every request so far, oldest first (a snapshot). */
    List<RecordedRequest> all() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    int count() {
        synchronized (requests) {
            return requests.size();
        }
    }

    /** The newest request, or {@code null} when there is none. */
    RecordedRequest last() {
        synchronized (requests) {
            return requests.isEmpty() ? null : requests.get(requests.size() - 1);
        }
    }

    /** Forgets every request; the next one is numbered 0 again. */
    void clear() {
        synchronized (requests) {
            requests.clear();
        }
    }
}
