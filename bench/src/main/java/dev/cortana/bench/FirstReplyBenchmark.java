package dev.cortana.bench;

import dev.cortana.testkit.wire.FakeOpenAi;
import dev.cortana.testkit.wire.FakeOpenAi.Reply;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Issue 12 target: from process start to the first reply, the way a user runs Cortana after a restart: the built
 * jar as a process on the console, the embedded PostgreSQL (already initialised), all bundled plugins, and a
 * loopback OpenAI server ({@link FakeOpenAi}) that answers at once. Two cases per run: a message written to the
 * process's input as soon as it starts (printed: start to ready line, start to reply), and a message sent 2 s after
 * the ready line (printed: send to reply).
 *
 * <p>Run from the repository root after {@code mvn -B -q -DskipTests package}:
 * {@code java -cp bench/target/cortana-bench.jar dev.cortana.bench.FirstReplyBenchmark [runs] [command ... [-- command ...]]};
 * the command defaults to {@code java -jar cortana-host/target/cortana-host.jar} (the JVM running this harness).
 * Several commands separated by {@code --} are run in turn, run after run, on the same workspace, to compare them
 * under the same load: {@code ... FirstReplyBenchmark 5 java -jar cortana-host/target/cortana-host.jar -- bin/cortana}.
 */
public final class FirstReplyBenchmark {

    private static final String ANSWER = "first reply from the loopback model";

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        List<List<String>> commands = new ArrayList<>();
        List<String> command = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--")) {
                commands.add(command);
                command = new ArrayList<>();
            } else {
                command.add(args[i]);
            }
        }
        if (!command.isEmpty()) {
            commands.add(command);
        }
        if (commands.isEmpty()) {
            commands.add(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                    Path.of("cortana-host/target/cortana-host.jar").toAbsolutePath().toString()));
        }
        Path workspace = Files.createTempDirectory("cortana-bench-first-reply");
        System.out.println("workspace " + workspace + "; commands, run in turn:");
        for (List<String> each : commands) {
            System.out.println("  " + String.join(" ", each));
        }
        try (FakeOpenAi openAi = FakeOpenAi.start()) {
            openAi.respondWith(request -> Reply.text(ANSWER));
            for (List<String> each : commands) { // the first start runs initdb; every command then runs once unmeasured
                Run first = run(each, workspace, openAi, false);
                System.out.printf("first start (%s): ready %d ms, first reply %d ms%n", each.get(each.size() - 1),
                        first.ready, first.reply);
            }
            double[][] ready = new double[commands.size()][runs];
            double[][] reply = new double[commands.size()][runs];
            double[][] later = new double[commands.size()][runs];
            for (int i = 0; i < runs; i++) {
                for (int c = 0; c < commands.size(); c++) {
                    Run atOnce = run(commands.get(c), workspace, openAi, false);
                    Run afterReady = run(commands.get(c), workspace, openAi, true);
                    ready[c][i] = atOnce.ready;
                    reply[c][i] = atOnce.reply;
                    later[c][i] = afterReady.reply;
                    System.out.printf("run %d, command %d: ready %d ms, first reply %d ms (message sent at once); "
                            + "message sent 2 s after ready answered in %d ms%n", i + 1, c + 1, atOnce.ready,
                            atOnce.reply, afterReady.reply);
                }
            }
            for (int c = 0; c < commands.size(); c++) {
                System.out.println("command " + (c + 1) + ": " + String.join(" ", commands.get(c)));
                System.out.println("  process start -> ready line: " + Stats.of(ready[c]).format("ms"));
                System.out.println("  process start -> first reply (message sent at once): " + Stats.of(reply[c]).format("ms"));
                System.out.println("  message sent 2 s after ready -> reply: " + Stats.of(later[c]).format("ms"));
            }
        }
    }

    /** Milliseconds from process start to the ready line, and to the reply (or from sending, with {@code afterReady}). */
    private record Run(long ready, long reply) {
    }

    private static Run run(List<String> command, Path workspace, FakeOpenAi openAi, boolean afterReady) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("WORKSPACE_DIR", workspace.toString());
        builder.environment().put("PLUGINS_DIR", Path.of("plugins-dist/target/plugins").toAbsolutePath().toString());
        builder.environment().put("OPENAI_API_KEY", "sk-bench-first-reply");
        builder.environment().put("OPENAI_API_BASE", openAi.baseUrl());
        builder.environment().remove("DISCORD_TOKEN");
        builder.environment().remove("DATABASE_URL");
        builder.redirectOutput(ProcessBuilder.Redirect.PIPE);
        long start = System.nanoTime();
        Process process = builder.start();
        LinkedBlockingQueue<Long> readyAt = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<Long> replyAt = new LinkedBlockingQueue<>();
        CompletableFuture.runAsync(() -> watch(process.getErrorStream(), "is ready in", readyAt));
        CompletableFuture.runAsync(() -> watch(process.getInputStream(), ANSWER, replyAt));
        OutputStream stdin = process.getOutputStream();
        long sent = start;
        if (!afterReady) {
            send(stdin);
        }
        Long ready = readyAt.poll(60, TimeUnit.SECONDS);
        if (ready == null) {
            process.destroyForcibly();
            throw new IllegalStateException("the host never became ready");
        }
        if (afterReady) {
            Thread.sleep(2000);
            sent = System.nanoTime();
            send(stdin);
        }
        Long reply = replyAt.poll(60, TimeUnit.SECONDS);
        stdin.close();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("the host did not exit at end of input");
        }
        if (reply == null) {
            throw new IllegalStateException("no reply (exit " + process.exitValue() + ")");
        }
        return new Run((ready - start) / 1_000_000, (reply - sent) / 1_000_000);
    }

    private static void send(OutputStream stdin) throws Exception {
        stdin.write("hello, are you there?\n".getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    /** Records when a line containing {@code marker} appears; drains the stream to its end. */
    private static void watch(java.io.InputStream stream, String marker, LinkedBlockingQueue<Long> seen) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            String line;
            boolean found = false;
            while ((line = reader.readLine()) != null) {
                if (!found && line.contains(marker)) {
                    seen.add(System.nanoTime());
                    found = true;
                }
            }
        } catch (java.io.IOException e) {
            // the process ended
        }
    }
}
