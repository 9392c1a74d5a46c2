package dev.cortana.bench;

import dev.cortana.api.llm.LlmProvider;
import dev.cortana.host.agent.Agent;
import dev.cortana.host.agent.ReplyNotice;
import dev.cortana.host.channel.ConsoleChannel;
import dev.cortana.host.commands.CommandRouter;
import dev.cortana.host.config.Config;
import dev.cortana.host.conversation.InMemoryConversations;
import dev.cortana.host.llm.LoopbackOpenAiProvider;
import dev.cortana.host.llm.ModelRouter;
import dev.cortana.host.prompt.SystemPrompt;
import dev.cortana.host.tools.ToolRegistry;
import dev.cortana.host.tools.ToolRunner;
import dev.cortana.host.workspace.HostWorkspace;
import dev.cortana.testkit.wire.FakeOpenAi;
import dev.cortana.testkit.wire.FakeOpenAi.Reply;
import java.io.BufferedReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Issue 12 target: time from the model's first text token to the first text on the console (target: at most 50 ms).
 * The console channel, the agent, the model router with key failover and the real LangChain4j streaming OpenAI client,
 * against a loopback OpenAI server ({@code FakeOpenAi}) that streams each answer in 24 chunks, 10 ms apart; the
 * server notes when it flushed each chunk, the console's standard output when each write reached it (both
 * {@code System.nanoTime()} in this one process). No plugins and no database: neither is on the path from a token to
 * the console. Prints the latency of the first piece and of every piece.
 *
 * <p>Run from the repository root after {@code mvn -B -q -pl bench -am -DskipTests package}:
 * {@code java -cp bench/target/cortana-bench.jar dev.cortana.bench.StreamingLatencyBenchmark [warm-up] [measured]}
 */
public final class StreamingLatencyBenchmark {

    private static final String ANSWER = "Streaming lets you read the beginning of an answer while the model is still "
            + "writing the rest of it, one piece after the other, until the whole reply is there.";

    public static void main(String[] args) throws Exception {
        int warmUp = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int measured = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int total = warmUp + measured;
        Path workspace = Files.createTempDirectory("cortana-bench-stream");
        int chunk = (ANSWER.length() + 23) / 24;
        try (FakeOpenAi openAi = FakeOpenAi.start(); ToolRunner runner = new ToolRunner(Duration.ofSeconds(5))) {
            openAi.respondWith(request -> Reply.text(ANSWER).inChunksOf(chunk)
                    .pausedBetweenChunks(Duration.ofMillis(10)));
            List<LlmProvider> providers = List.of(new LoopbackOpenAiProvider("openai"));
            Config config = Config.of(Map.of("OPENAI_API_KEY", "sk-bench-stream-0001", "OPENAI_API_BASE",
                    openAi.baseUrl()));
            InMemoryConversations conversations = new InMemoryConversations();
            try (ModelRouter router = new ModelRouter(() -> providers, () -> 1L, config)) {
                Agent agent = new Agent(router, userId -> "openai/gpt-4o", new ToolRegistry(List::of, () -> 1L),
                        runner, conversations, new SystemPrompt(HostWorkspace.open(workspace), Clock.systemUTC(),
                        u -> ZoneOffset.UTC, 20_000), 3, null, null, ReplyNotice.NONE, true);
                TimedOutput stdout = new TimedOutput();
                ConsoleChannel console = new ConsoleChannel(agent, new CommandRouter(List::of), "console",
                        new PrintStream(stdout, true, StandardCharsets.UTF_8), false);
                StringBuilder input = new StringBuilder();
                for (int i = 0; i < total; i++) {
                    input.append("message ").append(i).append('\n');
                }
                console.run(new BufferedReader(new StringReader(input.toString())));

                List<FakeOpenAi.SentText> sent = openAi.sentTexts();
                List<TimedOutput.Write> writes = stdout.writes();
                double[] first = new double[measured];
                List<Double> every = new ArrayList<>();
                int write = 0;
                int reply = 0;
                for (int request = 0; request < total; request++) {
                    List<FakeOpenAi.SentText> pieces = new ArrayList<>();
                    for (FakeOpenAi.SentText s : sent) {
                        if (s.request() == request) {
                            pieces.add(s);
                        }
                    }
                    // Skip to this reply's first write (past the line break ending the last reply).
                    while (!pieces.get(0).text().startsWith(writes.get(write).text())) {
                        write++;
                    }
                    // Piece p is on the console once the console has printed the reply up to its end (trailing
                    // whitespace is held back until more text follows, so up to its last visible character).
                    int printed = 0;
                    int end = 0;
                    for (int p = 0; p < pieces.size(); p++) {
                        String text = pieces.get(p).text();
                        end += text.length();
                        int visible = end - (text.length() - text.stripTrailing().length());
                        if (text.isBlank()) {
                            continue;
                        }
                        while (printed < visible) {
                            printed += writes.get(write++).text().length();
                        }
                        double ms = (writes.get(write - 1).nanoTime() - pieces.get(p).nanoTime()) / 1e6;
                        if (request >= warmUp) {
                            every.add(ms);
                            if (p == 0) {
                                first[reply++] = ms;
                            }
                        }
                    }
                    if (!writes.get(write).text().equals("\n") && !writes.get(write).text().startsWith(System.lineSeparator())) {
                        throw new IllegalStateException("reply " + request + " did not end where its text ended");
                    }
                }
                double[] all = every.stream().mapToDouble(Double::doubleValue).toArray();
                System.out.printf("model's first text token to first console text, %d replies: %s%n", measured,
                        Stats.of(first).format("ms"));
                System.out.printf("any text token to its console text, %d pieces: %s%n", all.length,
                        Stats.of(all).format("ms"));
            }
        }
    }

    /** Standard output that remembers when each write reached it. */
    static final class TimedOutput extends OutputStream {

        record Write(String text, long nanoTime) {
        }

        private final List<Write> writes = new ArrayList<>();

        @Override
        public synchronized void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] bytes, int offset, int length) {
            writes.add(new Write(new String(bytes, offset, length, StandardCharsets.UTF_8), System.nanoTime()));
        }

        synchronized List<Write> writes() {
            return List.copyOf(writes);
        }
    }
}
