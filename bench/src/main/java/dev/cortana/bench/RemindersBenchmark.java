package dev.cortana.bench;

import dev.cortana.api.tools.ToolProvider;
import dev.cortana.host.Cortana;
import dev.cortana.host.channel.MasterChannel;
import dev.cortana.host.config.Config;
import dev.cortana.host.config.CortanaConfig;
import dev.cortana.host.plugins.Contribution;
import dev.cortana.host.testing.TestDatabase;
import dev.cortana.host.testing.TestPostgres;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 13 targets, with the bundled plugins (plugins-dist/target/plugins) in a real Cortana on the embedded test
 * PostgreSQL and the real clock; reminders set through the plugin's own {@code reminder_set} tool, messages taken at
 * the master channel:
 * <ol>
 *   <li>lateness: {@code n} reminders due at random times over {@code spread} seconds (all pending at once); each
 *       one's delivery time minus its due time (median <= 1 s, p99 <= 2 s);</li>
 *   <li>start-up: {@code n} reminders fall due while Cortana is stopped; from ready (channel attached) until all of
 *       them were delivered, and in how many messages (target: all within 5 s).</li>
 * </ol>
 * Run from the repository root after {@code mvn -B -q -o -pl bench,plugins-dist -am -DskipTests package}:
 * {@code java -cp bench/target/cortana-bench.jar dev.cortana.bench.RemindersBenchmark [n=1000] [spread=60]}
 */
public final class RemindersBenchmark {

    private static final Pattern ONE = Pattern.compile("^⏰ Reminder[^:]*: (r\\d+)$");
    private static final Pattern MANY = Pattern.compile("^⏰ (\\d+) reminders");
    private static final Pattern ITEM = Pattern.compile("^• (r\\d+) \\(", Pattern.MULTILINE);

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int spread = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        Path workspace = Files.createTempDirectory("cortana-bench-reminders");
        try (TestDatabase database = TestPostgres.newDatabase()) {
            Map<String, String> env = new HashMap<>();
            env.put("WORKSPACE_DIR", workspace.toString());
            env.put("PLUGINS_DIR", Path.of("plugins-dist/target/plugins").toAbsolutePath().toString());
            env.put("DATABASE_URL", database.postgresUrl());
            env.put("OPENAI_API_KEY", "sk-bench-0001");
            env.put("TIMEZONE", "Europe/Berlin");
            Config config = Config.of(env);

            // 1. lateness with n pending
            Recorder recorder = new Recorder();
            Map<String, Instant> due = new ConcurrentHashMap<>();
            try (Cortana cortana = Cortana.start(config, CortanaConfig.from(config, workspace), Clock.systemUTC())) {
                cortana.master().attach(recorder.channel(cortana.config().consoleUserId()));
                Random random = new Random(13);
                for (int i = 0; i < n; i++) {
                    long inMillis = 5_000 + random.nextInt(spread * 1000);
                    Instant before = Instant.now();
                    set(cortana, "r" + i, "PT" + inMillis / 1000 + "." + String.format("%03d", inMillis % 1000) + "S");
                    due.put("r" + i, before.plusMillis(inMillis));
                }
                System.out.printf("%d reminders set, pending: %d in the table%n", n, due.size());
                recorder.awaitAll(n, Duration.ofSeconds(spread + 60));
            }
            double[] late = recorder.delivered.entrySet().stream().filter(e -> due.containsKey(e.getKey()))
                    .mapToDouble(e -> Duration.between(due.get(e.getKey()), e.getValue()).toNanos() / 1e6).sorted()
                    .toArray();
            System.out.printf("lateness, %d reminders pending over %d s: %d delivered in %d message(s); median %.0f ms,"
                            + " p99 %.0f ms, max %.0f ms%n", n, spread, late.length, recorder.messages.get(),
                    percentile(late, 50), percentile(late, 99), late.length == 0 ? 0 : late[late.length - 1]);

            // 2. start-up with n overdue
            Recorder second = new Recorder();
            Instant lastDue;
            try (Cortana cortana = Cortana.start(config, CortanaConfig.from(config, workspace), Clock.systemUTC())) {
                for (int i = 0; i < n; i++) {
                    set(cortana, "r" + (n + i), "PT30S");
                }
                lastDue = Instant.now().plusSeconds(30);
            } // stopped before any fell due
            long wait = Duration.between(Instant.now(), lastDue).toMillis() + 15_000;
            System.out.printf("Cortana stopped with %d reminders due; starting again in %d s%n", n, wait / 1000);
            Thread.sleep(wait);
            long startNanos = System.nanoTime();
            try (Cortana cortana = Cortana.start(config, CortanaConfig.from(config, workspace), Clock.systemUTC())) {
                long readyNanos = System.nanoTime();
                cortana.master().attach(second.channel(cortana.config().consoleUserId()));
                second.awaitAll(n, Duration.ofSeconds(120));
                long doneNanos = second.lastNanos.get();
                System.out.printf("start-up with %d overdue: start %.2f s, then all %d delivered %.2f s after ready,"
                                + " in %d message(s)%n", n, (readyNanos - startNanos) / 1e9, second.delivered.size(),
                        (doneNanos - readyNanos) / 1e9, second.messages.get());
            }
        }
        System.exit(0);
    }

    private static void set(Cortana cortana, String text, String in) throws Exception {
        for (Contribution<ToolProvider> provider : cortana.plugins().extensions(ToolProvider.class)) {
            if (!provider.pluginId().equals("reminders")) {
                continue;
            }
            for (Object tools : provider.extension().tools()) {
                Method set = tools.getClass().getMethod("reminder_set", String.class, String.class, String.class,
                        String.class);
                String reply = (String) set.invoke(tools, text, null, in, null);
                if (!reply.startsWith("Reminder ")) {
                    throw new IllegalStateException(reply);
                }
                return;
            }
        }
        throw new IllegalStateException("The reminders plugin is not loaded from plugins-dist/target/plugins");
    }

    private static double percentile(double[] sorted, int p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    /** The master channel: when each reminder (by its text r<i>) arrived, and in how many messages. */
    private static final class Recorder {
        final Map<String, Instant> delivered = new ConcurrentHashMap<>();
        final AtomicInteger messages = new AtomicInteger();
        final java.util.concurrent.atomic.AtomicLong lastNanos = new java.util.concurrent.atomic.AtomicLong();

        MasterChannel channel(String user) {
            return new MasterChannel() {
                @Override public void notify(String text) { record(text); }
                @Override public String masterUserId() { return user; }
                @Override public void deliver(String text, String nonce, Consumer<Optional<String>> done) {
                    record(text);
                    done.accept(Optional.empty());
                }
            };
        }

        void record(String text) {
            Instant now = Instant.now();
            messages.incrementAndGet();
            Matcher one = ONE.matcher(text);
            if (one.find()) {
                delivered.putIfAbsent(one.group(1), now);
            } else if (MANY.matcher(text).find()) {
                Matcher item = ITEM.matcher(text);
                while (item.find()) {
                    delivered.putIfAbsent(item.group(1), now);
                }
                Matcher count = MANY.matcher(text);
                count.find();
                int more = Integer.parseInt(count.group(1)) - (int) ITEM.matcher(text).results().count();
                for (int i = 0; i < more; i++) {
                    delivered.putIfAbsent("unlisted-" + messages.get() + "-" + i, now); // "… and N more"
                }
            }
            lastNanos.set(System.nanoTime());
        }

        void awaitAll(int n, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (delivered.size() < n && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            if (delivered.size() < n) {
                System.out.printf("only %d of %d delivered within %d s%n", delivered.size(), n, timeout.toSeconds());
            }
        }
    }
}
