package dev.cortana.testkit.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A loopback server speaking the OpenAI chat-completions wire protocol, so tests drive the real LangChain4j
 * {@code OpenAiChatModel} / {@code OpenAiStreamingChatModel} (and everything built on them: providers, key
 * rotation, the agent loop) over real HTTP without a network or an API key. Mocking {@code ChatModel} instead
 * would skip exactly the parts that break in practice: JSON mapping, SSE assembly, status-code mapping, headers.
 *
 * <pre>{@code
 * try (FakeOpenAi openAi = FakeOpenAi.start()) {
 *     openAi.forKey("sk-a").enqueue(Reply.rateLimited(Duration.ofSeconds(20)));   // only key sk-a is throttled
 *     openAi.enqueue(Reply.toolCall("add_todo", "{\"title\":\"milk\"}"), Reply.text("Added."));
 *     ChatModel model = OpenAiChatModel.builder().baseUrl(openAi.baseUrl()).apiKey("sk-b").modelName("gpt-4o").build();
 *     model.chat(ChatRequest.builder().messages(UserMessage.from("Remember milk")).toolSpecifications(addTodo).build());
 *     assertThat(openAi.lastRequest().toolNames()).containsExactly("add_todo");
 * }
 * }</pre>
 *
 * <h2>Endpoints</h2>
 * <ul>
 *   <li>{@code POST /v1/chat/completions}: answers with the next {@link Reply}, as one JSON body, or as SSE
 *       {@code data:} chunks ending in {@code data: [DONE]} when the request says {@code "stream": true}. Text and
 *       tool-call arguments are split over several chunks; a usage chunk comes last when the request asks for
 *       it ({@code stream_options.include_usage}), as LangChain4j does.</li>
 *   <li>{@code GET /v1/models}: the ids set with {@link #models(String...)}.</li>
 *   <li>Anything else: 404 with an OpenAI-style error body.</li>
 * </ul>
 *
 * <h2>Which reply answers a chat request</h2>
 * With the request's bearer token as the key, the first that applies: a key {@link #rejectKey rejected} gets
 * 401; the key's queue ({@link #forKey(String)}); the key's responder; the shared queue ({@link #enqueue}); the
 * shared responder ({@link #respondWith}); otherwise a 400 whose message says nothing was scripted, chosen so an
 * unscripted call fails at once instead of being retried. A responder may return {@code null} to pass; one that
 * throws also yields a 400 carrying the exception's text.
 *
 * <p>Every request is recorded before it is answered ({@link #requests()}), including rejected and unscripted
 * ones. All methods are thread-safe; one server can serve concurrent requests, and hung or delayed replies do not
 * hold up the others. {@link #close()} releases hung requests.
 *
 * <p>This class is the scripting API; how requests are read and recorded is in {@code RequestRecorder}, how replies
 * are rendered as OpenAI JSON and SSE in {@code OpenAiWireFormat}.
 */
public final class FakeOpenAi implements AutoCloseable {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final com.knuddels.jtokkit.api.Encoding O200K = com.knuddels.jtokkit.Encodings
            .newLazyEncodingRegistry().getEncoding(com.knuddels.jtokkit.api.EncodingType.O200K_BASE);
    private static final List<String> DEFAULT_MODELS = List.of("gpt-4o", "gpt-4o-mini", "gpt-4.1", "o4-mini");

    private final HttpServer server;
    private final ExecutorService executor;
    private final CountDownLatch closed = new CountDownLatch(1);

    private final Script shared = new Script();
    private final Map<String, Script> byKey = new ConcurrentHashMap<>();
    private final Set<String> rejectedKeys = ConcurrentHashMap.newKeySet();
    private final RequestRecorder requests = new RequestRecorder();
    private final List<SentText> sentTexts = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final OpenAiWireFormat wire = new OpenAiWireFormat(this::awaitClose, sentTexts::add);
    private volatile List<String> models = DEFAULT_MODELS;
    private final Map<String, Integer> contextWindows = new ConcurrentHashMap<>();

    private FakeOpenAi() throws IOException {
        AtomicInteger threads = new AtomicInteger();
        executor = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "fake-openai-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        server = LoopbackHttp.start(this::handle, executor);
    }

    /** Starts a server on 127.0.0.1 at a free port. */
    public static FakeOpenAi start() {
        try {
            return new FakeOpenAi();
        } catch (IOException e) {
            throw new UncheckedIOException("FakeOpenAi could not bind a loopback port", e);
        }
    }

    /** What to give a client as its base URL: {@code http://127.0.0.1:PORT/v1}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port() + "/v1";
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Queues replies for the next chat requests of any key not scripted on its own. */
    public FakeOpenAi enqueue(Reply... replies) {
        shared.enqueue(replies);
        return this;
    }

    /**
     * Answers chat requests that no queue answers; return {@code null} to pass. For behaviour that depends on the
     * request, such as a fake model that echoes the last tool result.
     */
    public FakeOpenAi respondWith(Function<RecordedRequest, Reply> responder) {
        shared.respondWith(responder);
        return this;
    }

    /** The script for requests whose bearer token is {@code apiKey}; consulted before the shared one. */
    public Script forKey(String apiKey) {
        Objects.requireNonNull(apiKey, "apiKey");
        return byKey.computeIfAbsent(apiKey, k -> new Script());
    }

    /** Makes every request with this key fail with OpenAI's 401 {@code invalid_api_key}, on every endpoint. */
    public FakeOpenAi rejectKey(String apiKey) {
        rejectedKeys.add(Objects.requireNonNull(apiKey, "apiKey"));
        return this;
    }

    /**
     * Makes {@code model} enforce a context window of {@code tokens}, as OpenAI does: a chat request for it whose
     * prompt ({@link #promptTokens}) is larger gets OpenAI's real 400 {@code context_length_exceeded} body, before
     * any script is consulted (nothing queued is used up).
     */
    public FakeOpenAi contextWindow(String model, int tokens) {
        if (tokens < 1) {
            throw new IllegalArgumentException("a context window is at least 1 token");
        }
        contextWindows.put(Objects.requireNonNull(model, "model"), tokens);
        return this;
    }

    /**
     * The prompt tokens of a chat request, counted the way OpenAI documents it for its chat models with the real
     * {@code o200k_base} encoding (jtokkit): each message costs 4 tokens of framing plus its text, each tool call its
     * name and arguments plus 4; the reply is primed with 3; the offered tools cost the tokens of their JSON
     * definitions (OpenAI counts those too).
     */
    public static int promptTokens(RecordedRequest request) {
        if (request.body() == null) {
            return 0;
        }
        long total = 3;
        for (JsonNode message : request.body().path("messages")) {
            total += 4 + O200K.countTokensOrdinary(contentText(message.path("content")));
            for (JsonNode call : message.path("tool_calls")) {
                total += 4 + O200K.countTokensOrdinary(call.path("function").path("name").asText(""))
                        + O200K.countTokensOrdinary(call.path("function").path("arguments").asText(""));
            }
        }
        for (JsonNode tool : request.body().path("tools")) {
            total += O200K.countTokensOrdinary(tool.path("function").toString());
        }
        return (int) Math.min(Integer.MAX_VALUE, total);
    }

    private static String contentText(JsonNode content) {
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder text = new StringBuilder();
        content.forEach(part -> text.append(part.path("text").asText("")));
        return text.toString();
    }

    /** The ids {@code GET /v1/models} lists; by default a few common OpenAI models. */
    public FakeOpenAi models(String... ids) {
        models = List.of(ids);
        return this;
    }

    /** Every request so far, oldest first (a snapshot). */
    public List<RecordedRequest> requests() {
        return requests.all();
    }

    /** The requests made with one key, oldest first. */
    public List<RecordedRequest> requests(String apiKey) {
        return requests().stream().filter(r -> Objects.equals(apiKey, r.apiKey())).toList();
    }

    /** The chat-completion requests only, leaving out model listings. */
    public List<RecordedRequest> chatRequests() {
        return requests().stream().filter(RecordedRequest::isChatCompletion).toList();
    }

    public int requestCount() {
        return requests.count();
    }

    /**
     * Every text chunk streamed so far, oldest first, each with the {@link System#nanoTime()} just before it was
     * written to the client (a client cannot see it earlier): when "the model" wrote each piece of an answer, to
     * compare with when a user saw it. A chunk is listed once it was flushed.
     */
    public List<SentText> sentTexts() {
        return List.copyOf(sentTexts);
    }

    /** The newest request; fails when there is none. */
    public RecordedRequest lastRequest() {
        RecordedRequest last = requests.last();
        if (last == null) {
            throw new IllegalStateException("FakeOpenAi has received no request");
        }
        return last;
    }

    /** Queued replies not consumed yet, over all keys: a test can check its whole script was used. */
    public int pendingReplies() {
        return shared.pending() + byKey.values().stream().mapToInt(Script::pending).sum();
    }

    /** Forgets scripts, rejected keys, recorded requests and the model list, to share one server between tests. */
    public void reset() {
        shared.clear();
        byKey.clear();
        rejectedKeys.clear();
        models = DEFAULT_MODELS;
        contextWindows.clear();
        requests.clear();
        sentTexts.clear();
    }

    /** Stops the server; requests still hung or delayed are dropped without an answer. */
    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    // ------------------------------------------------------------------------------------------------ serving

    private void handle(HttpExchange exchange) throws IOException {
        try {
            RecordedRequest request = requests.record(exchange);
            String path = request.path();
            if (request.apiKey() != null && rejectedKeys.contains(request.apiKey())) {
                send(exchange, request, Reply.invalidApiKey());
            } else if (path.equals("/v1/chat/completions") && request.method().equals("POST")) {
                if (request.body() == null) {
                    send(exchange, request, Reply.openAiError(400, "invalid_request_error", null,
                            "FakeOpenAi: the request body is not JSON"));
                } else {
                    send(exchange, request, replyFor(request));
                }
            } else if (path.equals("/v1/models") && request.method().equals("GET")) {
                wire.sendModels(exchange, models);
            } else {
                send(exchange, request, Reply.openAiError(404, "invalid_request_error", "unknown_url",
                        "Unknown request URL: " + request.method() + " " + path));
            }
        } catch (IOException | RuntimeException e) {
            // The client went away (timeout, cancelled stream) or the server is closing: nothing to answer.
        } finally {
            exchange.close();
        }
    }

    private Reply replyFor(RecordedRequest request) {
        Integer window = request.model() == null ? null : contextWindows.get(request.model());
        if (window != null) {
            int prompt = promptTokens(request);
            if (prompt > window) {
                return Reply.contextLengthExceeded(window, prompt);
            }
        }
        Script keyScript = request.apiKey() == null ? null : byKey.get(request.apiKey());
        Reply reply;
        try {
            reply = keyScript == null ? null : keyScript.next(request);
            if (reply == null) {
                reply = shared.next(request);
            }
        } catch (RuntimeException | AssertionError e) {
            // Surface a broken responder in the test's own failure instead of as a dropped connection.
            return Reply.openAiError(400, "invalid_request_error", "fake_openai_responder_failed",
                    "FakeOpenAi: the responder failed on request #" + request.index() + ": " + e);
        }
        if (reply == null) {
            reply = Reply.openAiError(400, "invalid_request_error", "fake_openai_unscripted",
                    "FakeOpenAi: no reply scripted for request #" + request.index());
        }
        return reply;
    }

    private void send(HttpExchange exchange, RecordedRequest request, Reply reply) throws IOException {
        if (reply.kind == Kind.HANG) {
            awaitClose(null);
            return;
        }
        if (reply.delay != null && !awaitClose(reply.delay)) {
            return;
        }
        wire.send(exchange, request, reply);
    }

    /** Waits for the delay, or for ever when null; false when the server closed first. */
    private boolean awaitClose(Duration delay) {
        try {
            if (delay == null) {
                closed.await();
                return false;
            }
            return !closed.await(delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    // ------------------------------------------------------------------------------------------------ scripts

    /** Replies for one key (or for any key): a queue consumed first, then an optional responder. */
    public static final class Script {

        private final Queue<Reply> queue = new ConcurrentLinkedQueue<>();
        private volatile Function<RecordedRequest, Reply> responder;

        private Script() {
        }

        /** Adds replies to the end of the queue; each answers one chat request. */
        public Script enqueue(Reply... replies) {
            for (Reply reply : replies) {
                queue.add(Objects.requireNonNull(reply, "reply"));
            }
            return this;
        }

        /** Answers requests once the queue is empty; returning {@code null} passes to the next script. */
        public Script respondWith(Function<RecordedRequest, Reply> responder) {
            this.responder = responder;
            return this;
        }

        /** Queued replies not consumed yet. */
        public int pending() {
            return queue.size();
        }

        private Reply next(RecordedRequest request) {
            Reply reply = queue.poll();
            if (reply != null) {
                return reply;
            }
            Function<RecordedRequest, Reply> current = responder;
            return current == null ? null : current.apply(request);
        }

        private void clear() {
            queue.clear();
            responder = null;
        }
    }

    /** What a {@link Reply} is; package-private, like its fields, for {@link OpenAiWireFormat}. */
    enum Kind { ANSWER, ERROR, HANG }

    /**
     * One scripted answer to one chat request. Immutable: the {@code with…} methods return a copy. The same reply
     * serves a plain and a streaming request; the fake renders it in the form the request asked for.
     */
    public static final class Reply {

        /**
         * A tool call the model asks for.
         *
         * @param id        {@code null} for an id the server makes up ({@code call_fake_N})
         * @param arguments sent as given, so a test can also send malformed JSON
         */
        public record ToolCall(String id, String name, String arguments) {

            public ToolCall {
                Objects.requireNonNull(name, "name");
                Objects.requireNonNull(arguments, "arguments");
            }

            public ToolCall withId(String newId) {
                return new ToolCall(newId, name, arguments);
            }
        }

        final Kind kind;
        final String text;
        final List<ToolCall> toolCalls;
        final int status;
        final String errorBody;
        final Map<String, String> headers;
        final Duration delay;
        final Integer promptTokens;
        final Integer completionTokens;
        final String finishReason;
        final int chunkSize;
        final Duration chunkPause;

        private Reply(Kind kind, String text, List<ToolCall> toolCalls, int status, String errorBody,
                      Map<String, String> headers, Duration delay, Integer promptTokens, Integer completionTokens,
                      String finishReason, int chunkSize, Duration chunkPause) {
            this.kind = kind;
            this.text = text;
            this.toolCalls = List.copyOf(toolCalls);
            this.status = status;
            this.errorBody = errorBody;
            this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
            this.delay = delay;
            this.promptTokens = promptTokens;
            this.completionTokens = completionTokens;
            this.finishReason = finishReason;
            this.chunkSize = chunkSize;
            this.chunkPause = chunkPause;
        }

        private static Reply answer(String text, List<ToolCall> calls) {
            return new Reply(Kind.ANSWER, text, calls, 200, null, Map.of(), null, null, null, null, 8, Duration.ZERO);
        }

        /** The assistant answers with text. */
        public static Reply text(String text) {
            return answer(Objects.requireNonNull(text, "text"), List.of());
        }

        /** The assistant calls one tool; {@code argumentsJson} is the JSON object of arguments. */
        public static Reply toolCall(String name, String argumentsJson) {
            return toolCalls(call(name, argumentsJson));
        }

        /** The assistant calls several tools in one turn (parallel tool calls). */
        public static Reply toolCalls(ToolCall... calls) {
            if (calls.length == 0) {
                throw new IllegalArgumentException("at least one tool call");
            }
            return answer(null, List.of(calls));
        }

        /** A tool call with a server-made id, for {@link #toolCalls(ToolCall...)}. */
        public static ToolCall call(String name, String argumentsJson) {
            return new ToolCall(null, name, argumentsJson);
        }

        /** An HTTP error with this exact body (JSON or not). */
        public static Reply error(int status, String body) {
            if (status < 400) {
                throw new IllegalArgumentException("an error status is 400 or more, got " + status);
            }
            return new Reply(Kind.ERROR, null, List.of(), status, Objects.requireNonNull(body, "body"), Map.of(),
                    null, null, null, null, 8, Duration.ZERO);
        }

        /** A 200 whose body is not what the protocol promises (an HTML page, truncated JSON): a model gone wrong. */
        public static Reply garbage(String body) {
            return new Reply(Kind.ERROR, null, List.of(), 200, Objects.requireNonNull(body, "body"), Map.of(),
                    null, null, null, null, 8, Duration.ZERO);
        }

        /** An HTTP error with OpenAI's body: {@code {"error":{"message","type","param","code"}}}. */
        public static Reply openAiError(int status, String type, String code, String message) {
            ObjectNode body = NODES.objectNode();
            ObjectNode error = body.putObject("error");
            error.put("message", message);
            error.put("type", type);
            error.putNull("param");
            if (code == null) {
                error.putNull("code");
            } else {
                error.put("code", code);
            }
            return error(status, body.toString());
        }

        /** 429 {@code rate_limit_exceeded} with {@code Retry-After} in whole seconds, as OpenAI sends it. */
        public static Reply rateLimited(Duration retryAfter) {
            long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
            return openAiError(429, "requests", "rate_limit_exceeded",
                    "Rate limit reached for requests. Please try again in " + seconds + "s.")
                    .withHeader("Retry-After", Long.toString(seconds));
        }

        /** 429 {@code insufficient_quota}: the key's billing quota is used up, not a short-term limit. */
        public static Reply quotaExceeded() {
            return openAiError(429, "insufficient_quota", "insufficient_quota",
                    "You exceeded your current quota, please check your plan and billing details.");
        }

        /** 401 {@code invalid_api_key}. */
        public static Reply invalidApiKey() {
            return openAiError(401, "invalid_request_error", "invalid_api_key", "Incorrect API key provided.");
        }

        /** 400 {@code context_length_exceeded}: the conversation is too long for the model. */
        public static Reply contextLengthExceeded() {
            return contextLengthExceeded(128_000, 130_000);
        }

        /** OpenAI's exact 400 body for a prompt of {@code prompt} tokens sent to a model with a {@code window}. */
        public static Reply contextLengthExceeded(int window, int prompt) {
            ObjectNode body = NODES.objectNode();
            ObjectNode error = body.putObject("error");
            error.put("message", "This model's maximum context length is " + window + " tokens. However, your "
                    + "messages resulted in " + prompt + " tokens. Please reduce the length of the messages.");
            error.put("type", "invalid_request_error");
            error.put("param", "messages");
            error.put("code", "context_length_exceeded");
            return error(400, body.toString());
        }

        /** 500 {@code server_error}. */
        public static Reply serverError() {
            return openAiError(500, "server_error", null, "The server had an error while processing your request.");
        }

        /** Never answers: the request stays open until the client gives up or the server closes. */
        public static Reply hang() {
            return new Reply(Kind.HANG, null, List.of(), 0, null, Map.of(), null, null, null, null, 8, Duration.ZERO);
        }

        /** Adds text before this answer's tool calls, or replaces its text. */
        public Reply withText(String newText) {
            requireAnswer();
            return new Reply(kind, newText, toolCalls, status, errorBody, headers, delay, promptTokens,
                    completionTokens, finishReason, chunkSize, chunkPause);
        }

        /** Adds one more tool call to this answer. */
        public Reply andToolCall(String name, String argumentsJson) {
            requireAnswer();
            List<ToolCall> calls = new ArrayList<>(toolCalls);
            calls.add(call(name, argumentsJson));
            return new Reply(kind, text, calls, status, errorBody, headers, delay, promptTokens, completionTokens,
                    finishReason, chunkSize, chunkPause);
        }

        /** Adds a response header, e.g. {@code x-ratelimit-remaining-requests}. */
        public Reply withHeader(String name, String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(name, value);
            return new Reply(kind, text, toolCalls, status, errorBody, more, delay, promptTokens, completionTokens,
                    finishReason, chunkSize, chunkPause);
        }

        /**
         * Exact usage numbers. Without them the fake estimates about four characters a token: the request's raw
         * body for the prompt, the answer's text and tool calls for the completion.
         */
        public Reply withUsage(int promptTokens, int completionTokens) {
            return new Reply(kind, text, toolCalls, status, errorBody, headers, delay, promptTokens,
                    completionTokens, finishReason, chunkSize, chunkPause);
        }

        /** Overrides {@code finish_reason} ({@code stop} or {@code tool_calls} by default), e.g. {@code length}. */
        public Reply withFinishReason(String reason) {
            requireAnswer();
            return new Reply(kind, text, toolCalls, status, errorBody, headers, delay, promptTokens,
                    completionTokens, reason, chunkSize, chunkPause);
        }

        /** Waits this long before answering (or failing), for timeout and concurrency tests. */
        public Reply delayed(Duration by) {
            return new Reply(kind, text, toolCalls, status, errorBody, headers, Objects.requireNonNull(by), promptTokens,
                    completionTokens, finishReason, chunkSize, chunkPause);
        }

        /**
         * Pauses this long before each streamed text or arguments chunk after the first (none by default), as a model
         * writing its answer token by token: for tests that must see a reply arrive in pieces.
         */
        public Reply pausedBetweenChunks(Duration pause) {
            if (pause.isNegative()) {
                throw new IllegalArgumentException("a pause is zero or more");
            }
            return new Reply(kind, text, toolCalls, status, errorBody, headers, delay, promptTokens,
                    completionTokens, finishReason, chunkSize, pause);
        }

        /** How many characters each streamed text or arguments chunk carries (8 by default). */
        public Reply inChunksOf(int characters) {
            if (characters < 1) {
                throw new IllegalArgumentException("chunk size must be positive");
            }
            return new Reply(kind, text, toolCalls, status, errorBody, headers, delay, promptTokens,
                    completionTokens, finishReason, characters, chunkPause);
        }

        private void requireAnswer() {
            if (kind != Kind.ANSWER) {
                throw new IllegalStateException("only an answer has text, tool calls or a finish reason");
            }
        }

        @Override
        public String toString() {
            switch (kind) {
                case ERROR:
                    return "Reply[" + status + " " + errorBody + "]";
                case HANG:
                    return "Reply[hang]";
                default:
                    return "Reply[text=" + text + ", toolCalls=" + toolCalls + "]";
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ records

    /** One streamed text chunk of the answer to request number {@code request}, written at {@code nanoTime}. */
    public record SentText(int request, String text, long nanoTime) {
    }

    /** A tool result the client sent back: a {@code role: tool} message. */
    public record ToolResult(String toolCallId, String content) {
    }

    /**
     * One request as the server received it.
     *
     * @param index   0 for the first request since start or {@link #reset()}
     * @param headers case-insensitive names
     * @param apiKey  the bearer token, or {@code null} when none was sent
     * @param body    the parsed JSON body, or {@code null} when empty or not JSON
     */
    public record RecordedRequest(int index, String method, String path, Map<String, List<String>> headers,
                                  String apiKey, String rawBody, JsonNode body) {

        /**
         * The prompt in the order providers build and cache it: each tool definition, then the system message(s),
         * then every other message, each as its JSON. A provider's prompt cache can serve the part of the next
         * request that begins with the same pieces ({@link #sharedPrefix}).
         */
        public List<String> promptInProviderOrder() {
            List<String> pieces = new ArrayList<>();
            if (body == null) {
                return pieces;
            }
            body.path("tools").forEach(tool -> pieces.add(tool.toString()));
            List<JsonNode> messages = messages();
            for (JsonNode message : messages) {
                String role = message.path("role").asText();
                if (role.equals("system") || role.equals("developer")) {
                    pieces.add(message.toString());
                }
            }
            for (JsonNode message : messages) {
                String role = message.path("role").asText();
                if (!role.equals("system") && !role.equals("developer")) {
                    pieces.add(message.toString());
                }
            }
            return pieces;
        }

        /**
         * How many characters of this request's prompt ({@link #promptInProviderOrder}, pieces joined) the
         * {@code next} request repeats at its start: what a prefix cache could serve of {@code next}.
         */
        public int sharedPrefix(RecordedRequest next) {
            String mine = String.join("\n", promptInProviderOrder());
            String theirs = String.join("\n", next.promptInProviderOrder());
            int length = Math.min(mine.length(), theirs.length());
            int same = 0;
            while (same < length && mine.charAt(same) == theirs.charAt(same)) {
                same++;
            }
            return same;
        }

        /** The share (0 to 1) of this request's prompt that {@code next} repeats as its prefix. */
        public double shareRepeatedBy(RecordedRequest next) {
            int total = String.join("\n", promptInProviderOrder()).length();
            return total == 0 ? 1.0 : (double) sharedPrefix(next) / total;
        }

        /** The first value of a header, or {@code null}. */
        public String header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        public boolean isChatCompletion() {
            return path.equals("/v1/chat/completions");
        }

        public String model() {
            return body == null || !body.hasNonNull("model") ? null : body.get("model").asText();
        }

        public boolean isStream() {
            return body != null && body.path("stream").asBoolean(false);
        }

        /** Whether a streaming request asked for the final usage chunk. */
        public boolean includeUsage() {
            return body != null && body.path("stream_options").path("include_usage").asBoolean(false);
        }

        /** The {@code messages} array, in order. */
        public List<JsonNode> messages() {
            List<JsonNode> messages = new ArrayList<>();
            if (body != null) {
                body.path("messages").forEach(messages::add);
            }
            return messages;
        }

        /** The names of the tools offered to the model. */
        public List<String> toolNames() {
            List<String> names = new ArrayList<>();
            if (body != null) {
                body.path("tools").forEach(tool -> names.add(tool.path("function").path("name").asText()));
            }
            return names;
        }

        /** The text of the system message(s), joined by blank lines, or {@code null}. */
        public String systemPrompt() {
            List<String> texts = new ArrayList<>();
            for (JsonNode message : messages()) {
                String role = message.path("role").asText();
                if (role.equals("system") || role.equals("developer")) {
                    texts.add(text(message));
                }
            }
            return texts.isEmpty() ? null : String.join("\n\n", texts);
        }

        /**
         * What the user wrote in the newest user message, or {@code null}; multi-part content has its text parts
         * joined. The context Cortana sends before it (its own message beginning {@code "Now: "}: the time and
         * recalled memory) is not part of it; {@link #lastUserMessageAsSent()} includes it.
         */
        public String lastUserMessage() {
            JsonNode message = lastUser();
            return message == null ? null : userText(text(message));
        }

        /** {@code sent} without the context Cortana puts before the user's words ({@code "Now: ..."} and a blank line). */
        public static String userText(String sent) {
            if (sent == null || !sent.startsWith("Now: ")) {
                return sent;
            }
            int blank = sent.indexOf("\n\n");
            return blank < 0 ? "" : sent.substring(blank + 2);
        }

        /**
         * The newest user message as it was sent, every text part joined, or {@code null}; with the context Cortana
         * sends right before it as a message of its own ({@code "Now: ..."}, recalled memory) in front, and a blank
         * line between.
         */
        public String lastUserMessageAsSent() {
            List<JsonNode> messages = messages();
            for (int i = messages.size() - 1; i >= 0; i--) {
                if (messages.get(i).path("role").asText().equals("user")) {
                    String sent = text(messages.get(i));
                    if (i > 0 && messages.get(i - 1).path("role").asText().equals("user")) {
                        String before = text(messages.get(i - 1));
                        if (before != null && before.startsWith("Now: ")) {
                            return before + "\n\n" + sent;
                        }
                    }
                    return sent;
                }
            }
            return null;
        }

        private JsonNode lastUser() {
            List<JsonNode> messages = messages();
            for (int i = messages.size() - 1; i >= 0; i--) {
                if (messages.get(i).path("role").asText().equals("user")) {
                    return messages.get(i);
                }
            }
            return null;
        }

        /**
         * The tool results the conversation ends with (those after the newest assistant message): what the model is
         * being asked to read now. Empty when the last message is not a tool result.
         */
        public List<ToolResult> lastToolResults() {
            List<JsonNode> messages = messages();
            int start = messages.size();
            while (start > 0 && messages.get(start - 1).path("role").asText().equals("tool")) {
                start--;
            }
            List<ToolResult> results = new ArrayList<>();
            for (JsonNode message : messages.subList(start, messages.size())) {
                results.add(new ToolResult(message.path("tool_call_id").asText(null), text(message)));
            }
            return results;
        }

        /** The content of the newest tool result when the conversation ends with tool results, else {@code null}. */
        public String lastToolResult() {
            List<ToolResult> results = lastToolResults();
            return results.isEmpty() ? null : results.get(results.size() - 1).content();
        }

        private static String text(JsonNode message) {
            JsonNode content = message.path("content");
            if (content.isTextual()) {
                return content.asText();
            }
            if (content.isArray()) {
                List<String> parts = new ArrayList<>();
                content.forEach(part -> {
                    if (part.path("type").asText().equals("text")) {
                        parts.add(part.path("text").asText());
                    }
                });
                return String.join("\n", parts);
            }
            return null;
        }

        @Override
        public String toString() {
            return "RecordedRequest[#" + index + " " + method + " " + path + (model() == null ? "" : " " + model())
                    + "]";
        }
    }
}
