package dev.cortana.bench;

import dev.cortana.host.conversation.ConversationCache;
import dev.cortana.host.conversation.ConversationFiles;
import dev.cortana.host.conversation.TokenCounter;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Issue 5 targets: counting the tokens of a 100k-token history (&lt;= 20 ms) and what persisting the conversation
 * adds to a turn at 200 messages of history (&lt;= 2 ms median).
 *
 * <p>Run from the repository root after {@code mvn -B -q -DskipTests package}:
 * {@code java -cp bench/target/cortana-bench.jar dev.cortana.bench.ConversationCacheBenchmark [warmup] [runs]}
 */
public final class ConversationCacheBenchmark {

    private static final String[] WORDS = ("the of and to in is you that it he was for on are as with his they at be this "
            + "have from or one had by word but not what all were we when your can said there use an each which she do how "
            + "their if will up other about out many then them these so some her would make like him into time has look two "
            + "more write go see number no way could people my than first water been call who oil its now find long down day "
            + "reminder calendar todo Friday 2026-11-27T09:00 meeting dentist deploy kubernetes pipeline").split(" ");

    public static void main(String[] args) throws Exception {
        int warmup = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        TokenCounter counter = new TokenCounter();

        List<ChatMessage> big = history(new Random(5), 100_000, counter);
        for (String model : List.of("gpt-4o", "anthropic/claude-sonnet-4")) {
            int tokens = counter.count(model, big);
            String how = counter.isExact(model) ? "jtokkit o200k_base" : "estimate";
            // Cold: a counter that has seen none of these messages (the first turn after a restart).
            double[] cold = new double[runs];
            for (int i = 0; i < warmup + runs; i++) {
                TokenCounter fresh = new TokenCounter();
                fresh.count(model, List.of(UserMessage.from("warm up the encoding")));
                long start = System.nanoTime();
                fresh.count(model, big);
                if (i >= warmup) {
                    cold[i - warmup] = (System.nanoTime() - start) / 1e6;
                }
            }
            // A turn: the same history plus one new exchange, as the agent counts it before every request.
            double[] turn = new double[runs];
            List<ChatMessage> growing = new ArrayList<>(big);
            for (int i = 0; i < warmup + runs; i++) {
                growing.addAll(turn(new Random(i), 10_000 + i));
                long start = System.nanoTime();
                counter.count(model, growing);
                if (i >= warmup) {
                    turn[i - warmup] = (System.nanoTime() - start) / 1e6;
                }
            }
            System.out.printf("token count, %d messages, %,d tokens (%s), cold: %s%n", big.size(), tokens, how,
                    Stats.of(cold).format("ms"));
            if (counter.isExact(model)) {
                afterRestart(model, big, counter, warmup, runs);
            }
            System.out.printf("token count, %d+ messages (%s), per turn: %s%n", big.size(), how, Stats.of(turn).format("ms"));
        }

        Path dir = Files.createTempDirectory("cortana-bench-conversation");
        ConversationCache cache = ConversationCache.open(new ConversationFiles(dir, counter), Clock.systemUTC(),
                Duration.ofHours(1));
        List<ChatMessage> seed = history(new Random(7), 0, counter);
        while (seed.size() < 200) {
            seed.addAll(turn(new Random(seed.size()), seed.size()));
        }
        cache.append("bench", seed);
        double[] samples = new double[runs];
        for (int i = 0; i < warmup + runs; i++) {
            List<ChatMessage> turn = turn(new Random(i), 200 + i);
            long start = System.nanoTime();
            cache.append("bench", turn);
            if (i >= warmup) {
                samples[i - warmup] = (System.nanoTime() - start) / 1e6;
            }
            cache.reset("bench");
            cache.append("bench", seed); // back to 200 messages for the next sample
        }
        System.out.printf("persist after a turn, 200 messages of history (%,d bytes on disk): %s%n",
                Files.size(new ConversationFiles(dir, counter).fileOf("bench")),
                Stats.of(samples).format("ms"));
    }

    /**
     * The first count after a restart: the history was saved (with its counts) by a process that had counted it, and a
     * new process restores it with a fresh counter. Restoring (reading the file) is timed separately.
     */
    private static void afterRestart(String model, List<ChatMessage> history, TokenCounter counted, int warmup, int runs)
            throws Exception {
        Path dir = Files.createTempDirectory("cortana-bench-restart");
        ConversationCache.open(new ConversationFiles(dir, counted), Clock.systemUTC(), Duration.ofHours(1))
                .append("bench", history);
        double[] restore = new double[runs];
        double[] count = new double[runs];
        for (int i = 0; i < warmup + runs; i++) {
            TokenCounter fresh = new TokenCounter();
            fresh.count(model, List.of(UserMessage.from("warm up the encoding")));
            long start = System.nanoTime();
            ConversationCache restored = ConversationCache.open(new ConversationFiles(dir, fresh), Clock.systemUTC(),
                    Duration.ofHours(1));
            long read = System.nanoTime();
            fresh.count(model, restored.history("bench"));
            if (i >= warmup) {
                restore[i - warmup] = (read - start) / 1e6;
                count[i - warmup] = (System.nanoTime() - read) / 1e6;
            }
        }
        System.out.printf("token count, %d messages, cold after restart (saved counts): %s%n", history.size(),
                Stats.of(count).format("ms"));
        System.out.printf("restoring that conversation at start-up (%,d bytes on disk): %s%n",
                Files.size(dir.resolve("bench.json")), Stats.of(restore).format("ms"));
    }

    /** Exchanges of user text, a tool call, its result and an answer until the history has {@code tokens}. */
    private static List<ChatMessage> history(Random random, int tokens, TokenCounter counter) {
        List<ChatMessage> messages = new ArrayList<>();
        while (tokens > 0 && counter.count("gpt-4o", messages) < tokens) {
            messages.addAll(turn(random, messages.size()));
        }
        return messages;
    }

    private static List<ChatMessage> turn(Random random, int n) {
        ToolExecutionRequest call = ToolExecutionRequest.builder().id("call_" + n).name("add_todo")
                .arguments("{\"title\":\"" + words(random, 6) + "\",\"due\":\"2026-11-27\"}").build();
        return List.of(UserMessage.from(words(random, 60)), AiMessage.from(List.of(call)),
                ToolExecutionResultMessage.from(call, words(random, 40)), AiMessage.from(words(random, 120)));
    }

    private static String words(Random random, int count) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < count; i++) {
            text.append(i == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
        }
        return text.append('.').toString();
    }
}
