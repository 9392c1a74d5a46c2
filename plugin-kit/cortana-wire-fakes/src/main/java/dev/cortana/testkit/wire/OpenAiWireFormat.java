package dev.cortana.testkit.wire;

import dev.cortana.testkit.wire.FakeOpenAi.Kind;
import dev.cortana.testkit.wire.FakeOpenAi.RecordedRequest;
import dev.cortana.testkit.wire.FakeOpenAi.Reply;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How {@link FakeOpenAi} puts an answer on the wire, as OpenAI's chat-completions API does: an error reply as its
 * exact body; an answer as one {@code chat.completion} JSON object, or as SSE {@code chat.completion.chunk} events
 * ending in {@code data: [DONE]} when the request streams; the model list. Holds the id counters, so completion and
 * tool-call ids are unique per server. Thread-safe.
 */
final class OpenAiWireFormat {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final AtomicInteger completionIds = new AtomicInteger();
    private final AtomicInteger toolCallIds = new AtomicInteger();
    private final PrefixCache cache = new PrefixCache();
    private final java.util.function.Predicate<java.time.Duration> pause;
    private final java.util.function.Consumer<FakeOpenAi.SentText> sentText;

    /**
     * @param pause    waits between streamed chunks; false when the server closed meanwhile (the stream then ends)
     * @param sentText told of each streamed text chunk once it is flushed to the client, with the time its write began
     */
    OpenAiWireFormat(java.util.function.Predicate<java.time.Duration> pause,
                     java.util.function.Consumer<FakeOpenAi.SentText> sentText) {
        this.pause = pause;
        this.sentText = sentText;
    }

    /** Sends {@code reply} (an error or an answer, its delay already over) in the form {@code request} asked for. */
    void send(HttpExchange exchange, RecordedRequest request, Reply reply) throws IOException {
        if (reply.kind == Kind.ERROR) {
            byte[] bytes = reply.errorBody.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            reply.headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
            exchange.sendResponseHeaders(reply.status, bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                exchange.getResponseBody().write(bytes);
            }
            return;
        }
        List<Reply.ToolCall> calls = new ArrayList<>();
        for (Reply.ToolCall call : reply.toolCalls) {
            calls.add(call.id() != null ? call : call.withId("call_fake_" + toolCallIds.incrementAndGet()));
        }
        if (request.isStream()) {
            stream(exchange, request, reply, calls);
        } else {
            sendJson(exchange, 200, reply.headers, completion(request, reply, calls));
        }
    }

    /** Answers {@code GET /v1/models} with these model ids. */
    void sendModels(HttpExchange exchange, List<String> models) throws IOException {
        sendJson(exchange, 200, Map.of(), modelList(models));
    }

    private ObjectNode completion(RecordedRequest request, Reply reply, List<Reply.ToolCall> calls) {
        ObjectNode message = NODES.objectNode().put("role", "assistant");
        if (reply.text != null) {
            message.put("content", reply.text);
        } else {
            message.putNull("content");
        }
        if (!calls.isEmpty()) {
            ArrayNode toolCalls = message.putArray("tool_calls");
            for (Reply.ToolCall call : calls) {
                ObjectNode node = toolCalls.addObject().put("id", call.id()).put("type", "function");
                node.putObject("function").put("name", call.name()).put("arguments", call.arguments());
            }
        }
        ObjectNode response = header(request, "chat.completion");
        ObjectNode choice = response.putArray("choices").addObject();
        choice.put("index", 0);
        choice.set("message", message);
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason(reply, calls));
        response.set("usage", usage(request, reply, calls));
        return response;
    }

    private void stream(HttpExchange exchange, RecordedRequest request, Reply reply, List<Reply.ToolCall> calls)
            throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        reply.headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        ObjectNode chunkHeader = header(request, "chat.completion.chunk");

        ObjectNode first = NODES.objectNode().put("role", "assistant");
        first.put("content", "");
        event(out, chunk(chunkHeader, first, null));
        boolean firstChunk = true;
        if (reply.text != null) {
            for (String piece : split(reply.text, reply.chunkSize)) {
                if (!firstChunk && !pauseBetween(reply)) {
                    return;
                }
                firstChunk = false;
                long writtenAt = System.nanoTime(); // before the write: the client cannot see the piece earlier
                event(out, chunk(chunkHeader, NODES.objectNode().put("content", piece), null));
                sentText.accept(new FakeOpenAi.SentText(request.index(), piece, writtenAt));
            }
        }
        for (int index = 0; index < calls.size(); index++) {
            Reply.ToolCall call = calls.get(index);
            ObjectNode opening = NODES.objectNode();
            ObjectNode callNode = opening.putArray("tool_calls").addObject()
                    .put("index", index).put("id", call.id()).put("type", "function");
            callNode.putObject("function").put("name", call.name()).put("arguments", "");
            event(out, chunk(chunkHeader, opening, null));
            for (String piece : split(call.arguments(), reply.chunkSize)) {
                if (!firstChunk && !pauseBetween(reply)) {
                    return;
                }
                firstChunk = false;
                ObjectNode delta = NODES.objectNode();
                delta.putArray("tool_calls").addObject().put("index", index)
                        .putObject("function").put("arguments", piece);
                event(out, chunk(chunkHeader, delta, null));
            }
        }
        event(out, chunk(chunkHeader, NODES.objectNode(), finishReason(reply, calls)));
        if (request.includeUsage()) {
            ObjectNode usage = chunkHeader.deepCopy();
            usage.putArray("choices");
            usage.set("usage", usage(request, reply, calls));
            event(out, usage.toString());
        }
        event(out, "[DONE]");
    }

    private boolean pauseBetween(Reply reply) {
        return reply.chunkPause.isZero() || pause.test(reply.chunkPause);
    }

    private static String chunk(ObjectNode header, ObjectNode delta, String finishReason) {
        ObjectNode chunk = header.deepCopy();
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        return chunk.toString();
    }

    private static void event(OutputStream out, String data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private ObjectNode header(RecordedRequest request, String object) {
        ObjectNode node = NODES.objectNode();
        node.put("id", "chatcmpl-fake-" + completionIds.incrementAndGet());
        node.put("object", object);
        node.put("created", System.currentTimeMillis() / 1000);
        node.put("model", request.model() == null ? "gpt-4o" : request.model());
        node.put("system_fingerprint", "fp_fake");
        return node;
    }

    private static String finishReason(Reply reply, List<Reply.ToolCall> calls) {
        if (reply.finishReason != null) {
            return reply.finishReason;
        }
        return calls.isEmpty() ? "stop" : "tool_calls";
    }

    /**
     * OpenAI's usage: {@code prompt_tokens_details.cached_tokens} is the part of the prompt (tools, system,
     * messages) that repeats the start of an earlier prompt to this server, as OpenAI's automatic prefix cache
     * serves it.
     */
    private ObjectNode usage(RecordedRequest request, Reply reply, List<Reply.ToolCall> calls) {
        int prompt = reply.promptTokens != null ? reply.promptTokens : Math.max(1, request.rawBody().length() / 4);
        int completion;
        if (reply.completionTokens != null) {
            completion = reply.completionTokens;
        } else {
            int chars = reply.text == null ? 0 : reply.text.length();
            for (Reply.ToolCall call : calls) {
                chars += call.name().length() + call.arguments().length();
            }
            completion = Math.max(1, chars / 4);
        }
        ObjectNode usage = NODES.objectNode();
        usage.put("prompt_tokens", prompt);
        usage.put("completion_tokens", completion);
        usage.put("total_tokens", prompt + completion);
        int cached = cache.cachedTokens(String.join("\n", request.promptInProviderOrder()));
        usage.putObject("prompt_tokens_details").put("cached_tokens", Math.min(prompt, cached));
        return usage;
    }

    /** Splits by code points so a chunk boundary never falls inside a surrogate pair. */
    private static List<String> split(String text, int size) {
        List<String> pieces = new ArrayList<>();
        int[] codePoints = text.codePoints().toArray();
        for (int start = 0; start < codePoints.length; start += size) {
            pieces.add(new String(codePoints, start, Math.min(size, codePoints.length - start)));
        }
        return pieces;
    }

    private static ObjectNode modelList(List<String> models) {
        ObjectNode list = NODES.objectNode().put("object", "list");
        ArrayNode data = list.putArray("data");
        for (String id : models) {
            data.addObject().put("id", id).put("object", "model").put("created", 1_700_000_000L)
                    .put("owned_by", "fake-openai");
        }
        return list;
    }

    private static void sendJson(HttpExchange exchange, int status, Map<String, String> headers, JsonNode body)
            throws IOException {
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
