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
 * <p>The bare loop sends what the host sends: the host's system prompt and its tool definitions (all bundled
 * plugins' tools), the time as its own user message before each user message, and for the tool the todos plugin's
 * own SQL (the number allocation and the insert, in one transaction). So the difference is the host's own work, not
 * a smaller request or a cheaper tool. By default the bare loop is what the issue names, a LangChain4j AiServices
 * assistant (its chat memory holding the whole conversation, the tools from a tool provider whose add_todo reads its
 * arguments and runs the plugin's SQL); {@code same} runs a hand-written loop on {@code ChatModel.chat} instead (less
 * work than AiServices: a stricter baseline), and {@code padded} the earlier one: one tool definition with the system
 * prompt padded to the host's first request size, no time message, one plain insert.
 *
 * <p>Run from the repository root after {@code mvn -B -q -DskipTests package}:
 * {@code java -cp bench/target/cortana-bench.jar dev.cortana.bench.GrowingConversationBenchmark [warmup=100] [turns=400] [same|padded] [NAME=value ...]}
 */
public final class GrowingConversationBenchmark {

    private static final String USER = "console";

    public static void main(String[] args) throws Exception {
        int warmup = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int turns = args.length > 1 ? Integer.parseInt(args[1]) : 400;
        boolean padded = Arrays.asList(args).contains("padded");
        boolean aiServices = !padded && !Arrays.asList(args).contains("same");
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
            for (String arg : args) { // extra settings, e.g. MEMORY_EXTRACTION=off
                if (arg.contains("=")) {
                    env.put(arg.substring(0, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
                }
            }
            Config config = Config.of(env);
            try (Cortana cortana = Cortana.start(config, CortanaConfig.from(config, workspace), Clock.systemDefaultZone())) {
                hostTurn(cortana, "warmup", 0);
                FakeOpenAi.RecordedRequest first = openAi.chatRequests().get(0);
                Bare bare = padded ? new Bare(openAi, database, first.systemPrompt(), first.rawBody().length())
                        : new Bare(openAi, database, first.systemPrompt(), cortana.tools().current().specifications(),
                                cortana.config().timeZone(), aiServices);
                System.out.println("bare loop: " + (padded ? "padded (one tool, padded system prompt, plain insert)"
                        : (aiServices ? "LangChain4j AiServices, chat memory and tool provider" : "a hand-written loop on"
                                + " ChatModel.chat") + ", same request as the host (system prompt, tools, time message,"
                                + " the plugin's SQL)"));
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
                double[] hostCpu = new double[turns];
                double[] bareCpu = new double[turns];
                CpuOutsideFake cpu = new CpuOutsideFake();
                double[] reading = new double[50]; // what a mark and a read cost themselves, charged to both sides alike
                for (int i = 0; i < reading.length; i++) {
                    cpu.mark();
                    reading[i] = cpu.sinceMark() / 1e6;
                }
                for (int i = 0; i < turns; i++) {
                    if (i % 10 == 0) { // the fake records every request: forget them outside the timed part
                        openAi.reset();
                        openAi.respondWith(script);
                    }
                    cpu.mark();
                    long start = System.nanoTime();
                    hostTurn(cortana, USER, i);
                    host[i] = (System.nanoTime() - start) / 1e6;
                    hostCpu[i] = cpu.sinceMark() / 1e6; // read outside the timed part, like the mark
                    cpu.mark();
                    start = System.nanoTime();
                    bare.turn(i);
                    baseline[i] = (System.nanoTime() - start) / 1e6;
                    bareCpu[i] = cpu.sinceMark() / 1e6;
                }
                int half = turns / 2;
                report("turns 1-" + half, Arrays.copyOfRange(host, 0, half), Arrays.copyOfRange(baseline, 0, half));
                report("turns " + (half + 1) + "-" + turns, Arrays.copyOfRange(host, half, turns),
                        Arrays.copyOfRange(baseline, half, turns));
                System.out.printf("CPU time of one mark and read of the thread clocks (in both sides' figures): "
                        + "median %.2f ms%n", Stats.of(reading).median());
                reportCpu("turns 1-" + half, Arrays.copyOfRange(hostCpu, 0, half), Arrays.copyOfRange(bareCpu, 0, half));
                reportCpu("turns " + (half + 1) + "-" + turns, Arrays.copyOfRange(hostCpu, half, turns),
                        Arrays.copyOfRange(bareCpu, half, turns));
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

    private static void reportCpu(String range, double[] host, double[] bare) {
        System.out.printf("%s, CPU time outside the fake: host mean %.2f ms (median %.2f); bare loop mean %.2f ms "
                        + "(median %.2f); ratio of means %.2f, of medians %.2f%n", range, mean(host),
                Stats.of(host).median(), mean(bare), Stats.of(bare).median(), mean(host) / mean(bare),
                Stats.of(host).median() / Stats.of(bare).median());
    }

    /**
     * CPU time spent by every thread of this JVM except the fake model server's ({@code fake-openai-N} and its
     * {@code HTTP-Dispatcher}) since {@link #mark()}: the host's or the bare loop's own work in one turn, on all their
     * threads (the caller, model calls, tools, HTTP client). Less disturbed by a busy machine than wall time, which
     * also counts waiting for a core; it leaves out what a thread hand-off costs in waiting, and GC and JIT threads.
     */
    private static final class CpuOutsideFake {

        private final java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        private Map<Long, Long> marked = Map.of();

        void mark() {
            marked = snapshot();
        }

        long sinceMark() {
            long total = 0;
            for (Map.Entry<Long, Long> thread : snapshot().entrySet()) {
                total += Math.max(0, thread.getValue() - marked.getOrDefault(thread.getKey(), 0L));
            }
            return total;
        }

        private Map<Long, Long> snapshot() {
            Map<Long, Long> cpu = new HashMap<>();
            for (java.lang.management.ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
                if (info == null || info.getThreadName().startsWith("fake-openai-")
                        || info.getThreadName().equals("HTTP-Dispatcher")) {
                    continue;
                }
                long time = threads.getThreadCpuTime(info.getThreadId());
                if (time > 0) {
                    cpu.put(info.getThreadId(), time);
                }
            }
            return cpu;
        }
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

        private static final java.time.format.DateTimeFormatter NOW =
                java.time.format.DateTimeFormatter.ofPattern("EEEE yyyy-MM-dd HH:mm", java.util.Locale.ENGLISH);
        private static final String NEXT_NUMBER = """
                INSERT INTO todo_counters (user_id, last_number)
                VALUES (?, (SELECT COALESCE(MAX(number), 0) + 1 FROM todos WHERE user_id = ?))
                ON CONFLICT (user_id) DO UPDATE SET
                    last_number = GREATEST(todo_counters.last_number + 1,
                                           (SELECT COALESCE(MAX(t.number), 0) + 1 FROM todos t WHERE t.user_id = ?))
                RETURNING last_number
                """;
        private static final String INSERT = "INSERT INTO todos (user_id, number, title, notes, due_date, due_time,"
                + " priority, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + " RETURNING number, title, notes, due_date, due_time, priority, done";

        private final ChatModel model;
        private final TestDatabase database;
        private final List<ToolSpecification> tools;
        private final String prompt;
        private final java.time.ZoneId zone; // null: no time message, plain insert (the padded loop)
        private final List<ChatMessage> history = new ArrayList<>();
        private int todo;

        /** The earlier bare loop: one tool, the system prompt padded to the host's first request size. */
        Bare(FakeOpenAi openAi, TestDatabase database, String hostPrompt, int hostRequestBytes) {
            this(openAi, database, List.of(ToolSpecification.builder().name("add_todo").description("Add a todo for the user")
                    .parameters(JsonObjectSchema.builder().addStringProperty("title").addStringProperty("due")
                            .required("title").build())
                    .build()),
                    // The same bytes on the wire as the host's first request (its system prompt, padded for the tool
                    // definitions it sends), so JSON and HTTP work on a bigger request is not counted as host overhead.
                    hostPrompt + " ".repeat(Math.max(0, hostRequestBytes - hostPrompt.length() - 600)), null);
        }

        /** The host's request: its system prompt, its tool definitions, a time message before each user message. */
        Bare(FakeOpenAi openAi, TestDatabase database, String hostPrompt, List<ToolSpecification> hostTools,
             java.time.ZoneId zone, boolean aiServices) {
            this(openAi, database, hostTools, hostPrompt, zone);
            if (aiServices) {
                this.memory = dev.langchain4j.memory.chat.MessageWindowChatMemory.withMaxMessages(Integer.MAX_VALUE);
                dev.langchain4j.service.tool.ToolProviderResult.Builder offered =
                        dev.langchain4j.service.tool.ToolProviderResult.builder();
                for (ToolSpecification tool : tools) {
                    offered.add(tool, (request, memoryId) -> {
                        if (!request.name().equals("add_todo")) {
                            throw new IllegalStateException("unexpected tool " + request.name());
                        }
                        try { // the arguments read as a tool reads them, then the plugin's SQL
                            com.fasterxml.jackson.databind.JsonNode arguments = JSON.readTree(request.arguments());
                            if (!arguments.path("title").asText().equals("benchmark todo")) {
                                throw new IllegalStateException("unexpected arguments " + arguments);
                            }
                            return pluginInsert();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    });
                }
                dev.langchain4j.service.tool.ToolProviderResult result = offered.build();
                this.assistant = dev.langchain4j.service.AiServices.builder(Assistant.class)
                        .chatModel(model)
                        .chatMemory(memory)
                        .systemMessageProvider(memoryId -> prompt)
                        .toolProvider(request -> result)
                        .build();
            }
        }

        private Bare(FakeOpenAi openAi, TestDatabase database, List<ToolSpecification> tools, String prompt,
                     java.time.ZoneId zone) {
            this.model = OpenAiChatModel.builder().baseUrl(openAi.baseUrl()).apiKey("sk-bench-0002").modelName("gpt-4o")
                    .maxRetries(0).build();
            this.database = database;
            this.tools = tools;
            this.prompt = prompt;
            this.zone = zone;
            reset();
        }

        /** The AiServices loop: one method, the conversation in its chat memory. */
        interface Assistant {
            String chat(String message);
        }

        private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
                new com.fasterxml.jackson.databind.ObjectMapper();
        private dev.langchain4j.memory.chat.MessageWindowChatMemory memory; // null: the hand-written loop
        private Assistant assistant;

        void reset() {
            history.clear();
            history.add(SystemMessage.from(prompt));
            if (memory != null) {
                memory.clear();
            }
        }

        void turn(int i) throws Exception {
            if (zone != null) {
                java.time.ZonedDateTime now = java.time.ZonedDateTime.now(zone);
                UserMessage time = UserMessage.from("Now: " + NOW.format(now) + " (" + zone.getId() + ", UTC"
                        + (now.getOffset().getId().equals("Z") ? "+00:00" : now.getOffset().getId()) + ")");
                if (assistant != null) {
                    if (memory.messages().isEmpty()) {
                        memory.add(SystemMessage.from(prompt)); // so the time message follows the system prompt
                    }
                    memory.add(time);
                    String reply = assistant.chat("add benchmark todo " + i);
                    if (!reply.startsWith("Added \"benchmark todo\"")) {
                        throw new IllegalStateException("unexpected reply: " + reply);
                    }
                    return;
                }
                history.add(time);
            }
            history.add(UserMessage.from("add benchmark todo " + i));
            AiMessage call = model.chat(ChatRequest.builder().messages(history).toolSpecifications(tools).build()).aiMessage();
            history.add(call);
            String result = zone == null ? plainInsert() : pluginInsert();
            history.add(ToolExecutionResultMessage.from(call.toolExecutionRequests().get(0), result));
            history.add(model.chat(ChatRequest.builder().messages(history).toolSpecifications(tools).build()).aiMessage());
        }

        private String plainInsert() throws Exception {
            try (Connection connection = database.dataSource().getConnection();
                 PreparedStatement insert = connection.prepareStatement(
                         "INSERT INTO todos (user_id, number, title, due_date) VALUES (?, ?, ?, DATE '2026-11-27')")) {
                insert.setString(1, "baseline");
                insert.setInt(2, ++todo);
                insert.setString(3, "benchmark todo");
                insert.executeUpdate();
                return "Added \"benchmark todo\" as todo " + todo + ".";
            }
        }

        /** What the todos plugin's {@code add_todo} does in the database: a number, then the row, in one transaction. */
        private String pluginInsert() throws Exception {
            try (Connection connection = database.dataSource().getConnection()) {
                connection.setAutoCommit(false);
                try {
                    int number;
                    try (PreparedStatement next = connection.prepareStatement(NEXT_NUMBER)) {
                        next.setString(1, "baseline");
                        next.setString(2, "baseline");
                        next.setString(3, "baseline");
                        try (java.sql.ResultSet rows = next.executeQuery()) {
                            rows.next();
                            number = rows.getInt(1);
                        }
                    }
                    java.time.OffsetDateTime now = java.time.OffsetDateTime.now();
                    try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                        insert.setString(1, "baseline");
                        insert.setInt(2, number);
                        insert.setString(3, "benchmark todo");
                        insert.setString(4, null);
                        insert.setObject(5, java.time.LocalDate.of(2026, 11, 27), java.sql.Types.DATE);
                        insert.setObject(6, null, java.sql.Types.TIME);
                        insert.setString(7, "normal");
                        insert.setObject(8, now);
                        insert.setObject(9, now);
                        try (java.sql.ResultSet rows = insert.executeQuery()) {
                            rows.next();
                            number = rows.getInt(1);
                        }
                    }
                    connection.commit();
                    return "Added \"benchmark todo\" as todo " + number + ", due Friday 2026-11-27.";
                } catch (Exception e) {
                    connection.rollback();
                    throw e;
                } finally {
                    connection.setAutoCommit(true);
                }
            }
        }
    }
}
