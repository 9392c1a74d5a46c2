package dev.cortana.bench;

import dev.cortana.api.tools.ToolProvider;
import dev.cortana.host.Cortana;
import dev.cortana.host.config.Config;
import dev.cortana.host.config.CortanaConfig;
import dev.cortana.host.plugins.Contribution;
import dev.cortana.testkit.wire.FakeOpenAi;
import dev.cortana.host.testing.TestDatabase;
import dev.cortana.host.testing.TestPluginJars;
import dev.cortana.host.testing.TestPostgres;
import dev.langchain4j.agent.tool.ToolSpecifications;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Issue 10 target: a JAR dropped into the plugins folder of a running Cortana (all bundled plugins loaded, default
 * 500 ms folder poll) until its tool is offered, with its migrations applied: <= 1 s. Each round drops a new plugin
 * (new id, so its history table and tables are new) with two migrations (CREATE TABLE + index, then ALTER TABLE),
 * polls every 2 ms for its tool among the started plugins' tools (what the next model request offers), then checks
 * that its tables exist. The same without migrations is measured for comparison.
 *
 * <p>Run from the repository root after {@code mvn -B -q -DskipTests package}:
 * {@code java -cp bench/target/cortana-bench.jar dev.cortana.bench.PluginDropInBenchmark [rounds]}
 */
public final class PluginDropInBenchmark {

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Path workspace = Files.createTempDirectory("cortana-bench-dropin");
        Path pluginsDir = Files.createTempDirectory("cortana-bench-dropin-plugins");
        try (var jars = Files.newDirectoryStream(Path.of("plugins-dist/target/plugins"), "*.jar")) {
            for (Path jar : jars) {
                Files.copy(jar, pluginsDir.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        try (FakeOpenAi openAi = FakeOpenAi.start(); TestDatabase database = TestPostgres.newDatabase()) {
            Map<String, String> env = new HashMap<>();
            env.put("WORKSPACE_DIR", workspace.toString());
            env.put("PLUGINS_DIR", pluginsDir.toString());
            env.put("DATABASE_URL", database.postgresUrl());
            env.put("OPENAI_API_KEY", "sk-bench-0001");
            env.put("OPENAI_API_BASE", openAi.baseUrl());
            Config config = Config.of(env);
            try (Cortana cortana = Cortana.start(config, CortanaConfig.from(config, workspace), Clock.systemDefaultZone())) {
                // Warm-up: the first drop pays class loading (Flyway's included).
                drop(cortana, database.dataSource(), pluginsDir, "warmup", true);
                drop(cortana, database.dataSource(), pluginsDir, "warmupplain", false);
                double[] withMigrations = new double[rounds];
                double[] without = new double[rounds];
                for (int i = 0; i < rounds; i++) {
                    withMigrations[i] = drop(cortana, database.dataSource(), pluginsDir, "migrating" + i, true);
                    without[i] = drop(cortana, database.dataSource(), pluginsDir, "plain" + i, false);
                }
                System.out.println("dropped JAR -> tool offered, with 2 migrations applied: " + Stats.of(withMigrations).format("ms"));
                System.out.println("dropped JAR -> tool offered, no migrations:             " + Stats.of(without).format("ms"));
            }
        }
    }

    /** Drops plugin {@code id}, waits for its tool, and returns the milliseconds from the finished copy to the offer. */
    private static double drop(Cortana cortana, DataSource dataSource, Path pluginsDir, String id, boolean migrations)
            throws Exception {
        String tool = id + "_tool";
        TestPluginJars.Builder plugin = TestPluginJars.plugin(id).toolProvider("bench." + id + ".Tools", tool);
        if (migrations) {
            plugin.resource("cortana/migrations/" + id + "/V1__items.sql", "CREATE TABLE " + id + "_items (id BIGSERIAL "
                            + "PRIMARY KEY, user_id TEXT NOT NULL, text TEXT NOT NULL);"
                            + "CREATE INDEX " + id + "_items_user_idx ON " + id + "_items (user_id);")
                    .resource("cortana/migrations/" + id + "/V2__tags.sql",
                            "ALTER TABLE " + id + "_items ADD COLUMN tags TEXT NOT NULL DEFAULT '';");
        }
        byte[] jar = plugin.bytes(); // compiled before the clock starts: the user's copy, not our compiler, is measured
        long start = System.nanoTime();
        TestPluginJars.write(pluginsDir, id + ".jar", jar);
        while (!offered(cortana, tool)) {
            if (System.nanoTime() - start > 30_000_000_000L) {
                throw new IllegalStateException(id + " was not offered within 30 s: " + cortana.plugins().statuses());
            }
            Thread.sleep(2);
        }
        double millis = (System.nanoTime() - start) / 1e6;
        if (migrations && !columnExists(dataSource, id + "_items", "tags")) {
            throw new IllegalStateException(id + "'s tool is offered but its migrations are not applied");
        }
        return millis;
    }

    private static boolean offered(Cortana cortana, String tool) {
        for (Contribution<ToolProvider> contribution : cortana.plugins().extensions(ToolProvider.class)) {
            for (Object tools : contribution.extension().tools()) {
                if (ToolSpecifications.toolSpecificationsFrom(tools).stream().anyMatch(spec -> spec.name().equals(tool))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean columnExists(DataSource dataSource, String table, String column) throws Exception {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT 1 FROM information_schema.columns WHERE table_name = '"
                     + table + "' AND column_name = '" + column + "'")) {
            return rows.next();
        }
    }
}
