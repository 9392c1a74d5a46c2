package dev.cortana.bench;

import dev.cortana.host.testing.discord.DiscordTestBot;
import dev.cortana.host.testing.discord.FakeDiscord;
import dev.cortana.host.testing.discord.FakeDiscord.Call;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Issue 4 targets, with the real JDA client against the loopback Discord and a model that answers at once:
 * from MESSAGE_CREATE leaving the gateway to the typing call reaching REST, and to the reply's POST reaching REST.
 * Both ends are stamped with {@link System#nanoTime()} in this one JVM.
 *
 * <p>Run from the repository root after {@code mvn -B -q -DskipTests package}:
 * {@code java -cp bench/target/cortana-bench.jar dev.cortana.bench.DiscordLatencyBenchmark [warmup] [messages]}
 */
public final class DiscordLatencyBenchmark {

    public static void main(String[] args) throws Exception {
        int warmup = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        int messages = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        Path workspace = Files.createTempDirectory("cortana-bench-discord");
        try (FakeDiscord discord = FakeDiscord.start();
             DiscordTestBot bot = new DiscordTestBot(discord, workspace, List.of())) {
            bot.answer(said -> "ok");
            double[] typing = new double[messages];
            double[] reply = new double[messages];
            for (int i = 0; i < warmup + messages; i++) {
                int typingBefore = discord.calls(Call::isTyping).size();
                int postsBefore = discord.calls(Call::isMessagePost).size();
                long start = System.nanoTime();
                discord.directMessage(FakeDiscord.MASTER, "message " + i);
                Call typed = discord.awaitCalls(Call::isTyping, typingBefore + 1, Duration.ofSeconds(10)).get(typingBefore);
                Call posted = discord.awaitCalls(Call::isMessagePost, postsBefore + 1, Duration.ofSeconds(10)).get(postsBefore);
                if (i >= warmup) {
                    typing[i - warmup] = (typed.nanoTime() - start) / 1e6;
                    reply[i - warmup] = (posted.nanoTime() - start) / 1e6;
                }
            }
            System.out.println("MESSAGE_CREATE -> typing call at REST: " + Stats.of(typing).format("ms"));
            System.out.println("MESSAGE_CREATE -> reply POST at REST (model answers at once): "
                    + Stats.of(reply).format("ms"));
        }
    }
}
