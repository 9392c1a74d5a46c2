package dev.cortana.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cortana.testkit.wire.FakeOpenAi;
import dev.cortana.testkit.wire.FakeOpenAi.RecordedRequest;
import dev.cortana.testkit.wire.FakeOpenAi.Reply;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * The language model of a {@link CortanaTestHost}, scripted by what the user says: each rule matches when the newest
 * user message contains its text, calls the tools it names one after the other, then answers. It is served over
 * HTTP by {@link FakeOpenAi} to the real {@code provider-openai} plugin, so the host's whole path runs: the tools the
 * model is offered, the arguments it sends, the results it reads back.
 *
 * <pre>{@code
 * cortana.model().when("hi").answer("Hello");
 * cortana.model().when("weather in Berlin")
 *         .callTool("get_weather", Map.of("city", "Berlin"))
 *         .thenAnswerWithToolResult();                       // the reply is what get_weather returned
 * cortana.model().when("add milk")
 *         .callTool("add_todo", Map.of("title", "milk"))
 *         .thenAnswer(result -> "Done: " + result);
 * }</pre>
 *
 * <p>The rule added last wins when several match. A message no rule matches gets the reply
 * {@code No scripted answer for the user message "..."}, naming the message, so the test's assertion shows it.
 *
 * @since 0.1.0
 */
public final class ScriptedModel {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final FakeOpenAi server;
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final AtomicInteger callIds = new AtomicInteger();

    ScriptedModel(FakeOpenAi server) {
        this.server = server;
        server.respondWith(this::reply);
    }

    /**
     * Starts a rule for user messages containing {@code text} (case-sensitive).
     *
     * @since 0.1.0
     */
    public When when(String text) {
        return new When(Objects.requireNonNull(text, "text"), List.of());
    }

    /**
     * Forgets every rule.
     *
     * @since 0.1.0
     */
    public void reset() {
        rules.clear();
    }

    /**
     * The tool calls the model made so far, with the results the host sent back, oldest first.
     *
     * <pre>{@code
     * assertThat(cortana.toolCalls()).extracting(ToolCallRecord::name).containsExactly("add_todo");
     * }</pre>
     *
     * @since 0.1.0
     */
    public List<ToolCallRecord> toolCalls() {
        Map<String, String[]> calls = new LinkedHashMap<>();
        Map<String, String> results = new LinkedHashMap<>();
        for (RecordedRequest request : server.chatRequests()) {
            for (JsonNode message : request.messages()) {
                for (JsonNode call : message.path("tool_calls")) {
                    calls.putIfAbsent(call.path("id").asText(), new String[] {
                            call.path("function").path("name").asText(), call.path("function").path("arguments").asText()});
                }
                if (message.path("role").asText().equals("tool")) {
                    results.putIfAbsent(message.path("tool_call_id").asText(), message.path("content").asText());
                }
            }
        }
        List<ToolCallRecord> records = new ArrayList<>();
        calls.forEach((id, call) -> records.add(new ToolCallRecord(call[0], call[1], results.get(id))));
        return records;
    }

    /**
     * The chat requests the model received so far, as sent on the wire, oldest first: for checking what a request
     * carries, such as the JSON size of a plugin's tool definitions.
     *
     * <pre>{@code
     * JsonNode tools = cortana.model().requests().get(0).body().path("tools");
     * }</pre>
     *
     * @since 0.2.0
     */
    public List<RecordedRequest> requests() {
        return server.chatRequests();
    }

    /**
     * The tool names the model was offered on its latest request.
     *
     * @since 0.1.0
     */
    public List<String> offeredTools() {
        List<RecordedRequest> requests = server.chatRequests();
        return requests.isEmpty() ? List.of() : requests.get(requests.size() - 1).toolNames();
    }

    /**
     * The definition of tool {@code name} exactly as the latest request offered it to the model (OpenAI's
     * {@code {"type":"function","function":{...}}} JSON), to measure what the tool adds to every request; empty
     * when it was not offered.
     *
     * <pre>{@code
     * int bytes = cortana.model().offeredToolJson("web_search").orElseThrow().getBytes(StandardCharsets.UTF_8).length;
     * }</pre>
     *
     * @since 0.2.0
     */
    public Optional<String> offeredToolJson(String name) {
        JsonNode tools = latestTools();
        if (tools == null) {
            return Optional.empty();
        }
        for (JsonNode tool : tools) {
            if (tool.path("function").path("name").asText().equals(name)) {
                return Optional.of(tool.toString());
            }
        }
        return Optional.empty();
    }

    /**
     * The text of every message of the latest request whose newest user message is {@code text} (system
     * prompt, history, the host's context message, the user's words), oldest first; empty if there was none. For
     * asserting what reached the model with a message, such as what long-term memory recalled for it.
     *
     * <pre>{@code
     * assertThat(cortana.model().messagesSentWith("where do I live?")).anyMatch(m -> m.contains("Lives in Porto"));
     * }</pre>
     *
     * @since 0.2.0
     */
    public List<String> messagesSentWith(String text) {
        List<RecordedRequest> requests = server.chatRequests();
        for (int i = requests.size() - 1; i >= 0; i--) {
            String user = requests.get(i).lastUserMessage();
            if (user != null && user.strip().equals(text.strip())) {
                List<String> contents = new ArrayList<>();
                for (JsonNode message : requests.get(i).messages()) {
                    JsonNode content = message.path("content");
                    if (content.isTextual()) {
                        contents.add(content.asText());
                    } else if (content.isArray()) {
                        StringBuilder joined = new StringBuilder();
                        content.forEach(part -> joined.append(part.path("text").asText()));
                        contents.add(joined.toString());
                    }
                }
                return contents;
            }
        }
        return List.of();
    }

    /**
     * The tool definitions the model was offered on its latest request: the {@code tools} array of the OpenAI chat
     * request as its JSON text ({@code []} before the first request). Its length is what the tools cost in every
     * request, for a test that keeps a plugin within its byte budget.
     *
     * @since 0.2.0
     */
    public String offeredToolsJson() {
        JsonNode tools = latestTools();
        return tools == null ? "[]" : tools.toString();
    }

    /** The {@code tools} of the latest request (a missing node when it had none); null before the first request. */
    private JsonNode latestTools() {
        List<RecordedRequest> requests = server.chatRequests();
        if (requests.isEmpty() || requests.get(requests.size() - 1).body() == null) {
            return null;
        }
        return requests.get(requests.size() - 1).body().path("tools");
    }

    private Reply reply(RecordedRequest request) {
        String user = request.lastUserMessage();
        Rule rule = null;
        for (Rule candidate : rules) {
            if (user != null && user.contains(candidate.text)) {
                rule = candidate; // the last added wins
            }
        }
        if (rule == null) {
            return Reply.text("No scripted answer for the user message \"" + user + "\" (scripted: "
                    + rules.stream().map(r -> "\"" + r.text + "\"").toList() + ")");
        }
        int step = toolRoundsSinceUser(request);
        if (step < rule.calls.size()) {
            String[] call = rule.calls.get(step);
            String mistake = unknownArguments(request, call[0], call[1]);
            if (mistake != null) {
                return Reply.text(mistake);
            }
            return Reply.toolCalls(new Reply.ToolCall("call_kit_" + callIds.incrementAndGet(), call[0], call[1]));
        }
        String result = request.lastToolResult();
        return Reply.text(rule.answer.apply(result == null ? "" : result));
    }

    /**
     * {@code "Scripted call of habit_done: unknown argument 'name' for habit_done (parameters: habit)"} when the
     * scripted arguments name a parameter the offered tool's JSON schema does not have; null when they fit, or when
     * the tool is not offered (the host then answers the model that there is no such tool).
     */
    private static String unknownArguments(RecordedRequest request, String tool, String argumentsJson) {
        if (request.body() == null) {
            return null;
        }
        for (JsonNode offered : request.body().path("tools")) {
            JsonNode function = offered.path("function");
            if (!function.path("name").asText().equals(tool)) {
                continue;
            }
            List<String> parameters = new ArrayList<>();
            function.path("parameters").path("properties").fieldNames().forEachRemaining(parameters::add);
            JsonNode arguments;
            try {
                arguments = JSON.readTree(argumentsJson);
            } catch (JsonProcessingException e) {
                return null;
            }
            List<String> unknown = new ArrayList<>();
            arguments.fieldNames().forEachRemaining(name -> {
                if (!parameters.contains(name)) {
                    unknown.add(name);
                }
            });
            if (unknown.isEmpty()) {
                return null;
            }
            return "Scripted call of " + tool + ": unknown argument" + (unknown.size() == 1 ? " '" : "s '")
                    + String.join("', '", unknown) + "' for " + tool + " (parameters: "
                    + (parameters.isEmpty() ? "none" : String.join(", ", parameters)) + ")";
        }
        return null;
    }

    /** How many tool-call rounds the model made since the newest user message: the step of the rule to play now. */
    private static int toolRoundsSinceUser(RecordedRequest request) {
        List<JsonNode> messages = request.messages();
        int rounds = 0;
        for (int i = messages.size() - 1; i >= 0; i--) {
            String role = messages.get(i).path("role").asText();
            if (role.equals("user")) {
                break;
            }
            if (role.equals("assistant") && messages.get(i).path("tool_calls").size() > 0) {
                rounds++;
            }
        }
        return rounds;
    }

    private record Rule(String text, List<String[]> calls, UnaryOperator<String> answer) {
    }

    /**
     * A tool call the model made, its JSON arguments, and the result the host sent back ({@code null} if none yet).
     *
     * @since 0.1.0
     */
    public record ToolCallRecord(String name, String arguments, String result) {
    }

    /**
     * A rule being written: add tool calls, then say how the model answers.
     *
     * @since 0.1.0
     */
    public final class When {

        private final String text;
        private final List<String[]> calls;

        private When(String text, List<String[]> calls) {
            this.text = text;
            this.calls = calls;
        }

        /**
         * Answers with {@code text} at once, calling no tool.
         *
         * @since 0.1.0
         */
        public void answer(String reply) {
            thenAnswer(result -> reply);
        }

        /**
         * Calls {@code tool} with {@code arguments} (written as the model's JSON); chain more calls or answer next.
         *
         * @since 0.1.0
         */
        public When callTool(String tool, Map<String, ?> arguments) {
            try {
                List<String[]> more = new ArrayList<>(calls);
                more.add(new String[] {Objects.requireNonNull(tool, "tool"), JSON.writeValueAsString(arguments)});
                return new When(text, List.copyOf(more));
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("Arguments cannot be written as JSON: " + e.getMessage(), e);
            }
        }

        /**
         * After the tool calls, answers with exactly what the last tool returned.
         *
         * @since 0.1.0
         */
        public void thenAnswerWithToolResult() {
            thenAnswer(UnaryOperator.identity());
        }

        /**
         * After the tool calls, answers with {@code reply}.
         *
         * @since 0.1.0
         */
        public void thenAnswer(String reply) {
            thenAnswer(result -> reply);
        }

        /**
         * After the tool calls, answers with {@code reply} applied to the last tool's result.
         *
         * @since 0.1.0
         */
        public void thenAnswer(UnaryOperator<String> reply) {
            rules.add(new Rule(text, calls, Objects.requireNonNull(reply, "reply")));
        }
    }
}
