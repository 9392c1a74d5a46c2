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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.pf4j.PluginState;

/**
 * A plugin whose own code never returns ({@code start()}, an extension's constructor, {@code stop()}) is failed after
 * {@code PLUGIN_START_TIMEOUT} with that reason in {@code /plugins}; start-up, the folder watcher and shutdown go on,
 * and nothing of the stuck plugin is ever offered. The timeout on the class turns a hang of the old code into a
 * failure instead of a build that never ends.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StuckPluginsTest {

    private static final Duration LIMIT = Duration.ofSeconds(1);
    /** Generous: the limit, plus loading a JAR on a busy machine. */
    private static final Duration BOUND = Duration.ofSeconds(15);

    /** Sleeps forever and ignores interrupts: Java cannot stop it. */
    private static final String FOREVER = "while (true) { try { Thread.sleep(1_000_000); } catch (InterruptedException ignored) { } }";

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
    void aPluginWhoseStartNeverReturnsIsFailedAtStartUpAndTheOthersStart() {
        TestPluginJars.plugin("good").toolProvider("test.good.GoodTools", "good_tool").writeTo(dir);
        stuckStart("sleepy").writeTo(dir);
        host = new PluginHost(dir, "0.1.0", services.services, LIMIT);

        long started = System.nanoTime();
        host.start();

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(BOUND);
        PluginStatus sleepy = statusOf("sleepy");
        assertThat(sleepy.state()).isEqualTo(PluginState.FAILED);
        assertThat(sleepy.reason()).contains("start() did not return within 1 s");
        assertThat(new PluginsCommand(host, id -> List.of()).render())
                .contains("sleepy 0.1.0 — failed: start() did not return within 1 s");
        assertThat(toolNames()).containsExactly("good_tool");
    }

    @Test
    void aHotLoadedPluginWhoseStartNeverReturnsDoesNotFreezeTheWatcher() throws Exception {
        Path good = TestPluginJars.plugin("good").toolProvider("test.good.GoodTools", "good_tool").writeTo(dir);
        host = new PluginHost(dir, "0.1.0", services.services, LIMIT);
        host.watch(Duration.ofMillis(50));

        stuckStart("sleepy").writeTo(dir);
        await().atMost(BOUND).until(() -> host.statuses().stream().anyMatch(s -> s.id().equals("sleepy")));
        assertThat(statusOf("sleepy").reason()).contains("start() did not return within 1 s");

        // A JAR added later still loads, and a removed one is unloaded: the watcher goes on.
        TestPluginJars.plugin("later").toolProvider("test.later.LaterTools", "later_tool").writeTo(dir);
        Files.delete(good);
        await().atMost(BOUND).until(() -> toolNames().equals(List.of("later_tool")));
    }

    @Test
    void aPluginWhosePluginClassConstructorNeverReturnsIsFailed() {
        TestPluginJars.plugin("slowctor").pluginClass("test.slowctor.SlowPlugin", """
                package test.slowctor;
                public class SlowPlugin extends org.pf4j.Plugin {
                    public SlowPlugin() { %s }
                }
                """.formatted(FOREVER)).toolProvider("test.slowctor.Tools", "slow_tool").writeTo(dir);
        host = new PluginHost(dir, "0.1.0", services.services, LIMIT);

        host.start();

        assertThat(statusOf("slowctor").reason())
                .contains("the constructor of Plugin-Class test.slowctor.SlowPlugin did not return within 1 s");
        assertThat(toolNames()).isEmpty();
    }

    @Test
    void aPluginWhoseExtensionConstructorNeverReturnsIsFailedAndItsExtensionsAreNeverOffered() {
        TestPluginJars.plugin("good").toolProvider("test.good.GoodTools", "good_tool").writeTo(dir);
        TestPluginJars.plugin("hanger")
                .toolProvider("test.hanger.AOtherTools", "other_tool") // created first, fine on its own
                .source("test.hanger.HangingTools", """
                        package test.hanger;
                        @org.pf4j.Extension
                        public class HangingTools implements dev.cortana.api.tools.ToolProvider {
                            public HangingTools() { %s }
                            @Override public java.util.List<Object> tools() { return java.util.List.of(); }
                        }
                        """.formatted(FOREVER))
                .writeTo(dir);
        host = new PluginHost(dir, "0.1.0", services.services, LIMIT);

        host.start();

        assertThat(statusOf("hanger").state()).isEqualTo(PluginState.FAILED);
        assertThat(statusOf("hanger").reason()).contains("the constructor of extension HangingTools did not return within 1 s");
        assertThat(host.extensions(Object.class)).extracting(Contribution::pluginId).containsOnly("good");
        assertThat(toolNames()).containsExactly("good_tool");
    }

    @Test
    void aPluginWhoseStopNeverReturnsIsStillUnloadedWhenItsJarIsRemoved() throws Exception {
        Path stuck = stuckStop("sticky").toolProvider("test.sticky.StickyTools", "sticky_tool").writeTo(dir);
        host = new PluginHost(dir, "0.1.0", services.services, LIMIT);
        host.watch(Duration.ofMillis(50));
        assertThat(toolNames()).containsExactly("sticky_tool");

        Files.delete(stuck);
        await().atMost(BOUND).until(() -> toolNames().isEmpty());
        await().atMost(BOUND).until(() -> host.statuses().isEmpty());

        TestPluginJars.plugin("later").toolProvider("test.later.LaterTools", "later_tool").writeTo(dir);
        await().atMost(BOUND).until(() -> toolNames().equals(List.of("later_tool")));
    }

    @Test
    void shutdownGoesOnWhenAPluginsStopNeverReturns() {
        stuckStop("sticky").toolProvider("test.sticky.StickyTools", "sticky_tool").writeTo(dir);
        TestPluginJars.plugin("good").toolProvider("test.good.GoodTools", "good_tool").writeTo(dir);
        host = new PluginHost(dir, "0.1.0", services.services, LIMIT);
        host.watch(Duration.ofMillis(50));
        assertThat(toolNames()).containsExactlyInAnyOrder("sticky_tool", "good_tool");

        long started = System.nanoTime();
        host.close();

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(BOUND);
        assertThat(host.statuses()).isEmpty();
        assertThat(host.extensions(ToolProvider.class)).isEmpty();
    }

    private static TestPluginJars.Builder stuckStart(String id) {
        return TestPluginJars.plugin(id).pluginClass("test." + id + ".StuckPlugin", """
                package test.%s;
                public class StuckPlugin extends org.pf4j.Plugin {
                    @Override public void start() { %s }
                }
                """.formatted(id, FOREVER)).toolProvider("test." + id + ".Tools", id + "_tool");
    }

    private static TestPluginJars.Builder stuckStop(String id) {
        return TestPluginJars.plugin(id).pluginClass("test." + id + ".StuckPlugin", """
                package test.%s;
                public class StuckPlugin extends org.pf4j.Plugin {
                    @Override public void stop() { %s }
                }
                """.formatted(id, FOREVER));
    }

    private PluginStatus statusOf(String id) {
        return host.statuses().stream().filter(status -> status.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no status for " + id + " in " + host.statuses()));
    }

    private List<String> toolNames() {
        return host.extensions(ToolProvider.class).stream()
                .flatMap(c -> c.extension().tools().stream())
                .flatMap(tool -> ToolSpecifications.toolSpecificationsFrom(tool).stream())
                .map(spec -> spec.name())
                .sorted()
                .toList();
    }
}
