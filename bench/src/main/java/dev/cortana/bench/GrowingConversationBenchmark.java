package dev.cortana.bench;

import dev.cortana.host.Cortana;
import dev.cortana.host.config.Config;
import dev.cortana.host.config.CortanaConfig;
import dev.cortana.host.testing.TestDatabase;
import dev.cortana.host.testing.TestPostgres;
import dev.cortana.testkit.wire.FakeOpenAi;
import dev.cortana.testkit.wire.FakeOpenAi.Reply;
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
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Issue 12 target: per-turn host cost in ONE growing conversation (no reset between messages). Each turn is one
 * tool call writing a todo to PostgreSQL (two loopback model round trips). The host turn ({@code Agent.reply} of the
 * real host with all bundled plugins, as the console sends it) and a bare LangChain4j loop with the same full history,
 * the same tool and the same insert run alternately, turn by turn, so both see the same machine load. Prints the
 * per-turn cost of each for turns 1–200 and 201–400 and their ratio.
 *
 * <p>Run from the repository root after {@code mvn -B -q -DskipTests package}:
 * {@code java -cp bench/target/cortana-bench.jar dev.cortana.bench.GrowingConversationBenchmark [warmup=100] [turns=400]}
 */
public final class GrowingConversationBenchmark {

    private static final String USER = "console";

    public static void main(String[] args) throws Exception {
        int warmup = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int turns = args.length > 1 ? Integer.parseInt(args[1]) : 400;
        Path workspace = Files.createTempDirectory("cortana-bench-growing");
        Function<FakeOpenAi.RecordedRequest, Reply> script = request -> request.lastToolResult() != null
                ? Reply.text(request.lastToolResult())
                : Reply.toolCall("add_todo", "{\"title\":\"benchmark todo\",\"due\":\"2026-11-27\"}");
        try (FakeOpenAi openAi = FakeOpenAi.start(); TestDatabase database = TestPostgres.newDatabase()) {
            openAi.respondWith(script);
            Map<String, String> env = new HashMap<>();
            env.put("WORKSPACE_DIR", workspace.toString());
            env.put("PLUGINS_DIR", Path.of("plugins-dist/target/plugins").toAbsolutePath().toString());
            env.put("DATABASE_URL", database.postgresUrl());
            env.put("OPENAI_API_KEY", "sk-bench-0001");
            env.put("OPENAI_API_BASE", openAi.baseUrl());
            Config config = Config.of(env);
            try (Cortana cortana = Cortana.start(config, CortanaConfig.from(config, workspace), Clock.systemDefaultZone())) {
                hostTurn(cortana, "warmup", 0);
                FakeOpenAi.RecordedRequest first = openAi.chatRequests().get(0);
                Bare bare = new Bare(openAi, database, first.systemPrompt(), first.rawBody().length());
                // Warm-up: short conversations on another user and the bare loop, reset every 20 turns.
                for (int i = 1; i < warmup; i++) {
                    if (i % 20 == 0) {
                        cortana.commands().run("warmup", "/reset");
                        bare.reset();
                    }
                    hostTurn(cortana, "warmup", i);
                    bare.turn(i);
                }
                cortana.commands().run("warmup", "/reset");
                bare.reset();
                double[] host = new double[turns];
                double[] baseline = new double[turns];
                for (int i = 0; i < turns; i++) {
                    if (i % 10 == 0) { // the fake records every request: forget them outside the timed part
                        openAi.reset();
                        openAi.respondWith(script);
                    }
                    long start = System.nanoTime();
                    hostTurn(cortana, USER, i);
                    host[i] = (System.nanoTime() - start) / 1e6;
                    start = System.nanoTime();
                    bare.turn(i);
                    baseline[i] = (System.nanoTime() - start) / 1e6;
                }
                int half = turns / 2;
                report("turns 1-" + half, Arrays.copyOfRange(host, 0, half), Arrays.copyOfRange(baseline, 0, half));
                report("turns " + (half + 1) + "-" + turns, Arrays.copyOfRange(host, half, turns),
                        Arrays.copyOfRange(baseline, half, turns));
                double hostGrowth = mean(Arrays.copyOfRange(host, half, turns)) - mean(Arrays.copyOfRange(host, 0, half));
                double bareGrowth = mean(Arrays.copyOfRange(baseline, half, turns)) - mean(Arrays.copyOfRange(baseline, 0, half));
                System.out.printf("growth of the mean per turn from the first to the second half: host %+.2f ms, "
                        + "bare loop %+.2f ms (the request serialisation and the fake's parsing)%n", hostGrowth, bareGrowth);
                FakeOpenAi.RecordedRequest last = openAi.chatRequests().get(openAi.chatRequests().size() - 1);
                System.out.printf("last request: %d bytes; conversation cache on disk: %d bytes%n",
                        last.rawBody().length(), folderBytes(workspace.resolve(".conversation_cache")));
            }
        }
    }

    private static void report(String range, double[] host, double[] bare) {
        System.out.printf("%s: host mean %.2f ms (%s); bare loop mean %.2f ms (%s); ratio of means %.2f, of medians %.2f%n",
                range, mean(host), Stats.of(host).format("ms"), mean(bare), Stats.of(bare).format("ms"),
                mean(host) / mean(bare), Stats.of(host).median() / Stats.of(bare).median());
    }

    private static double mean(double[] samples) {
        return Arrays.stream(samples).average().orElse(0);
    }

    private static long folderBytes(Path folder) throws Exception {
        try (Stream<Path> files = Files.list(folder)) {
            return files.mapToLong(file -> file.toFile().length()).sum();
        }
    }

    private static void hostTurn(Cortana cortana, String user, int i) {
        String reply = cortana.agent().reply(user, "add benchmark todo " + i);
        if (!reply.startsWith("Added")) {
            throw new IllegalStateException("unexpected reply: " + reply);
        }
    }

    /**
     * The work of one turn without Cortana: LangChain4j's own client against the same fake, with the same full
     * history (kept in a plain list, as an AiServices chat memory keeps it), the same tool and the same insert.
     */
    private static final class Bare {

        private final ChatModel model;
        private final TestDatabase database;
        private final ToolSpecification addTodo;
        private final String prompt;
        private final List<ChatMessage> history = new ArrayList<>();
        private int todo;

        Bare(FakeOpenAi openAi, TestDatabase database, String hostPrompt, int hostRequestBytes) {
            this.model = OpenAiChatModel.builder().baseUrl(openAi.baseUrl()).apiKey("sk-bench-0002").modelName("gpt-4o")
                    .maxRetries(0).build();
            this.database = database;
            this.addTodo = ToolSpecification.builder().name("add_todo").description("Add a todo for the user")
                    .parameters(JsonObjectSchema.builder().addStringProperty("title").addStringProperty("due")
                            .required("title").build())
                    .build();
            // The same bytes on the wire as the host's first request (its system prompt, padded for the tool
            // definitions it sends), so JSON and HTTP work on a bigger request is not counted as host overhead.
            this.prompt = hostPrompt + " ".repeat(Math.max(0, hostRequestBytes - hostPrompt.length() - 600));
            reset();
        }

        void reset() {
            history.clear();
            history.add(SystemMessage.from(prompt));
        }

        void turn(int i) throws Exception {
            history.add(UserMessage.from("add benchmark todo " + i));
            AiMessage call = model.chat(ChatRequest.builder().messages(history).toolSpecifications(addTodo).build()).aiMessage();
            history.add(call);
            String result;
            try (Connection connection = database.dataSource().getConnection();
                 PreparedStatement insert = connection.prepareStatement(
                         "INSERT INTO todos (user_id, number, title, due_date) VALUES (?, ?, ?, DATE '2026-11-27')")) {
                insert.setString(1, "baseline");
                insert.setInt(2, ++todo);
                insert.setString(3, "benchmark todo");
                insert.executeUpdate();
                result = "Added \"benchmark todo\" as todo " + todo + ".";
            }
            history.add(ToolExecutionResultMessage.from(call.toolExecutionRequests().get(0), result));
            history.add(model.chat(ChatRequest.builder().messages(history).toolSpecifications(addTodo).build()).aiMessage());
        }
    }
}
