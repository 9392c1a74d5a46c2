package dev.cortana.testkit.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A loopback server speaking Zep's REST API (v3 SDK paths under {@code /api/v2}), so a memory plugin's real HTTP
 * client is tested without Zep: users, threads, messages, the thread's context block, graph search, a user's edges
 * (facts), deleting an edge, and adding data to a user's graph. Every request must carry
 * {@code Authorization: Api-Key <key>} (401 otherwise). Errors have Zep's body, {@code {"message": "..."}}.
 *
 * <pre>{@code
 * try (FakeZep zep = FakeZep.start("z_test_key")) {
 *     // ZEP_API_URL = zep.baseUrl(), ZEP_API_KEY = z_test_key
 *     zep.addFact("user-1", "Ana lives in Porto");          // what Zep would have extracted
 *     zep.down();                                           // every request: 503 until up()
 *     zep.up();
 *     assertThat(zep.messages("cortana-user-1")).extracting(FakeZep.Message::content).containsExactly("hi", "Hello");
 * }
 * }</pre>
 *
 * <h2>Endpoints</h2>
 * <ul>
 *   <li>{@code POST /users} {@code {user_id, first_name?, metadata?}}: 201 with the user; 409 if it exists;
 *       {@code GET /users/{id}}: 200 or 404.</li>
 *   <li>{@code POST /threads} {@code {thread_id, user_id}}: 201; 404 for an unknown user; 409 if it exists.</li>
 *   <li>{@code POST /threads/{id}/messages} {@code {messages: [{role, name?, content, created_at?}]}}: 200
 *       {@code {message_uuids}}; 404 for an unknown thread; 400 for more than 30 messages, a role other than
 *       user/assistant/system/tool, or an empty content. Zep extracts facts later, on its side: here the test adds
 *       them with {@link #addFact}.</li>
 *   <li>{@code GET /threads/{id}/context}: {@code {context}}, the user's valid facts in Zep's block format (empty
 *       when there are none); 404 for an unknown thread.</li>
 *   <li>{@code POST /graph/search} {@code {user_id, query, scope, limit}}: {@code {edges: [...]}}, the user's facts
 *       sharing a word with the query, best first, invalidated ones included with {@code invalid_at}.</li>
 *   <li>{@code POST /graph/edge/user/{user_id}} {@code {limit?}}: the user's edges, newest first.</li>
 *   <li>{@code DELETE /graph/edge/{uuid}}: 200 {@code {message}} or 404.</li>
 *   <li>{@code POST /graph} {@code {user_id, type, data}}: 202 with the episode; the data is kept
 *       ({@link #graphData}).</li>
 * </ul>
 *
 * <p>Switches: {@link #down()} (503 for everything), {@link #hang()} (no answer until {@link #up()} or close),
 * {@link #rateLimit(int)} (the next n requests get 429 with {@code Retry-After: 1}), {@link #refuse(String, int)} (one
 * method fails), {@link #up()}. Requests are
 * recorded ({@link #requests()}) before the switches apply. Thread-safe.
 *
 * @since 0.2.0
 */
public final class FakeZep implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> ROLES = Set.of("user", "assistant", "system", "tool");
    private static final int MAX_MESSAGES_PER_CALL = 30;

    /** A request as received: method, path (with query), the {@code Authorization} header, the JSON body. */
    public record Request(String method, String path, String authorization, JsonNode body, int status) {
    }

    /** A message stored in a thread. */
    public record Message(String uuid, String role, String name, String content, String createdAt) {
    }

    /** A fact (edge) of a user's graph; {@code invalidAt} is set when it was contradicted. */
    public record Fact(String uuid, String userId, String fact, Instant createdAt, Instant invalidAt) {
    }

    private enum Mode { UP, DOWN, HANG }

    private final String apiKey;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "fake-zep");
        thread.setDaemon(true);
        return thread;
    });
    private final Object lock = new Object();
    private final List<Request> requests = new ArrayList<>();
    private final Map<String, JsonNode> users = new LinkedHashMap<>();
    private final Map<String, String> threadUsers = new LinkedHashMap<>();
    private final Map<String, List<Message>> messages = new LinkedHashMap<>();
    private final List<Fact> facts = new ArrayList<>();
    private final List<JsonNode> graphData = new ArrayList<>();
    private volatile Mode mode = Mode.UP;
    private volatile CountDownLatch released = new CountDownLatch(1);
    private int rateLimited;
    private volatile String refusedMethod;
    private volatile int refusedStatus;

    private FakeZep(String apiKey) {
        this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
        this.server = LoopbackHttp.start(this::handle, executor);
    }

    /** A started fake accepting only {@code apiKey}. */
    public static FakeZep start(String apiKey) {
        return new FakeZep(apiKey);
    }

    /** {@code http://127.0.0.1:<port>/api/v2}, what {@code ZEP_API_URL} is set to. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/api/v2";
    }

    /** Every request answers 503 until {@link #up()}: Zep is down. */
    public FakeZep down() {
        mode = Mode.DOWN;
        return this;
    }

    /** Requests get no answer until {@link #up()} (then they are answered normally) or {@link #close()}. */
    public FakeZep hang() {
        released = new CountDownLatch(1);
        mode = Mode.HANG;
        return this;
    }

    /** Zep is back: requests are served again, hung ones too; {@link #refuse} is lifted. */
    public FakeZep up() {
        mode = Mode.UP;
        refusedMethod = null;
        released.countDown();
        return this;
    }

    /** Requests with {@code method} ({@code "DELETE"}) get {@code status} until {@link #up()}; others are served. */
    public FakeZep refuse(String method, int status) {
        refusedStatus = status;
        refusedMethod = Objects.requireNonNull(method, "method");
        return this;
    }

    /** The next {@code requests} requests get 429 with {@code Retry-After: 1}. */
    public FakeZep rateLimit(int requests) {
        synchronized (lock) {
            rateLimited = requests;
        }
        return this;
    }

    /** Adds a fact to {@code userId}'s graph, as Zep's extraction would, and returns its uuid. */
    public String addFact(String userId, String fact) {
        synchronized (lock) {
            Fact added = new Fact(UUID.randomUUID().toString(), userId, fact, Instant.now(), null);
            facts.add(added);
            return added.uuid();
        }
    }

    /** Marks a fact invalid (contradicted later), as Zep does instead of deleting it. */
    public void invalidateFact(String uuid) {
        synchronized (lock) {
            facts.replaceAll(f -> f.uuid().equals(uuid) ? new Fact(f.uuid(), f.userId(), f.fact(), f.createdAt(),
                    Instant.now()) : f);
        }
    }

    /** The facts of {@code userId}'s graph (deleted ones are gone), oldest first. */
    public List<Fact> facts(String userId) {
        synchronized (lock) {
            return facts.stream().filter(f -> f.userId().equals(userId)).toList();
        }
    }

    /** The ids of the users created, in order. */
    public List<String> users() {
        synchronized (lock) {
            return List.copyOf(users.keySet());
        }
    }

    /** The threads created, thread id to user id, in order. */
    public Map<String, String> threads() {
        synchronized (lock) {
            return Map.copyOf(threadUsers);
        }
    }

    /** The messages of thread {@code threadId}, in the order they arrived. */
    public List<Message> messages(String threadId) {
        synchronized (lock) {
            return List.copyOf(messages.getOrDefault(threadId, List.of()));
        }
    }

    /** The bodies of {@code POST /graph} calls, oldest first. */
    public List<JsonNode> graphData() {
        synchronized (lock) {
            return List.copyOf(graphData);
        }
    }

    /** Every request so far, oldest first. */
    public List<Request> requests() {
        synchronized (lock) {
            return List.copyOf(requests);
        }
    }

    /** How many requests had {@code method} and a path starting with {@code pathPrefix} ({@code "/api/v2/users"}). */
    public long count(String method, String pathPrefix) {
        return requests().stream().filter(r -> r.method().equals(method) && r.path().startsWith(pathPrefix)).count();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String raw = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            JsonNode body;
            try {
                body = raw.isBlank() ? JSON.createObjectNode() : JSON.readTree(raw);
            } catch (IOException notJson) {
                body = null;
            }
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            Answer answer = answer(method, path, authorization, body);
            synchronized (lock) {
                requests.add(new Request(method, exchange.getRequestURI().toString(), authorization, body,
                        answer.status));
            }
            if (answer.status == 0) {
                return; // hung, then closed
            }
            Map<String, String> headers = answer.status == 429 ? Map.of("Retry-After", "1") : Map.of();
            LoopbackHttp.sendJson(exchange, answer.status, answer.body, headers);
        }
    }

    private record Answer(int status, String body) {
    }

    private Answer answer(String method, String path, String authorization, JsonNode body) {
        if (mode == Mode.HANG) {
            try {
                released.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (mode != Mode.UP) {
                return new Answer(0, "");
            }
        }
        if (mode == Mode.DOWN) {
            return error(503, "service unavailable");
        }
        if (method.equals(refusedMethod)) {
            return error(refusedStatus, "internal server error");
        }
        synchronized (lock) {
            if (rateLimited > 0) {
                rateLimited--;
                return error(429, "rate limit exceeded");
            }
        }
        if (authorization == null || !authorization.equals("Api-Key " + apiKey)) {
            return error(401, "unauthorized");
        }
        if (body == null) {
            return error(400, "invalid JSON body");
        }
        String route = path.startsWith("/api/v2/") ? path.substring("/api/v2".length()) : null;
        if (route == null) {
            return error(404, "not found");
        }
        List<String> parts = Arrays.stream(route.split("/")).filter(s -> !s.isEmpty()).toList();
        synchronized (lock) {
            return route(method, parts, body);
        }
    }

    private Answer route(String method, List<String> parts, JsonNode body) {
        String first = parts.isEmpty() ? "" : parts.get(0);
        if (first.equals("users")) {
            if (method.equals("POST") && parts.size() == 1) {
                String id = body.path("user_id").asText("");
                if (id.isBlank()) {
                    return error(400, "user_id is required");
                }
                if (users.containsKey(id)) {
                    return error(409, "user already exists");
                }
                ObjectNode user = JSON.createObjectNode().put("user_id", id).put("uuid", UUID.randomUUID().toString())
                        .put("created_at", Instant.now().toString());
                if (body.has("first_name")) {
                    user.set("first_name", body.get("first_name"));
                }
                users.put(id, user);
                return new Answer(201, user.toString());
            }
            if (method.equals("GET") && parts.size() == 2) {
                JsonNode user = users.get(parts.get(1));
                return user == null ? error(404, "user not found") : new Answer(200, user.toString());
            }
        }
        if (first.equals("threads")) {
            if (method.equals("POST") && parts.size() == 1) {
                String thread = body.path("thread_id").asText("");
                String user = body.path("user_id").asText("");
                if (thread.isBlank() || user.isBlank()) {
                    return error(400, "thread_id and user_id are required");
                }
                if (!users.containsKey(user)) {
                    return error(404, "user not found");
                }
                if (threadUsers.containsKey(thread)) {
                    return error(409, "thread already exists");
                }
                threadUsers.put(thread, user);
                messages.put(thread, new ArrayList<>());
                return new Answer(201, JSON.createObjectNode().put("thread_id", thread).put("user_id", user)
                        .put("uuid", UUID.randomUUID().toString()).put("created_at", Instant.now().toString())
                        .toString());
            }
            if (parts.size() == 3 && method.equals("POST") && parts.get(2).equals("messages")) {
                return addMessages(parts.get(1), body);
            }
            if (parts.size() == 3 && method.equals("GET") && parts.get(2).equals("context")) {
                String user = threadUsers.get(parts.get(1));
                if (user == null) {
                    return error(404, "thread not found");
                }
                return new Answer(200, JSON.createObjectNode().put("context", contextBlock(user)).toString());
            }
        }
        if (first.equals("graph")) {
            if (parts.size() == 1 && method.equals("POST")) {
                String user = body.path("user_id").asText("");
                if (!users.containsKey(user)) {
                    return error(404, "user not found");
                }
                graphData.add(body);
                return new Answer(202, JSON.createObjectNode().put("uuid", UUID.randomUUID().toString())
                        .put("content", body.path("data").asText()).put("source", body.path("type").asText("text"))
                        .put("created_at", Instant.now().toString()).put("processed", false).toString());
            }
            if (parts.size() == 2 && parts.get(1).equals("search") && method.equals("POST")) {
                return search(body);
            }
            if (parts.size() == 4 && parts.get(1).equals("edge") && parts.get(2).equals("user")
                    && method.equals("POST")) {
                int limit = body.path("limit").asInt(Integer.MAX_VALUE);
                ArrayNode edges = JSON.createArrayNode();
                facts.stream().filter(f -> f.userId().equals(parts.get(3)))
                        .sorted(Comparator.comparing(Fact::createdAt).reversed()).limit(limit)
                        .forEach(f -> edges.add(edge(f, null)));
                return new Answer(200, edges.toString());
            }
            if (parts.size() == 3 && parts.get(1).equals("edge") && method.equals("DELETE")) {
                boolean removed = facts.removeIf(f -> f.uuid().equals(parts.get(2)));
                return removed ? new Answer(200, JSON.createObjectNode().put("message", "Edge with UUID "
                        + parts.get(2) + " successfully deleted.").toString()) : error(404, "edge not found");
            }
        }
        return error(404, "not found");
    }

    private Answer addMessages(String thread, JsonNode body) {
        List<Message> stored = messages.get(thread);
        if (stored == null) {
            return error(404, "thread not found");
        }
        JsonNode list = body.path("messages");
        if (!list.isArray() || list.isEmpty()) {
            return error(400, "messages are required");
        }
        if (list.size() > MAX_MESSAGES_PER_CALL) {
            return error(400, "at most " + MAX_MESSAGES_PER_CALL + " messages per request");
        }
        List<Message> added = new ArrayList<>();
        for (JsonNode message : list) {
            String role = message.path("role").asText("");
            String content = message.path("content").asText("");
            if (!ROLES.contains(role)) {
                return error(400, "invalid role: " + role);
            }
            if (content.isBlank()) {
                return error(400, "content is required");
            }
            added.add(new Message(UUID.randomUUID().toString(), role,
                    message.hasNonNull("name") ? message.get("name").asText() : null, content,
                    message.hasNonNull("created_at") ? message.get("created_at").asText() : null));
        }
        stored.addAll(added);
        ObjectNode answer = JSON.createObjectNode();
        added.forEach(m -> answer.withArray("message_uuids").add(m.uuid()));
        return new Answer(200, answer.toString());
    }

    private Answer search(JsonNode body) {
        String user = body.path("user_id").asText("");
        if (user.isBlank()) {
            return error(400, "user_id or graph_id is required");
        }
        int limit = body.path("limit").asInt(10);
        if (limit < 1 || limit > 50) {
            return error(400, "limit must be between 1 and 50");
        }
        Set<String> words = words(body.path("query").asText(""));
        ObjectNode answer = JSON.createObjectNode();
        ArrayNode edges = answer.putArray("edges");
        facts.stream().filter(f -> f.userId().equals(user))
                .map(f -> Map.entry(f, overlap(words, words(f.fact()))))
                .filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<Fact, Double>comparingByValue().reversed())
                .limit(limit)
                .forEach(e -> edges.add(edge(e.getKey(), e.getValue())));
        return new Answer(200, answer.toString());
    }

    private static ObjectNode edge(Fact fact, Double score) {
        ObjectNode edge = JSON.createObjectNode().put("uuid", fact.uuid()).put("fact", fact.fact())
                .put("name", "RELATES_TO").put("source_node_uuid", "node-user").put("target_node_uuid", "node-x")
                .put("created_at", fact.createdAt().toString()).put("valid_at", fact.createdAt().toString());
        if (fact.invalidAt() != null) {
            edge.put("invalid_at", fact.invalidAt().toString());
        } else {
            edge.putNull("invalid_at");
        }
        if (score != null) {
            edge.put("score", score);
        }
        return edge;
    }

    /** The context block Zep builds for a thread: its user's valid facts with their date ranges. */
    private String contextBlock(String user) {
        List<Fact> valid = facts.stream().filter(f -> f.userId().equals(user) && f.invalidAt() == null).toList();
        if (valid.isEmpty()) {
            return "";
        }
        return "FACTS and ENTITIES represent relevant context to the current conversation.\n"
                + "# These are the most relevant facts and their valid date ranges\n"
                + "# format: FACT (Date range: from - to)\n<FACTS>\n"
                + valid.stream().map(f -> "  - " + f.fact() + " (" + f.createdAt() + " - present)")
                        .collect(Collectors.joining("\n"))
                + "\n</FACTS>";
    }

    private static Set<String> words(String text) {
        return Arrays.stream(text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+"))
                .filter(w -> w.length() > 2).collect(Collectors.toSet());
    }

    private static double overlap(Set<String> query, Set<String> fact) {
        long shared = fact.stream().filter(query::contains).count();
        return fact.isEmpty() ? 0 : (double) shared / fact.size();
    }

    private static Answer error(int status, String message) {
        return new Answer(status, JSON.createObjectNode().put("message", message).toString());
    }

    /** Stops the server; hung requests are dropped. */
    @Override
    public void close() {
        released.countDown();
        mode = Mode.DOWN;
        server.stop(0);
        executor.shutdownNow();
    }
}
