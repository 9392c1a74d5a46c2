package dev.cortana.host.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.host.testing.TestPluginJars;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Plugin-Requires} by the rules of docs/plugin-api-changes.md, seen in {@code /plugins}: a plugin built against
 * API 0.x.y runs on every Cortana 0.x.z with z >= y, a new minor before 1.0 (or a new major after it) shuts it out
 * with the way to go, and an expression the host cannot read is named with the fix.
 */
class PluginRequiresTest {

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
    void aPatchReleaseRunsEveryPluginWrittenForItsMinorLine() {
        plugin("caret", "^0.1.0");
        plugin("range", ">=0.1.0 & <0.2.0");
        plugin("tilde", "~0.1.2");
        plugin("bare", "0.1.0");
        plugin("unbounded", ">=0.1.0");
        plugin("patch", "^0.1.6");

        String plugins = pluginsOn("0.1.5");

        assertThat(plugins).contains(
                "• bare 0.1.0 — started",
                "• caret 0.1.0 — started",
                "• range 0.1.0 — started",
                "• tilde 0.1.0 — started",
                "• unbounded 0.1.0 — started",
                "• patch 0.1.0 — failed: requires Cortana ^0.1.6, this is 0.1.5: update Cortana to a version it "
                        + "accepts, or use an older build of the plugin");
    }

    @Test
    void theNextMinorBefore1Point0ShutsOutAPluginForThePreviousOneAndSaysWhatToGet() {
        plugin("weather", "^0.1.0");
        plugin("unbounded", ">=0.1.0");

        String plugins = pluginsOn("0.2.0");

        assertThat(plugins).contains(
                "• weather 0.1.0 — failed: requires Cortana ^0.1.0, this is 0.2.0 (it was built for an older "
                        + "Cortana): use a version of the plugin made for Cortana 0.2.0",
                "• unbounded 0.1.0 — started");
    }

    @Test
    void after1Point0ANewMinorKeepsThePluginsOfItsMajorAndANewMajorShutsThemOut() {
        plugin("one", "^1.2.0");

        assertThat(pluginsOn("1.7.3")).contains("• one 0.1.0 — started");
        host.close();
        assertThat(pluginsOn("2.0.0")).contains("• one 0.1.0 — failed: requires Cortana ^1.2.0, this is 2.0.0 (it was "
                + "built for an older Cortana): use a version of the plugin made for Cortana 2.0.0");
    }

    @Test
    void aPluginForANewerMinorSaysToUpdateCortana() {
        plugin("future", "^0.2.0");

        assertThat(pluginsOn("0.1.0")).contains("• future 0.1.0 — failed: requires Cortana ^0.2.0, this is 0.1.0: update "
                + "Cortana to a version it accepts, or use an older build of the plugin");
    }

    @Test
    void aMalformedExpressionIsNamedWithTheFix() {
        plugin("npm", ">=0.1.0 <0.2.0");
        plugin("comma", ">=0.1.0,<0.2.0");
        plugin("maven", "[0.1,0.2)");

        String plugins = pluginsOn("0.1.0");

        String fix = " (not a SemVer expression; join conditions with ' & ', not a space or a comma): ask the plugin's "
                + "author for a build with Plugin-Requires: ^0.1.0";
        assertThat(plugins).contains(
                "• npm 0.1.0 — failed: invalid Plugin-Requires '>=0.1.0 <0.2.0'" + fix,
                "• comma 0.1.0 — failed: invalid Plugin-Requires '>=0.1.0,<0.2.0'" + fix,
                "• maven 0.1.0 — failed: invalid Plugin-Requires '[0.1,0.2)'" + fix);
    }

    private void plugin(String id, String requires) {
        TestPluginJars.plugin(id).requires(requires).toolProvider("test." + id + ".Tools", id + "_tool").writeTo(dir);
    }

    /** What {@code /plugins} shows on a Cortana of {@code hostVersion} with the plugins folder. */
    private String pluginsOn(String hostVersion) {
        host = new PluginHost(dir, hostVersion, services.services);
        host.start();
        return new PluginsCommand(host, id -> List.of(id + "_tool")).render();
    }
}
