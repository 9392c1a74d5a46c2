package dev.cortana.testkit;

import dev.cortana.host.Cortana;
import dev.cortana.host.commands.CommandRouter;
import dev.cortana.host.config.Config;
import dev.cortana.host.config.CortanaConfig;
import dev.cortana.testkit.wire.FakeOpenAi;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One test host's resources: the temporary folder (workspace and plugins), the database, and the {@link Cortana}
 * running on them, which {@link #restart()} replaces while keeping the rest.
 */
final class RunningHost implements AutoCloseable {

    private static final String API_KEY = "sk-test-plugin-kit-0001";

    private final Path dir;
    private final Path workspace;
    private final Path pluginsDir;
    private final TestDatabase database;
    private final Map<String, String> settings;
    private final TestClock clock;
    private final TestNotifier messages;
    private final TestApprovals approvals;
    private final Runnable runDueJobs = this::runDueJobs;
    private final java.util.concurrent.atomic.AtomicReference<String> failing;
    private Cortana cortana;

    RunningHost(boolean withPluginUnderTest, List<String> plugins, Map<String, String> settings, TestClock clock,
                TestNotifier messages, TestApprovals approvals, FakeOpenAi model,
                java.util.concurrent.atomic.AtomicReference<String> failing) {
        this.failing = failing;
        this.clock = clock;
        this.messages = messages;
        this.approvals = approvals;
        try {
            dir = Files.createTempDirectory("cortana-test-host-");
            workspace = Files.createDirectories(dir.resolve("workspace"));
            pluginsDir = Files.createDirectories(dir.resolve("plugins"));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the test host's folders: " + e.getMessage(), e);
        }
        List<String> named = new ArrayList<>(plugins);
        if (!named.contains("provider-openai")) {
            named.add("provider-openai");
        }
        if (withPluginUnderTest) {
            PluginUnderTest plugin = PluginUnderTest.fromSystemProperties();
            named.remove(plugin.id());
            PluginJars.build(plugin, pluginsDir);
        }
        PluginJars.copyNamed(named, pluginsDir);
        database = TestDatabases.fresh();
        Map<String, String> values = new HashMap<>();
        values.put("WORKSPACE_DIR", workspace.toString());
        values.put("PLUGINS_DIR", pluginsDir.toString());
        values.put("DATABASE_URL", database.postgresUrl());
        values.put("OPENAI_API_KEY", API_KEY);
        values.put("OPENAI_API_BASE", model.baseUrl());
        values.put("LLM_MODEL_NAME", "gpt-4o");
        values.putAll(settings);
        this.settings = Map.copyOf(values);
        try {
            start();
        } catch (RuntimeException | Error e) {
            database.close();
            throw e;
        }
    }

    private void start() {
        Config config = Config.of(settings);
        Cortana started = Cortana.start(config, CortanaConfig.from(config, workspace), clock);
        started.master().attach(new KitChannel(started.config().consoleUserId(), messages, approvals, failing));
        cortana = started;
        clock.onMove(runDueJobs);
    }

    void restart() {
        stopCortana();
        start();
    }

    void restartAfter(Duration downtime) {
        stopCortana();
        clock.advance(downtime); // nothing runs: Cortana is stopped
        start();
    }

    Cortana cortana() {
        if (cortana == null) {
            throw new IllegalStateException("The test host is not running");
        }
        return cortana;
    }

    String chat(String text) {
        Cortana running = cortana();
        String user = running.config().consoleUserId();
        return CommandRouter.isCommand(text) ? running.commands().run(user, text) : running.agent().reply(user, text);
    }

    Path workspace() {
        return workspace;
    }

    Path pluginsDir() {
        return pluginsDir;
    }

    TestDatabase database() {
        return database;
    }

    private void runDueJobs() {
        Cortana running = cortana;
        if (running != null && !running.jobs().runDueNow(Duration.ofSeconds(30))) {
            throw new AssertionError("Durable jobs were still due or running 30 s after the clock moved to "
                    + clock.instant());
        }
    }

    private void stopCortana() {
        clock.removeOnMove(runDueJobs);
        if (cortana != null) {
            cortana.close();
            cortana = null;
        }
    }

    @Override
    public void close() {
        try {
            stopCortana();
        } finally {
            database.close();
        }
    }
}
