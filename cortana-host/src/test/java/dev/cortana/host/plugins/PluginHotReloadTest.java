package dev.cortana.host.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cortana.api.tools.ToolProvider;
import dev.cortana.host.testing.TestPluginJars;
import dev.langchain4j.agent.tool.ToolSpecifications;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginState;

/** Plugins follow the folder while Cortana runs: no restart to add, remove or update one. */
class PluginHotReloadTest {

    /** The requirement: a change is live on the next message, within 2 s of the copy. */
    private static final Duration LIVE_WITHIN = Duration.ofSeconds(2);

    /** Schedules a notification every 20 ms from its extension's constructor. */
    static final String TICKER = """
            package test.ticker;
            @org.pf4j.Extension
            public class TickerTools implements dev.cortana.api.tools.ToolProvider {
                public TickerTools(dev.cortana.api.CortanaContext context) {
                    context.scheduler().every(java.time.Duration.ofMillis(20), () -> context.notifier().notify("tick"));
                }
            }
            """;

    @TempDir
    Path dir;

    private final PluginTestServices services = new PluginTestServices();
    private PluginHost host;

    @AfterEach
    void tearDown() {
        if (host != null) {
            host.close();
        }
        services.close();
    }

    @Test
    void aJarCopiedIntoTheFolderWhileRunningIsOfferedWithin2Seconds() {
        host = new PluginHost(dir, "0.1.0", services.services);
        host.watch(); // the interval Cortana runs with
        long before = host.generation();
        AtomicInteger changes = new AtomicInteger();
        host.addChangeListener(changes::incrementAndGet);

        TestPluginJars.plugin("todos").toolProvider("test.todos.TodoTools", "add_todo").writeTo(dir);

        await().atMost(LIVE_WITHIN).until(() -> toolNames().contains("add_todo"));
        assertThat(host.generation()).isGreaterThan(before);
        assertThat(changes).hasPositiveValue();
        assertThat(host.statuses()).extracting(PluginStatus::id, PluginStatus::state)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("todos", PluginState.STARTED));
    }

    @Test
    void aRemovedJarIsStoppedAndUnloaded() throws Exception {
        Path jar = TestPluginJars.plugin("todos").toolProvider("test.todos.TodoTools", "add_todo").writeTo(dir);
        watch();
        ToolProvider extension = host.extensions(ToolProvider.class).get(0).extension();
        long before = host.generation();

        Files.delete(jar);

        await().atMost(LIVE_WITHIN).until(() -> host.extensions(ToolProvider.class).isEmpty());
        assertThat(host.generation()).isGreaterThan(before);
        // The extension leaves the snapshot before the plugin is stopped, so unloading finishes a moment later.
        await().atMost(LIVE_WITHIN).untilAsserted(() -> {
            assertThat(host.statuses()).isEmpty();
            assertThat(((PluginClassLoader) extension.getClass().getClassLoader()).isClosed())
                    .as("its class loader is closed").isTrue();
        });
    }

    @Test
    void aReplacedJarIsReloadedWithItsNewVersionAndTools() {
        TestPluginJars.plugin("todos").version("0.1.0").toolProvider("test.todos.OldTools", "old_tool").writeTo(dir);
        watch();
        assertThat(toolNames()).containsExactly("old_tool");

        TestPluginJars.plugin("todos").version("0.2.0").toolProvider("test.todos.NewTools", "new_tool").writeTo(dir);

        await().atMost(LIVE_WITHIN).until(() -> toolNames().equals(List.of("new_tool")));
        assertThat(host.statuses()).singleElement().satisfies(status -> {
            assertThat(status.version()).contains("0.2.0");
            assertThat(status.state()).isEqualTo(PluginState.STARTED);
        });
    }

    @Test
    void aBrokenFileIsReportedAndLoadedOnceItIsFixed() {
        watch();
        TestPluginJars.notAZip(dir, "todos.jar");
        await().atMost(LIVE_WITHIN).until(() -> !host.statuses().isEmpty());
        assertThat(host.statuses().get(0).reason()).contains("not a JAR/ZIP file");
        long generation = host.generation();

        TestPluginJars.plugin("todos").toolProvider("test.todos.TodoTools", "add_todo").writeTo(dir);

        await().atMost(LIVE_WITHIN).until(() -> toolNames().contains("add_todo"));
        assertThat(host.generation()).isGreaterThan(generation);
    }

    @Test
    void aDuplicateStartsOnceTheFileItCollidedWithIsRemoved() throws Exception {
        Path first = TestPluginJars.plugin("todos").fileName("a-todos.jar")
                .toolProvider("test.todos.TodoTools", "add_todo").writeTo(dir);
        Path second = TestPluginJars.plugin("todos").fileName("b-todos.jar")
                .toolProvider("test.todos.TodoTools", "add_todo").writeTo(dir);
        watch();
        assertThat(host.statuses()).extracting(PluginStatus::file, PluginStatus::state)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(first, PluginState.STARTED),
                        org.assertj.core.groups.Tuple.tuple(second, PluginState.FAILED));

        Files.delete(first);

        await().atMost(LIVE_WITHIN).until(() -> host.statuses().size() == 1 && host.statuses().get(0).started());
        assertThat(host.statuses().get(0).file()).isEqualTo(second);
        assertThat(toolNames()).containsExactly("add_todo");
    }

    @Test
    void aPluginFollowsThePluginItNeedsOutAndBackIn() throws Exception {
        TestPluginJars.plugin("addon").manifest("Plugin-Dependencies", "base")
                .toolProvider("test.addon.AddonTools", "addon_tool").writeTo(dir);
        Path base = TestPluginJars.plugin("base").toolProvider("test.base.BaseTools", "base_tool").writeTo(dir);
        byte[] baseJar = Files.readAllBytes(base);
        watch();
        assertThat(toolNames()).containsExactly("addon_tool", "base_tool");

        Files.delete(base);

        await().atMost(LIVE_WITHIN).until(() -> toolNames().isEmpty());
        // First "base was unloaded", then, once the retry has run, the lasting reason.
        await().atMost(LIVE_WITHIN).untilAsserted(() -> assertThat(host.statuses()).singleElement().satisfies(status -> {
            assertThat(status.id()).isEqualTo("addon");
            assertThat(status.reason()).contains("needs plugin(s) base, which are not started");
        }));

        TestPluginJars.write(dir, "base.jar", baseJar);

        await().atMost(LIVE_WITHIN).until(() -> toolNames().equals(List.of("addon_tool", "base_tool")));
    }

    @Test
    void aReplacedZipPluginIsReloaded() {
        TestPluginJars.plugin("zipped").version("0.1.0").toolProvider("test.zipped.OldTools", "old_tool").writeZipTo(dir);
        watch();
        assertThat(toolNames()).containsExactly("old_tool");

        TestPluginJars.plugin("zipped").version("0.2.0").toolProvider("test.zipped.NewTools", "new_tool").writeZipTo(dir);

        await().atMost(LIVE_WITHIN).until(() -> toolNames().equals(List.of("new_tool")));
        assertThat(host.statuses()).singleElement().satisfies(status -> assertThat(status.version()).contains("0.2.0"));
    }

    @Test
    void aScheduledTaskOfAPluginIsCancelledWhenThePluginIsUnloaded() throws Exception {
        Path jar = TestPluginJars.plugin("ticker").source("test.ticker.TickerTools", TICKER).writeTo(dir);
        watch();
        await().atMost(LIVE_WITHIN).until(() -> services.ticks("tick") >= 2);

        Files.delete(jar);

        await().atMost(LIVE_WITHIN).until(() -> host.statuses().isEmpty());
        long ticks = services.ticks("tick");
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(1)).until(() -> services.ticks("tick") == ticks);
        assertThat(services.scheduler.getQueue()).as("nothing left on the host's scheduler").isEmpty();
    }

    @Test
    void extensionsCanBeReadFromOtherThreadsWhilePluginsAreReloaded() throws Exception {
        TestPluginJars.plugin("todos").version("0.1.0").toolProvider("test.todos.Tools1", "tool_1").writeTo(dir);
        watch();
        Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
        AtomicBoolean reading = new AtomicBoolean(true);
        Thread reader = new Thread(() -> {
            while (reading.get()) {
                try {
                    for (Contribution<ToolProvider> contribution : host.extensions(ToolProvider.class)) {
                        assertThat(contribution.pluginId()).isEqualTo("todos");
                        contribution.extension().tools();
                    }
                    host.statuses();
                    host.generation();
                } catch (Throwable e) {
                    errors.add(e);
                }
            }
        });
        reader.start();

        for (int version = 2; version <= 4; version++) {
            String tool = "tool_" + version;
            TestPluginJars.plugin("todos").version("0." + version + ".0").toolProvider("test.todos.Tools" + version, tool)
                    .writeTo(dir);
            await().atMost(LIVE_WITHIN).until(() -> toolNames().equals(List.of(tool)));
        }
        reading.set(false);
        reader.join();

        assertThat(errors).isEmpty();
    }

    private void watch() {
        host = new PluginHost(dir, "0.1.0", services.services);
        host.watch(Duration.ofMillis(100));
    }

    private List<String> toolNames() {
        return host.extensions(ToolProvider.class).stream()
                .flatMap(contribution -> contribution.extension().tools().stream())
                .flatMap(tools -> ToolSpecifications.toolSpecificationsFrom(tools).stream())
                .map(specification -> specification.name())
                .toList();
    }
}
