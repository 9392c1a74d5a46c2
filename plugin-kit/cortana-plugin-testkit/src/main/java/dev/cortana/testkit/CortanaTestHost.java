package dev.cortana.testkit;

import dev.cortana.api.Approvals;
import dev.cortana.host.plugins.PluginStatus;
import dev.cortana.testkit.wire.FakeOpenAi;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Cortana in the test JVM, with the plugin under test loaded the way the host loads it (its JAR, built from the
 * build's classes and private libraries, in its own class loader) and only the plugins the test names; a fresh
 * database on the shared embedded PostgreSQL; a temporary workspace; a {@link TestClock}; and a
 * {@link ScriptedModel} answering through the real {@code provider-openai} plugin.
 *
 * <pre>{@code
 * class TodoConversationTest {
 *     @RegisterExtension
 *     static final CortanaTestHost cortana = CortanaTestHost.forPluginUnderTest()
 *             .setting("TODOS_MAX_LIST", "20")
 *             .zone(ZoneId.of("Europe/Berlin"))
 *             .startingAt(Instant.parse("2026-11-25T09:00:00Z"));
 *
 *     @Test
 *     void addsATodoWhenAsked() {
 *         cortana.model().when("remind me to buy milk")
 *                 .callTool("add_todo", Map.of("title", "buy milk"))
 *                 .thenAnswerWithToolResult();
 *         assertThat(cortana.chat("remind me to buy milk")).isEqualTo("Added \"buy milk\".");
 *     }
 * }
 * }</pre>
 *
 * <p>Registered on a {@code static} field it starts before the class's tests and stops after them; on an instance
 * field, it starts and stops around each test. The plugin under test comes from the {@code cortana.plugin.*} system
 * properties the plugin parent POM sets; the plugins named by {@link #withPlugins} must be on the test class path as
 * plugin JARs (test dependencies).
 *
 * @since 0.1.0
 */
public final class CortanaTestHost implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback {

    private final boolean withPluginUnderTest;
    private final List<String> plugins = new ArrayList<>();
    private final Map<String, String> settings = new LinkedHashMap<>();
    private Instant start;
    private final TestNotifier messages = new TestNotifier();
    private final TestApprovals approvals = new TestApprovals(Approvals.Decision.DENIED);
    private FakeOpenAi server;
    private ScriptedModel model;
    private TestClock clock;
    private RunningHost host;
    private boolean perTest;
    private boolean zoneUnset;
    private final java.util.concurrent.atomic.AtomicReference<String> failingDeliveries =
            new java.util.concurrent.atomic.AtomicReference<>();

    private CortanaTestHost(boolean withPluginUnderTest) {
        this.withPluginUnderTest = withPluginUnderTest;
    }

    /**
     * A host loading the plugin this build is testing ({@code cortana.plugin.*} system properties).
     *
     * @since 0.1.0
     */
    public static CortanaTestHost forPluginUnderTest() {
        return new CortanaTestHost(true);
    }

    /**
     * A host loading only the plugins named by {@link #withPlugins} (and {@code provider-openai}).
     *
     * <pre>{@code
     * static final CortanaTestHost cortana = CortanaTestHost.withoutPluginUnderTest().withPlugins("todos");
     * }</pre>
     *
     * @since 0.1.0
     */
    public static CortanaTestHost withoutPluginUnderTest() {
        return new CortanaTestHost(false);
    }

    /**
     * Also loads these plugins, found on the test class path by their {@code Plugin-Id}; a missing one fails the
     * start with the ids that are there.
     *
     * @since 0.1.0
     */
    public CortanaTestHost withPlugins(String... pluginIds) {
        plugins.addAll(Arrays.asList(pluginIds));
        return this;
    }

    /**
     * A value of Cortana's configuration, as if in the environment ({@code TODOS_MAX_LIST}, {@code MAX_TOOL_ROUNDS}).
     * A plugin reads it only if its {@code Plugin-Settings} declare it.
     *
     * @since 0.1.0
     */
    public CortanaTestHost setting(String key, String value) {
        settings.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /**
     * The master user's time zone ({@code TIMEZONE}; default: UTC).
     *
     * @since 0.1.0
     */
    public CortanaTestHost zone(ZoneId zone) {
        return setting("TIMEZONE", zone.getId());
    }

    /**
     * Leaves {@code TIMEZONE} unset, as for a user who never chose a zone: the host assumes the machine's (the test
     * JVM's {@code ZoneId.systemDefault()}) and {@code CortanaContext.userZoneChosen()} is false until
     * {@code /settings timezone} sets one.
     *
     * @since 0.2.0
     */
    public CortanaTestHost withoutTimeZone() {
        settings.remove("TIMEZONE");
        zoneUnset = true;
        return this;
    }

    /**
     * From now on the channel refuses messages sent with {@code Notifier.send}: each ends {@code FAILED} with
     * {@code reason} and nothing arrives, as when Discord rejects a DM after its retries. {@code null} delivers again.
     *
     * <pre>{@code
     * cortana.failDeliveries("Discord answered 403: cannot send messages to this user");
     * cortana.clock().advance(Duration.ofMinutes(20));     // the reminder fell due and was not delivered
     * cortana.failDeliveries(null);
     * }</pre>
     *
     * @since 0.2.0
     */
    public CortanaTestHost failDeliveries(String reason) {
        failingDeliveries.set(reason);
        return this;
    }

    /**
     * Where {@link #clock()} stands when the host starts (default: the current second).
     *
     * @since 0.1.0
     */
    public CortanaTestHost startingAt(Instant instant) {
        this.start = Objects.requireNonNull(instant, "instant");
        return this;
    }

    /**
     * Starts the host now (the extension does it for you; for use without JUnit's extension model).
     *
     * @since 0.1.0
     */
    public synchronized void start() {
        if (host != null) {
            return;
        }
        server = FakeOpenAi.start();
        model = new ScriptedModel(server);
        clock = start == null ? TestClock.atNow() : TestClock.at(start);
        if (!settings.containsKey("TIMEZONE") && !zoneUnset) {
            settings.put("TIMEZONE", "UTC");
        }
        try {
            host = new RunningHost(withPluginUnderTest, plugins, settings, clock, messages, approvals, server,
                    failingDeliveries);
        } catch (RuntimeException | Error e) {
            server.close();
            throw e;
        }
        List<String> skipped = skippedTools();
        if (!skipped.isEmpty()) {
            System.err.println("Cortana skipped " + skipped.size() + (skipped.size() == 1 ? " tool" : " tools")
                    + " of the plugin under test (" + PluginUnderTest.idProperty().orElse("?") + "), so the model is "
                    + "not offered " + (skipped.size() == 1 ? "it" : "them") + ":\n  skipped tool "
                    + String.join("\n  skipped tool ", skipped));
        }
    }

    /**
     * The tools of the plugin under test that Cortana skipped, as {@code /plugins} lists them
     * ({@code "<tool name>: <why> — <what to do>"}); empty when every tool is offered. {@link #start} also prints
     * them to {@code System.err}.
     *
     * @since 0.1.0
     */
    public List<String> skippedTools() {
        if (!withPluginUnderTest) {
            return List.of();
        }
        return PluginUnderTest.idProperty()
                .map(id -> running().cortana().tools().skippedToolsByPlugin().getOrDefault(id, List.of()))
                .orElse(List.of());
    }

    /**
     * Stops the host and drops its database.
     *
     * @since 0.1.0
     */
    public synchronized void stop() {
        try {
            if (host != null) {
                host.close();
            }
        } finally {
            host = null;
            if (server != null) {
                server.close();
            }
        }
    }

    /**
     * Stops Cortana and starts it again on the same database, workspace, plugins and clock: what survives a restart
     * (durable jobs, stored data) is still there.
     *
     * @since 0.1.0
     */
    public void restart() {
        running().restart();
    }

    /**
     * Stops Cortana, moves the clock by {@code downtime} while it is stopped, and starts it again: what fell due
     * meanwhile runs at start-up, late by up to the downtime, as after a real outage.
     *
     * <pre>{@code
     * cortana.restartAfter(Duration.ofHours(2));
     * assertThat(cortana.awaitMessage("call mom")).contains("late by 2 h");
     * }</pre>
     *
     * @since 0.2.0
     */
    public void restartAfter(Duration downtime) {
        running().restartAfter(downtime);
    }

    /**
     * Sends {@code text} as the master user, the way the console does (a {@code /command} runs the command), and
     * returns the reply.
     *
     * <pre>{@code
     * assertThat(cortana.chat("hi")).isEqualTo("Hello");
     * assertThat(cortana.chat("/plugins")).contains("todos");
     * }</pre>
     *
     * @since 0.1.0
     */
    public String chat(String text) {
        return running().chat(text);
    }

    /**
     * Runs a command line such as {@code /settings timezone Europe/Berlin}; the same as {@link #chat} for it.
     *
     * @since 0.1.0
     */
    public String command(String line) {
        if (!line.startsWith("/")) {
            throw new IllegalArgumentException("A command starts with /: " + line);
        }
        return running().chat(line);
    }

    /**
     * The scripted model; see {@link ScriptedModel}.
     *
     * @since 0.1.0
     */
    public ScriptedModel model() {
        running();
        return model;
    }

    /**
     * The host's clock; moving it runs the durable jobs that fell due before the move returns.
     *
     * @since 0.1.0
     */
    public TestClock clock() {
        running();
        return clock;
    }

    /**
     * The messages the host sent to the master user (reminders, notifications), oldest first; not the replies of
     * {@link #chat}.
     *
     * @since 0.1.0
     */
    public List<String> messages() {
        return messages.messages();
    }

    /**
     * Waits up to 10 seconds for a message to the master user containing {@code text}, and returns it.
     *
     * @since 0.1.0
     */
    public String awaitMessage(String text) {
        return messages.awaitMessage(text);
    }

    /**
     * Waits up to {@code timeout} for a message to the master user containing {@code text}, and returns it.
     *
     * @throws AssertionError naming the messages that did arrive, when none contains it in time
     * @since 0.1.0
     */
    public String awaitMessage(String text, Duration timeout) {
        return messages.awaitMessage(text, timeout);
    }

    /**
     * The master user's answers to approval questions (DENIED unless scripted) and the questions asked.
     *
     * @since 0.1.0
     */
    public TestApprovals approvals() {
        return approvals;
    }

    /**
     * What {@code /plugins} shows: each plugin, its state, its tools, and why one failed.
     *
     * @since 0.1.0
     */
    public String plugins() {
        return running().chat("/plugins");
    }

    /**
     * Whether the plugin {@code pluginId} is started.
     *
     * @since 0.1.0
     */
    public boolean isStarted(String pluginId) {
        return running().cortana().plugins().statuses().stream()
                .anyMatch(status -> status.id().equals(pluginId) && status.started());
    }

    /**
     * The ids of the started plugins.
     *
     * @since 0.1.0
     */
    public List<String> startedPlugins() {
        return running().cortana().plugins().statuses().stream().filter(PluginStatus::started)
                .map(PluginStatus::id).toList();
    }

    /**
     * The tool calls the model made so far, with their results; see {@link ScriptedModel#toolCalls()}.
     *
     * @since 0.1.0
     */
    public List<ScriptedModel.ToolCallRecord> toolCalls() {
        return model().toolCalls();
    }

    /**
     * The started plugins' extensions of {@code type} (an extension point of {@code cortana-api}, such as
     * {@code MemoryProvider}), in the host's order: the very instances the host calls, for calls no chat reaches.
     *
     * <pre>{@code
     * MemoryProvider zep = cortana.extensions(MemoryProvider.class).get(0);
     * }</pre>
     *
     * @since 0.2.0
     */
    public <T> List<T> extensions(Class<T> type) {
        return running().cortana().plugins().extensions(type).stream()
                .map(dev.cortana.host.plugins.Contribution::extension).toList();
    }

    /**
     * The workspace folder.
     *
     * @since 0.1.0
     */
    public Path workspace() {
        return running().workspace();
    }

    /**
     * The host's database (the plugin's tables are there after its start).
     *
     * @since 0.1.0
     */
    public DataSource dataSource() {
        return running().database().dataSource();
    }

    /**
     * The host's database, for SQL assertions ({@link TestDatabase#rows(String)}).
     *
     * @since 0.1.0
     */
    public TestDatabase database() {
        return running().database();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        synchronized (this) {
            if (host != null) {
                return;
            }
            perTest = true;
        }
        start();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        synchronized (this) {
            if (!perTest) {
                return;
            }
            perTest = false;
        }
        stop();
    }

    private synchronized RunningHost running() {
        if (host == null) {
            throw new IllegalStateException("The Cortana test host is not running: register it with @RegisterExtension,"
                    + " or call start()");
        }
        return host;
    }
}
