package dev.cortana.bench;

import dev.cortana.host.testing.TestDatabase;
import dev.cortana.host.testing.TestPostgres;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Issue 2 targets: time from process start to the ready line (the console prompt), with the embedded PostgreSQL
 * (after its first initialisation) and with an external one; and the host's resident memory once idle.
 *
 * <p>Run from the repository root after {@code mvn -B -q -DskipTests package}:
 * {@code java -cp bench/target/cortana-bench.jar dev.cortana.bench.StartupBenchmark [runs]}
 */
public final class StartupBenchmark {

    private static final Path JAR = Path.of("cortana-host/target/cortana-host.jar").toAbsolutePath();
    private static final Path PLUGINS = Path.of("plugins-dist/target/plugins").toAbsolutePath();

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path workspace = Files.createTempDirectory("cortana-bench-startup");
        System.out.println("host jar " + JAR + ", plugins " + PLUGINS);

        Map<String, String> embedded = Map.of("WORKSPACE_DIR", workspace.resolve("embedded").toString());
        Run first = start(embedded, false);
        System.out.printf("embedded PostgreSQL, first start (initdb): %d ms%n", first.readyMillis);
        double[] embeddedTimes = new double[runs];
        for (int i = 0; i < runs; i++) {
            embeddedTimes[i] = start(embedded, false).readyMillis;
        }
        System.out.println("embedded PostgreSQL, later starts: " + Stats.of(embeddedTimes).format("ms"));

        try (TestDatabase database = TestPostgres.newDatabase()) {
            Map<String, String> external = Map.of("WORKSPACE_DIR", workspace.resolve("external").toString(),
                    "DATABASE_URL", database.postgresUrl());
            start(external, false);
            double[] externalTimes = new double[runs];
            for (int i = 0; i < runs; i++) {
                externalTimes[i] = start(external, false).readyMillis;
            }
            System.out.println("external PostgreSQL (DATABASE_URL): " + Stats.of(externalTimes).format("ms"));
        }

        Run idle = start(embedded, true);
        System.out.printf("resident memory of the idle host (embedded PostgreSQL runs in its own process): %d MB%n",
                idle.rssKilobytes / 1024);
    }

    private record Run(long readyMillis, long rssKilobytes) {
    }

    /** Starts the jar, waits for the ready line; with {@code measureIdle}, waits 3 s more and reads VmRSS. */
    private static Run start(Map<String, String> env, boolean measureIdle) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString());
        builder.environment().putAll(env);
        builder.environment().put("PLUGINS_DIR", PLUGINS.toString());
        builder.environment().put("OPENAI_API_KEY", "sk-bench-not-used");
        builder.environment().remove("DISCORD_TOKEN");
        long start = System.nanoTime();
        Process process = builder.start();
        long ready = -1;
        try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = err.readLine()) != null) {
                if (line.contains("is ready in")) {
                    ready = (System.nanoTime() - start) / 1_000_000;
                    break;
                }
            }
            if (ready < 0) {
                throw new IllegalStateException("the host never became ready (exit " + process.waitFor() + ")");
            }
            long rss = 0;
            if (measureIdle) {
                Thread.sleep(3000);
                rss = rssKilobytes(process.pid());
            }
            process.getOutputStream().close();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("the host did not exit at end of input");
            }
            return new Run(ready, rss);
        }
    }

    private static long rssKilobytes(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D+", ""));
            }
        }
        return -1;
    }
}
