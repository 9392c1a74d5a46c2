package dev.cortana.bench;

import dev.cortana.host.Cortana;
import dev.cortana.host.config.Config;
import dev.cortana.host.config.CortanaConfig;
import dev.cortana.testkit.wire.FakeOpenAi;
import dev.cortana.testkit.wire.FakeOpenAi.Reply;
import dev.cortana.host.testing.TestDatabase;
import dev.cortana.host.testing.TestPostgres;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * Issue 2 target: host overhead per message with a loopback model that answers at once and one tool call that
 * writes to PostgreSQL (two model round trips, one todo insert). Also prints the size of one model request with all
 * bundled plugins loaded (the brief's budget: 12 KB).
 *
 * <p>Run from the repository root after {@code mvn -B -q -DskipTests package}:
 * {@code java -cp bench/target/cortana-bench.jar dev.cortana.bench.MessageOverheadBenchmark [warmup] [messages] [NAME=value ...]}
 */
public final class MessageOverheadBenchmark {

    public static void main(String[] args) throws Exception {
        int warmup = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        int messages = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        Path workspace = Files.createTempDirectory("cortana-bench-message");
        try (FakeOpenAi openAi = FakeOpenAi.start(); TestDatabase database = TestPostgres.newDatabase()) {
            openAi.respondWith(request -> request.lastToolResult() != null
                    ? Reply.text(request.lastToolResult())
                    : Reply.toolCall("add_todo", "{\"title\":\"benchmark todo\",\"due\":\"2026-11-27\"}"));
            Map<String, String> env = new HashMap<>();
            env.put("WORKSPACE_DIR", workspace.toString());
            env.put("PLUGINS_DIR", Path.of("plugins-dist/target/plugins").toAbsolutePath().toString());
            env.put("DATABASE_URL", database.postgresUrl());
            env.put("OPENAI_API_KEY", "sk-bench-0001");
            env.put("OPENAI_API_BASE", openAi.baseUrl());
            for (int i = 2; i < args.length; i++) { // extra settings to compare, e.g. ENABLE_ROTATOR=false
                env.put(args[i].substring(0, args[i].indexOf('=')), args[i].substring(args[i].indexOf('=') + 1));
            }
            Config config = Config.of(env);
            try (Cortana cortana = Cortana.start(config, CortanaConfig.from(config, workspace), Clock.systemDefaultZone())) {
                for (int i = 0; i < warmup; i++) {
                    cortana.commands().run("console", "/reset");
                    send(cortana, i);
                }
                double[] millis = new double[messages];
                for (int i = 0; i < messages; i++) {
                    cortana.commands().run("console", "/reset"); // the same history length for every sample
                    long start = System.nanoTime();
                    send(cortana, i);
                    millis[i] = (System.nanoTime() - start) / 1e6;
                }
                Stats total = Stats.of(millis);
                System.out.println("message with one tool call writing to PostgreSQL (2 loopback model calls): "
                        + total.format("ms"));
                FakeOpenAi.RecordedRequest first = openAi.chatRequests().get(openAi.chatRequests().size() - 2);
                System.out.printf("model request size with all bundled plugins: %d bytes (system prompt %d chars, %d tools: %s)%n",
                        first.rawBody().length(), first.systemPrompt().length(), first.toolNames().size(),
                        String.join(" ", first.toolNames()));
                Stats baseline = baseline(openAi, database, warmup, messages, first.systemPrompt(), first.rawBody().length());
                System.out.println("baseline without the host (same 2 model calls with the bare LangChain4j client, same insert): "
                        + baseline.format("ms"));
                System.out.printf("host overhead per message (median difference): %.2f ms%n", total.median() - baseline.median());
            }
        }
    }

    /**
     * The work a message needs without Cortana: the two model round trips with LangChain4j's own client against the
     * same fake, and the same todo insert over plain JDBC. What the host adds is the difference.
     */
    private static Stats baseline(FakeOpenAi openAi, TestDatabase database, int warmup, int messages, String hostPrompt,
                                  int hostRequestBytes) throws Exception {
        ChatModel model = OpenAiChatModel.builder().baseUrl(openAi.baseUrl()).apiKey("sk-bench-0002").modelName("gpt-4o")
                .maxRetries(0).build();
        ToolSpecification addTodo = ToolSpecification.builder().name("add_todo").description("Add a todo for the user")
                .parameters(JsonObjectSchema.builder().addStringProperty("title").addStringProperty("due").required("title").build())
                .build();
        // The same bytes on the wire as the host's request (its system prompt, padded for the tool definitions it
        // sends), so JSON and HTTP work on a bigger request is not counted as host overhead.
        String prompt = hostPrompt + " ".repeat(Math.max(0, hostRequestBytes - hostPrompt.length() - 600));
        double[] millis = new double[messages];
        for (int i = -warmup; i < messages; i++) {
            long start = System.nanoTime();
            List<ChatMessage> messagesSoFar = new ArrayList<>(List.of(SystemMessage.from(prompt),
                    UserMessage.from("add benchmark todo " + i)));
            AiMessage call = model.chat(ChatRequest.builder().messages(messagesSoFar).toolSpecifications(addTodo).build()).aiMessage();
            try (Connection connection = database.dataSource().getConnection();
                 PreparedStatement insert = connection.prepareStatement(
                         "INSERT INTO todos (user_id, number, title, due_date) VALUES (?, ?, ?, DATE '2026-11-27')")) {
                insert.setString(1, "baseline");
                insert.setInt(2, i + warmup + 1);
                insert.setString(3, "benchmark todo");
                insert.executeUpdate();
            }
            messagesSoFar.add(call);
            messagesSoFar.add(ToolExecutionResultMessage.from(call.toolExecutionRequests().get(0), "Added \"benchmark todo\"."));
            model.chat(ChatRequest.builder().messages(messagesSoFar).toolSpecifications(addTodo).build());
            if (i >= 0) {
                millis[i] = (System.nanoTime() - start) / 1e6;
            }
        }
        return Stats.of(millis);
    }

    private static void send(Cortana cortana, int i) {
        String reply = cortana.agent().reply("console", "add benchmark todo " + i);
        if (!reply.startsWith("Added")) {
            throw new IllegalStateException("unexpected reply: " + reply);
        }
    }
}
