package dev.cortana.host.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.api.tools.ToolProvider;
import dev.cortana.host.testing.TestPluginJars;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pf4j.PluginState;

/** A broken plugin file is reported with a reason a user can act on, and the other plugins keep working. */
class PluginFailuresTest {

    @TempDir
    Path dir;

    private final PluginTestServices services = new PluginTestServices();
    private PluginHost host;

    @BeforeEach
    void aWorkingPlugin() {
        TestPluginJars.plugin("good").toolProvider("test.good.GoodTools", "good_tool").writeTo(dir);
    }

    @AfterEach
    void tearDown() {
        if (host != null) {
            host.close();
        }
        services.close();
    }

    @Test
    void aFileThatIsNotAZipIsReported() {
        Path broken = TestPluginJars.notAZip(dir, "broken.jar");

        startHost();

        assertThat(statusOf("broken.jar")).isEqualTo(new PluginStatus("broken.jar", Optional.empty(), PluginState.FAILED,
                broken, Optional.of("not a JAR/ZIP file")));
        assertTheGoodPluginStillWorks();
    }

    @Test
    void aJarWithoutPluginDescriptorIsReported() {
        TestPluginJars.withoutDescriptor(dir, "commons-lang.jar");

        startHost();

        assertThat(statusOf("commons-lang.jar").reason())
                .contains("no plugin descriptor (MANIFEST Plugin-Id or plugin.properties)");
        assertTheGoodPluginStillWorks();
    }

    @Test
    void aPluginWhoseStartThrowsIsReportedWithItsMessage() {
        TestPluginJars.failingStart("ticker", "database unreachable").writeTo(dir);

        startHost();

        PluginStatus ticker = statusOf("ticker");
        assertThat(ticker.state()).isEqualTo(PluginState.FAILED);
        assertThat(ticker.version()).contains("0.1.0");
        assertThat(ticker.reason()).contains("start() failed: database unreachable");
        assertTheGoodPluginStillWorks();
    }

    @Test
    void aPluginRequiringANewerCortanaIsReported() {
        TestPluginJars.plugin("future").requires(">=99.0.0").toolProvider("test.future.Tools", "future_tool").writeTo(dir);

        startHost();

        assertThat(statusOf("future").state()).isEqualTo(PluginState.FAILED);
        assertThat(statusOf("future").reason()).contains("requires Cortana >=99.0.0, this is 0.1.0");
        assertTheGoodPluginStillWorks();
    }

    @Test
    void aPluginWhoseExtensionCannotBeCreatedIsReported() {
        TestPluginJars.throwingExtension("weather", "test.weather.WeatherTools", "WEATHER_API_KEY is not set").writeTo(dir);

        startHost();

        assertThat(statusOf("weather").state()).isEqualTo(PluginState.FAILED);
        assertThat(statusOf("weather").reason())
                .contains("extension WeatherTools could not be created: WEATHER_API_KEY is not set");
        assertTheGoodPluginStillWorks();
    }

    @Test
    void aPluginWhosePluginClassIsMissingIsReported() {
        TestPluginJars.plugin("ghost").manifest("Plugin-Class", "test.ghost.GhostPlugin")
                .toolProvider("test.ghost.Tools", "boo").writeTo(dir);

        startHost();

        assertThat(statusOf("ghost").reason()).contains("Plugin-Class test.ghost.GhostPlugin not found in the plugin");
        assertTheGoodPluginStillWorks();
    }

    @Test
    void aSecondFileWithTheSameIdIsReportedAsADuplicate() throws Exception {
        Files.copy(dir.resolve("good.jar"), dir.resolve("good-copy.jar"));

        startHost();

        assertThat(host.statuses()).extracting(PluginStatus::state).containsExactlyInAnyOrder(PluginState.STARTED, PluginState.FAILED);
        PluginStatus duplicate = host.statuses().stream().filter(status -> !status.started()).findFirst().orElseThrow();
        assertThat(duplicate.reason()).contains("duplicate plugin id 'good' (already loaded from good-copy.jar)");
        assertThat(duplicate.file()).isEqualTo(dir.resolve("good.jar"));
        assertTheGoodPluginStillWorks();
    }

    @Test
    void aPluginNeedingAMissingPluginIsReported() {
        TestPluginJars.plugin("addon").manifest("Plugin-Dependencies", "base")
                .toolProvider("test.addon.Tools", "addon_tool").writeTo(dir);

        startHost();

        assertThat(statusOf("addon").reason()).contains("needs plugin(s) base, which are not started");
        assertTheGoodPluginStillWorks();
    }

    @Test
    void aPluginListedInDisabledTxtIsDisabled() throws Exception {
        TestPluginJars.plugin("noisy").toolProvider("test.noisy.Tools", "noise").writeTo(dir);
        Files.writeString(dir.resolve("disabled.txt"), "noisy\n");

        startHost();

        assertThat(statusOf("noisy").state()).isEqualTo(PluginState.DISABLED);
        assertThat(statusOf("noisy").reason()).contains("listed in disabled.txt");
        assertTheGoodPluginStillWorks();
    }

    @Test
    void aPluginBundlingItsOwnCopyOfTheApiIsReported() throws Exception {
        byte[] apiClass;
        try (var in = dev.cortana.api.CortanaContext.class.getResourceAsStream("CortanaContext.class")) {
            apiClass = in.readAllBytes();
        }
        TestPluginJars.plugin("fat").toolProvider("test.fat.FatTools", "fat_tool")
                .resource("dev/cortana/api/CortanaContext.class", apiClass).writeTo(dir);

        startHost();

        assertThat(statusOf("fat").reason().orElseThrow()).contains("bundles its own copy of package dev.cortana.api (dev.cortana:cortana-api), which Cortana provides");
        assertTheGoodPluginStillWorks();
    }

    @Test
    void aPluginMissingALibraryItsExtensionNeedsIsReported() {
        TestPluginJars.plugin("thin").resource("META-INF/extensions.idx", "test.thin.Missing\n")
                .toolProvider("test.thin.ThinTools", "thin_tool").writeTo(dir);

        startHost();

        assertThat(statusOf("thin").reason()).contains("extension test.thin.Missing cannot be loaded: missing class test.thin.Missing");
        assertTheGoodPluginStillWorks();
    }

    private void startHost() {
        host = new PluginHost(dir, "0.1.0", services.services);
        host.start();
    }

    private PluginStatus statusOf(String idOrFileName) {
        return host.statuses().stream().filter(status -> status.id().equals(idOrFileName)).findFirst()
                .orElseThrow(() -> new AssertionError("no status for " + idOrFileName + " in " + host.statuses()));
    }

    private void assertTheGoodPluginStillWorks() {
        assertThat(host.extensions(ToolProvider.class)).extracting(Contribution::pluginId).containsExactly("good");
        assertThat(host.statuses()).filteredOn(PluginStatus::started).extracting(PluginStatus::id).containsExactly("good");
    }
}
