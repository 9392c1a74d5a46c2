package dev.cortana.testkit;

import dev.cortana.api.Approvals;
import dev.cortana.host.config.Config;
import dev.cortana.host.plugins.HostPluginContext;
import dev.cortana.host.plugins.HostServices;
import dev.cortana.host.plugins.ScopedSettings;
import dev.cortana.host.workspace.HostWorkspace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * Builds a {@link TestContext}; see there for an example. Every part has a working default.
 *
 * @since 0.1.0
 */
public final class TestContextBuilder {

    private static final AtomicInteger THREADS = new AtomicInteger();

    private String pluginId;
    private DataSource dataSource;
    private TestDatabase database;
    private Path workspace;
    private final Map<String, String> settings = new LinkedHashMap<>();
    private final Map<String, String> ownSection = new LinkedHashMap<>();
    private List<String> declared;
    private TestClock clock;
    private ZoneId zone = ZoneOffset.UTC;
    private Approvals.Decision approvals = Approvals.Decision.DENIED;

    TestContextBuilder() {
    }

    /**
     * The plugin id (default: {@code cortana.plugin.id} from the build).
     *
     * @since 0.1.0
     */
    public TestContextBuilder pluginId(String id) {
        this.pluginId = Objects.requireNonNull(id, "id");
        return this;
    }

    /**
     * The database the context hands out, as is (default: a fresh one with the host's and the plugin's migrations,
     * dropped on close).
     *
     * @since 0.1.0
     */
    public TestContextBuilder database(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        return this;
    }

    /**
     * A kit database, as is; the test closes it ({@code TestDatabases.fresh().migrated("todos")}).
     *
     * @since 0.1.0
     */
    public TestContextBuilder database(TestDatabase database) {
        this.database = Objects.requireNonNull(database, "database");
        return this;
    }

    /**
     * The workspace folder, opened as the host opens it (default prompt files copied in, {@code IDENTITY.md} and
     * {@code TOOLS.md} read-only, {@code .postgres} and friends private). Default: a new temporary folder.
     *
     * @since 0.1.0
     */
    public TestContextBuilder workspace(Path root) {
        this.workspace = Objects.requireNonNull(root, "root");
        return this;
    }

    /**
     * A value in Cortana's configuration (the environment, {@code .env}): the plugin reads it only if its
     * {@code Plugin-Settings} declares it ({@code cortana.plugin.settings} from the build; without that property every
     * key set here counts as declared).
     *
     * <pre>{@code
     * TestContext.builder().setting("TODOS_MAX_LIST", "2").build();
     * }</pre>
     *
     * @since 0.1.0
     */
    public TestContextBuilder setting(String key, String value) {
        settings.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /**
     * A value in the plugin's own section of {@code cortana.yml} ({@code plugins: <id>: {key: value}}): always
     * readable, looked up first.
     *
     * @since 0.1.0
     */
    public TestContextBuilder pluginSetting(String key, String value) {
        ownSection.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /**
     * The plugin's {@code Plugin-Settings} declaration, replacing the one from the build
     * ({@code "EXA_API_KEY, EXA_*"}).
     *
     * @since 0.1.0
     */
    public TestContextBuilder declaredSettings(String declaration) {
        this.declared = ScopedSettings.parseDeclaration(declaration);
        return this;
    }

    /**
     * The clock (default: a {@link TestClock} at the current second).
     *
     * @since 0.1.0
     */
    public TestContextBuilder clock(TestClock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    /**
     * The master user's time zone (default: UTC).
     *
     * @since 0.1.0
     */
    public TestContextBuilder zone(ZoneId zone) {
        this.zone = Objects.requireNonNull(zone, "zone");
        return this;
    }

    /**
     * How approval questions are answered when not scripted with {@code answerNext} (default: DENIED).
     *
     * @since 0.1.0
     */
    public TestContextBuilder approvals(Approvals.Decision decision) {
        this.approvals = Objects.requireNonNull(decision, "decision");
        return this;
    }

    /**
     * The context. Close it when done (or let the test JVM end).
     *
     * @since 0.1.0
     */
    public TestContext build() {
        String id = pluginId != null ? pluginId : PluginUnderTest.idProperty().orElseThrow(() -> new IllegalStateException(
                "No plugin id: call TestContext.builder().pluginId(\"...\"), or run through cortana-plugin-parent,"
                        + " which sets cortana.plugin.id"));
        TestContextResources resources = new TestContextResources();
        try {
            DataSource db = dataSource != null ? dataSource
                    : database != null ? database.dataSource()
                    : resources.own(TestDatabases.fresh()).migrated(id).dataSource();
            HostWorkspace opened = HostWorkspace.open(workspace != null ? workspace : temporaryWorkspace());
            ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
                Thread thread = new Thread(r, "test-context-" + THREADS.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            });
            executor.setKeepAliveTime(10, TimeUnit.SECONDS);
            executor.allowCoreThreadTimeOut(true);
            resources.own(executor::shutdownNow);
            TestClock testClock = clock != null ? clock : TestClock.atNow();
            TestNotifier notifier = new TestNotifier();
            TestApprovals answers = new TestApprovals(approvals);
            ZoneId userZone = zone;
            HostServices services = new HostServices(db, opened, config(id), testClock, () -> userZone, notifier,
                    answers, executor);
            List<String> declaration = declared != null ? declared
                    : PluginUnderTest.idProperty().filter(id::equals).flatMap(x -> PluginUnderTest.declaredSettings())
                    .map(ScopedSettings::parseDeclaration).orElse(List.copyOf(settings.keySet()));
            HostPluginContext host = new HostPluginContext(id, declaration, provider -> false, services);
            return new TestContext(host, services, testClock, notifier, answers, resources);
        } catch (RuntimeException | Error e) {
            resources.close();
            throw e;
        }
    }

    private Config config(String id) {
        Map<String, String> values = Map.copyOf(settings);
        Map<String, String> section = Map.copyOf(ownSection);
        return new Config() {
            @Override public Optional<String> get(String key) {
                return Optional.ofNullable(values.get(key)).filter(v -> !v.isBlank());
            }
            @Override public Map<String, String> all() { return values; }
            @Override public Map<String, String> pluginSection(String pluginId) {
                return pluginId.equals(id) ? section : Map.of();
            }
        };
    }

    private static Path temporaryWorkspace() {
        try {
            return Files.createTempDirectory("cortana-test-workspace-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a temporary workspace: " + e.getMessage(), e);
        }
    }
}
