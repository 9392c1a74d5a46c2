package dev.cortana.plugins.memorylocal;

import dev.cortana.bench.Stats;
import java.lang.management.ManagementFactory;

/**
 * memory-local's query embedding with ONNX Runtime's default session options (an intra-op thread pool as large as the
 * machine's cores, its threads spinning after each run) against one intra-op thread without spinning
 * ({@code session.intra_op.allow_spinning} = 0): the latency of one embedding, and the process CPU time it costs
 * (spinning threads burn CPU that the turn's other work then lacks). The two sessions take turns message by message,
 * so the machine's load falls on both alike; {@code pause} ms between embeddings (a message comes now and then).
 *
 * <pre>java -cp bench/target/cortana-bench.jar dev.cortana.plugins.memorylocal.EmbeddingThreadsBenchmark [rounds=300] [pause=20]</pre>
 */
public final class EmbeddingThreadsBenchmark {

    private static final String[] MESSAGES = {
        "What did I tell you about my sister's new flat in Lisbon last week?",
        "hello, are you there?",
        "remind me what my dentist said about the crown",
        "Which train do I usually take to work on Mondays, and when does it leave?",
        "my dog's name?",
    };

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        long pause = args.length > 1 ? Long.parseLong(args[1]) : 20;
        ModelFiles files = ModelFiles.fromClasspath();
        BertEncoder standard = BertEncoder.open(files, BertEncoder.Threads.DEFAULT);
        BertEncoder single = BertEncoder.open(files, BertEncoder.Threads.ONE_NO_SPINNING);
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        System.out.println("cores: " + Runtime.getRuntime().availableProcessors() + "; rounds " + rounds + ", pause "
                + pause + " ms");
        for (int i = 0; i < 50; i++) {
            standard.embed(MESSAGES[i % MESSAGES.length]);
            single.embed(MESSAGES[i % MESSAGES.length]);
        }
        double[][] latency = new double[2][rounds];
        double[][] cpu = new double[2][rounds];
        BertEncoder[] encoders = {standard, single};
        for (int i = 0; i < rounds; i++) {
            for (int e = 0; e < 2; e++) {
                int which = (i % 2 == 0) ? e : 1 - e; // alternate which goes first
                Thread.sleep(pause);
                long cpuBefore = os.getProcessCpuTime();
                long t = System.nanoTime();
                encoders[which].embed(MESSAGES[i % MESSAGES.length]);
                latency[which][i] = (System.nanoTime() - t) / 1e6;
                Thread.sleep(pause); // what the spinning threads burn after the run is counted with it
                cpu[which][i] = (os.getProcessCpuTime() - cpuBefore) / 1e6;
            }
        }
        String[] names = {"default session options", "intra-op threads 1, no spinning"};
        for (int e = 0; e < 2; e++) {
            System.out.println(names[e] + ": latency " + Stats.of(latency[e]).format("ms"));
            // the process CPU clock ticks in 10 ms: the mean over all rounds is what counts
            System.out.printf("  process CPU per embedding (with the %d ms after it), mean: %.1f ms%n", pause,
                    java.util.Arrays.stream(cpu[e]).average().orElse(0));
        }
        standard.close();
        single.close();
        System.exit(0);
    }
}
