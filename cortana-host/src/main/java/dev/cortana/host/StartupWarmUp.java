package dev.cortana.host;

import dev.cortana.host.conversation.TokenCounter;
import dev.cortana.host.llm.ModelRouter;
import dev.cortana.host.memory.ActiveMemory;
import dev.cortana.host.prompt.SystemPrompt;
import dev.cortana.host.storage.UserSettingsStore;
import dev.cortana.host.tools.ToolRegistry;
import dev.cortana.host.tools.ToolSet;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the first message after start-up would otherwise pay for, done on a background thread once Cortana is ready:
 * a database round trip through the pool, the system prompt and tool list, the tokenizer tables of the model's
 * encoding, and the model's clients with one request built, prepared, serialised and its answer parsed by the real
 * client code. The request goes to a local sink ({@link StandInSink}) with a placeholder key: no model is asked, no
 * key is used, no money is spent. Last, the memory provider in use (only that one) warms up its retrieval path
 * ({@link dev.cortana.api.memory.MemoryProvider#warmUp()}, writing nothing). A step that fails is logged and skipped;
 * the first message then does that work itself.
 */
final class StartupWarmUp {

    private static final Logger log = LoggerFactory.getLogger(StartupWarmUp.class);

    private final ModelRouter models;
    private final Supplier<String> modelName;
    private final UserSettingsStore userSettings;
    private final String userId;
    private final SystemPrompt prompt;
    private final ToolRegistry tools;
    private final TokenCounter tokens;
    private final ActiveMemory memory;

    StartupWarmUp(ModelRouter models, Supplier<String> modelName, UserSettingsStore userSettings, String userId,
                  SystemPrompt prompt, ToolRegistry tools, TokenCounter tokens, ActiveMemory memory) {
        this.models = models;
        this.modelName = modelName;
        this.userSettings = userSettings;
        this.userId = userId;
        this.prompt = prompt;
        this.tools = tools;
        this.tokens = tokens;
        this.memory = memory;
    }

    /** Starts the warm-up on a daemon thread; completes with the milliseconds each step took, by step. */
    CompletableFuture<Map<String, Long>> start() {
        CompletableFuture<Map<String, Long>> done = new CompletableFuture<>();
        Thread thread = new Thread(() -> done.complete(run()), "cortana-warm-up");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY); // a message that arrives meanwhile goes first
        thread.start();
        return done;
    }

    private Map<String, Long> run() {
        long started = System.nanoTime();
        Map<String, Long> steps = new LinkedHashMap<>();
        step(steps, "database", () -> userSettings.get(userId, "model"));
        String[] model = {modelName.get()};
        String[] system = {""};
        String[] context = {""};
        ToolSet[] toolSet = {ToolSet.empty()};
        step(steps, "prompt and tools", () -> {
            system[0] = prompt.forUser(userId);
            context[0] = prompt.messageContext(userId, "");
            toolSet[0] = tools.current();
        });
        UserMessage sample = UserMessage.from(context[0] + "Hello.");
        step(steps, "tokenizer", () -> {
            tokens.countRequest(model[0], SystemMessage.from(system[0]), List.of(), sample);
            models.modelInfo(model[0]);
        });
        step(steps, "model client", () -> {
            ChatRequest.Builder request = ChatRequest.builder()
                    .messages(new ArrayList<>(List.of(SystemMessage.from(system[0]), sample)));
            if (!toolSet[0].isEmpty()) {
                request.toolSpecifications(toolSet[0].specifications());
            }
            try (StandInSink sink = StandInSink.open()) {
                models.warmUp(model[0], request.build(), sink.baseUrl());
            }
        });
        if (memory.provider().isPresent()) { // with no memory in use there is nothing to warm up (and no step)
            step(steps, "memory", memory::warmUp);
        }
        log.info("Warmed up for the first message in {} ms ({})", (System.nanoTime() - started) / 1_000_000,
                steps.entrySet().stream().map(e -> e.getKey() + " " + e.getValue() + " ms")
                        .collect(java.util.stream.Collectors.joining(", ")));
        return steps;
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void step(Map<String, Long> steps, String name, Step step) {
        long started = System.nanoTime();
        try {
            step.run();
            steps.put(name, (System.nanoTime() - started) / 1_000_000);
        } catch (Exception | LinkageError e) {
            log.debug("Warm-up step '{}' skipped: {}", name, e.toString());
        }
    }

    /**
     * A loopback HTTP server of one purpose: it reads a request and answers "ok" in the provider's wire format (503
     * for a path it does not know), so a client serialises, sends and parses a real exchange without reaching any
     * model. Bound to 127.0.0.1 at a free port for one warm-up.
     */
    static final class StandInSink implements AutoCloseable {

        private final ServerSocket socket;
        private final Thread acceptor;

        private StandInSink(ServerSocket socket) {
            this.socket = socket;
            this.acceptor = new Thread(this::serve, "cortana-warm-up-sink");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        static StandInSink open() throws IOException {
            return new StandInSink(new ServerSocket(0, 4, InetAddress.getLoopbackAddress()));
        }

        String baseUrl() {
            return "http://127.0.0.1:" + socket.getLocalPort() + "/v1";
        }

        private void serve() {
            while (!socket.isClosed()) {
                try (Socket connection = socket.accept()) {
                    connection.setSoTimeout(2000);
                    String requestLine = readRequest(connection.getInputStream());
                    String body = answerTo(requestLine);
                    String status = body == null ? "503 Service Unavailable" : "200 OK";
                    if (body == null) {
                        body = "{\"error\":{\"message\":\"warm-up: not a model\",\"type\":\"server_error\"}}";
                    }
                    OutputStream out = connection.getOutputStream();
                    out.write(("HTTP/1.1 " + status + "\r\nContent-Type: application/json\r\n"
                            + "Content-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body)
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (IOException e) {
                    // closed, or a client that went away: nothing to answer
                }
            }
        }

        /**
         * A one-word answer in the wire format the request's path asks for (OpenAI chat completions, Anthropic
         * messages, Gemini generateContent), so the client's response parsing is warmed up too; null for others.
         */
        static String answerTo(String requestLine) {
            if (requestLine.contains("/chat/completions")) {
                return "{\"id\":\"warm-up\",\"object\":\"chat.completion\",\"created\":0,\"model\":\"warm-up\","
                        + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},"
                        + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,"
                        + "\"total_tokens\":2}}";
            }
            if (requestLine.contains("/messages")) {
                return "{\"id\":\"warm-up\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"warm-up\","
                        + "\"content\":[{\"type\":\"text\",\"text\":\"ok\"}],\"stop_reason\":\"end_turn\","
                        + "\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}";
            }
            if (requestLine.contains(":generateContent")) {
                return "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"ok\"}]},"
                        + "\"finishReason\":\"STOP\"}],\"usageMetadata\":{\"promptTokenCount\":1,"
                        + "\"candidatesTokenCount\":1,\"totalTokenCount\":2}}";
            }
            return null;
        }

        /** Reads the headers and as many body bytes as {@code Content-Length} says; returns the request line. */
        private static String readRequest(InputStream in) throws IOException {
            StringBuilder headers = new StringBuilder();
            int b;
            while ((b = in.read()) >= 0) {
                headers.append((char) b);
                if (headers.length() >= 4 && headers.substring(headers.length() - 4).equals("\r\n\r\n")) {
                    break;
                }
            }
            long length = 0;
            for (String line : headers.toString().split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    length = Long.parseLong(line.substring(15).strip());
                }
            }
            in.skipNBytes(length);
            int end = headers.indexOf("\r\n");
            return end < 0 ? headers.toString() : headers.substring(0, end);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
