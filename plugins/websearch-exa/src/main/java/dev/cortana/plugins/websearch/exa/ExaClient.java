package dev.cortana.plugins.websearch.exa;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cortana.api.ApiKeyPool;
import dev.cortana.api.HostHttp;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Exa's API over the host's HTTP client, one call tried with each of the pool's keys at most once: a 429 rests the
 * key for its {@code Retry-After}, a 401/403 rests it and marks its variable as refused (shown in {@code /plugins}),
 * a server error or a dropped connection rests it a little; then the next key. Messages name the key's variable
 * ({@code EXA_API_KEY_2}), never the key.
 */
final class ExaClient {

    /** What a successful call returned: Exa's JSON and what Exa said it cost. */
    record Answer(JsonNode body, BigDecimal dollars) {
    }

    /** A failure the model and the user read as it is: one sentence, no secret. */
    static final class ExaException extends Exception {
        ExaException(String message) {
            super(message);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HostHttp http;
    private final ApiKeyPool keys;
    private final String baseUrl;
    /** Each configured key's variable, by the key. */
    private final Map<String, String> variables;
    private final Set<String> refused = ConcurrentHashMap.newKeySet();

    ExaClient(HostHttp http, ApiKeyPool keys, String baseUrl, Map<String, String> variables) {
        this.http = http;
        this.keys = keys;
        this.baseUrl = baseUrl.replaceAll("/+$", "");
        this.variables = Map.copyOf(variables);
    }

    /** The variables of keys Exa refused (401/403) since the start, until one of them works again. */
    List<String> refusedKeys() {
        return refused.stream().sorted().toList();
    }

    /** POSTs {@code body} to {@code path} ({@code /search}, {@code /contents}) and returns Exa's answer. */
    Answer post(String path, ObjectNode body) throws ExaException, InterruptedException {
        List<String> problems = new ArrayList<>();
        for (int attempt = 0; attempt < Math.max(1, keys.size()); attempt++) {
            Optional<ApiKeyPool.Key> next = keys.next();
            if (next.isEmpty()) {
                break;
            }
            ApiKeyPool.Key key = next.get();
            String variable = variables.getOrDefault(key.value(), key.fingerprint());
            HttpResponse<String> answer;
            try {
                answer = http.send(http.request(URI.create(baseUrl + path))
                        .header("x-api-key", key.value())
                        .header("Content-Type", "application/json")
                        .header("Accept", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build());
            } catch (IOException e) {
                key.failed();
                problems.add("Exa did not answer with " + variable + " (" + redact(e.getMessage()) + ")");
                continue;
            }
            int status = answer.statusCode();
            if (status == 200) {
                key.succeeded();
                refused.remove(variable);
                return parse(answer.body());
            }
            switch (status) {
                case 429 -> {
                    key.rateLimited(HostHttp.retryAfter(answer));
                    problems.add(variable + " is rate limited (HTTP 429)");
                }
                case 401, 403 -> {
                    key.authFailed();
                    refused.add(variable);
                    problems.add("Exa refused " + variable + " as invalid (HTTP " + status + ")");
                }
                case 402 -> {
                    key.quotaExhausted(HostHttp.retryAfter(answer));
                    problems.add(variable + " has no Exa credits left (HTTP 402)");
                }
                default -> {
                    if (status >= 500) {
                        key.failed();
                        problems.add("Exa answered HTTP " + status + " with " + variable);
                    } else {
                        // The request itself is wrong: another key would get the same answer.
                        throw new ExaException("Exa refused the request (HTTP " + status + "): "
                                + redact(errorText(answer.body())));
                    }
                }
            }
        }
        if (problems.isEmpty()) {
            throw new ExaException(keys.unavailableReason());
        }
        String reason = keys.unavailableReason();
        throw new ExaException("Web search failed: " + String.join("; ", problems) + "."
                + (reason.startsWith("Every ") ? " " + reason : ""));
    }

    private static Answer parse(String body) throws ExaException {
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (IOException e) {
            throw new ExaException("Exa answered HTTP 200 with a body that is not JSON.");
        }
        JsonNode total = json.path("costDollars").path("total");
        BigDecimal dollars = total.isNumber() ? total.decimalValue() : BigDecimal.ZERO;
        return new Answer(json, dollars);
    }

    private static String errorText(String body) {
        try {
            JsonNode json = JSON.readTree(body);
            String error = json.path("error").asText("");
            String tag = json.path("tag").asText("");
            if (!error.isBlank()) {
                return error.strip() + (tag.isBlank() ? "" : " (" + tag + ")");
            }
        } catch (IOException notJson) {
            // fall through to the raw text
        }
        String text = body == null ? "" : body.strip();
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }

    /** Exa's own words could echo a key; never pass one on. */
    private String redact(String text) {
        String out = text == null ? "" : text;
        for (String key : variables.keySet()) {
            out = out.replace(key, "[redacted]");
        }
        return out;
    }

    /** Each configured key's variable ({@code EXA_API_KEY}, {@code EXA_API_KEY_1}, ...), by key, in the pool's order. */
    static Map<String, String> variables(dev.cortana.api.PluginSettings settings, String name) {
        Map<String, String> byKey = new LinkedHashMap<>();
        settings.get(name).map(String::strip).filter(k -> !k.isEmpty()).ifPresent(k -> byKey.putIfAbsent(k, name));
        for (int n = 1; n <= 50; n++) {
            String variable = name + "_" + n;
            settings.get(variable).map(String::strip).filter(k -> !k.isEmpty())
                    .ifPresent(k -> byKey.putIfAbsent(k, variable));
        }
        return byKey;
    }
}
