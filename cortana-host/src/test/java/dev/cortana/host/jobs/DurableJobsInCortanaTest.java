package dev.cortana.host.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cortana.host.Cortana;
import dev.cortana.host.config.Config;
import dev.cortana.host.config.CortanaConfig;
import dev.cortana.host.testing.TestDatabase;
import dev.cortana.host.testing.TestPluginJars;
import dev.cortana.host.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real plugin JAR in the real host uses {@code context.jobs()}: its job waits while the plugin is not installed. */
class DurableJobsInCortanaTest {

    private static final String PINGER = """
            package test.pinger;
            @org.pf4j.Extension
            public class PingTools implements dev.cortana.api.tools.ToolProvider {
                public PingTools(dev.cortana.api.CortanaContext context) {
                    java.nio.file.Path pings = context.workspace().root().resolve("pings");
                    context.jobs().handle("ping", run -> {
                        java.nio.file.Files.createDirectories(pings);
                        java.nio.file.Files.writeString(pings.resolve(run.idempotencyKey().replace(':', '-')),
                                run.payloadJson());
                    });
                    if (context.jobs().list().isEmpty()) {
                        context.jobs().schedule("ping", dev.cortana.api.jobs.Schedule.at(
                                java.time.Instant.now().plusSeconds(3)), "{\\"hello\\":\\"world\\"}");
                    }
                }
                @Override public java.util.List<Object> tools() { return java.util.List.of(); }
            }
            """;

    @TempDir
    Path dir;

    private TestDatabase database;
    private Path plugins;
    private Path workspace;

    @BeforeEach
    void setUp() throws Exception {
        database = TestPostgres.newDatabase();
        plugins = Files.createDirectories(dir.resolve("plugins"));
        workspace = Files.createDirectories(dir.resolve("workspace"));
    }

    @AfterEach
    void tearDown() {
        database.close();
    }

    @Test
    void aPluginsJobWaitsWhileThePluginIsNotInstalledAndRunsOnceItIsBack() throws Exception {
        Path jar = TestPluginJars.plugin("pinger").source("test.pinger.PingTools", PINGER).writeTo(plugins);
        start().close(); // the plugin scheduled its job 3 s ahead; Cortana stops before it is due

        Files.delete(jar);
        try (Cortana withoutPlugin = start()) {
            Thread.sleep(5_000); // due meanwhile
            assertThat(pings()).isEmpty();
            assertThat(jobRows()).isEqualTo(1);
        }

        TestPluginJars.plugin("pinger").source("test.pinger.PingTools", PINGER).writeTo(plugins);
        try (Cortana withPlugin = start()) {
            await().atMost(Duration.ofSeconds(20)).until(() -> pings().size() == 1);
            Thread.sleep(1_000);
            assertThat(pings()).hasSize(1);
            assertThat(Files.readString(pings().get(0))).isEqualTo("{\"hello\":\"world\"}");
            assertThat(jobRows()).isZero();
        }
    }

    private Cortana start() {
        Config config = Config.of(Map.of(
                "WORKSPACE_DIR", workspace.toString(),
                "PLUGINS_DIR", plugins.toString(),
                "DATABASE_URL", database.postgresUrl(),
                "OPENAI_API_KEY", "sk-test-jobs-0010"));
        return Cortana.start(config, CortanaConfig.from(config, workspace), Clock.systemDefaultZone());
    }

    private List<Path> pings() throws Exception {
        Path pings = workspace.resolve("pings");
        if (!Files.isDirectory(pings)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(pings)) {
            return files.toList();
        }
    }

    private long jobRows() throws Exception {
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT count(*) FROM scheduled_tasks")) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
