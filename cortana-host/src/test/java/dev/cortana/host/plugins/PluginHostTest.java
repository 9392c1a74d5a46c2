package dev.cortana.host.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.api.StatusNote;
import dev.cortana.api.commands.CommandProvider;
import dev.cortana.api.tools.AgentTool;
import dev.cortana.api.tools.ToolProvider;
import dev.cortana.host.testing.TestPluginJars;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pf4j.PluginState;

/** Loading the plugins found in the folder at start. */
class PluginHostTest {

    /** A tool whose description shows what the extension read through its CortanaContext. */
    static final String GREETER_TOOLS = """
            package test.greeter;
            import dev.cortana.api.CortanaContext;
            import dev.cortana.api.tools.AgentTool;
            import dev.cortana.api.tools.ToolProvider;
            import dev.langchain4j.agent.tool.ToolSpecification;
            import java.util.List;
            @org.pf4j.Extension
            public class GreeterTools implements ToolProvider {
                private final CortanaContext context;
                public GreeterTools(CortanaContext context) { this.context = context; }
                @Override public List<AgentTool> dynamicTools() {
                    String description = context.pluginId() + " greets in "
                            + context.settings().get("GREETING_LANGUAGE", "English") + ", "
                            + context.settings().get("GREETING_STYLE", "casually") + ", at " + context.clock().instant();
                    return List.of(new AgentTool(ToolSpecification.builder().name("greet").description(description).build(),
                            call -> "Ahoy"));
                }
            }
            """;

    @TempDir
    Path dir;

    private final PluginTestServices services = new PluginTestServices(
            Map.of("GREETING_STYLE", "formally", "GREETING_LANGUAGE", "French"),
            Map.of("greeter", Map.of("GREETING_LANGUAGE", "Pirate")));
    private PluginHost host;

    @AfterEach
    void tearDown() {
        if (host != null) {
            host.close();
        }
        services.close();
    }

    @Test
    void aPluginInTheFolderAtStartIsStartedAndItsExtensionGetsItsPluginsContext() throws Exception {
        Path jar = TestPluginJars.plugin("greeter").settings("GREETING_*").source("test.greeter.GreeterTools", GREETER_TOOLS)
                .writeTo(dir);

        host = new PluginHost(dir, "0.1.0", services.services);
        host.start();

        List<Contribution<ToolProvider>> tools = host.extensions(ToolProvider.class);
        assertThat(tools).extracting(Contribution::pluginId).containsExactly("greeter");
        AgentTool greet = tools.get(0).extension().dynamicTools().get(0);
        assertThat(greet.specification().description())
                .as("its own settings section first, then the keys it declares from Cortana's configuration")
                .isEqualTo("greeter greets in Pirate, formally, at 2025-01-01T10:00:00Z");
        assertThat(greet.handler().handle(null)).isEqualTo("Ahoy");
        assertThat(host.statuses()).containsExactly(
                new PluginStatus("greeter", Optional.of("0.1.0"), PluginState.STARTED, jar, Optional.empty()));
    }

    @Test
    void anExtensionIsCreatedOncePerPlugin() {
        TestPluginJars.plugin("greeter").source("test.greeter.GreeterTools", GREETER_TOOLS).writeTo(dir);
        host = new PluginHost(dir, "0.1.0", services.services);
        host.start();

        assertThat(host.extensions(ToolProvider.class).get(0).extension())
                .isSameAs(host.extensions(ToolProvider.class).get(0).extension());
    }

    @Test
    void extensionsComeByPluginIdAndOnlyOfTheRequestedType() {
        TestPluginJars.plugin("zeta").toolProvider("test.zeta.ZetaTools", "zeta_tool").writeTo(dir);
        TestPluginJars.plugin("alpha")
                .toolProvider("test.alpha.AlphaTools", "alpha_tool")
                .source("test.alpha.AlphaCommands", """
                        package test.alpha;
                        @org.pf4j.Extension
                        public class AlphaCommands implements dev.cortana.api.commands.CommandProvider {
                            public java.util.List<dev.cortana.api.commands.Command> commands() {
                                return java.util.List.of(dev.cortana.api.commands.Command.of("ping", "Pong", i -> "pong"));
                            }
                        }
                        """)
                .writeTo(dir);

        host = new PluginHost(dir, "0.1.0", services.services);
        host.start();

        assertThat(host.extensions(ToolProvider.class)).extracting(Contribution::pluginId).containsExactly("alpha", "zeta");
        assertThat(host.extensions(CommandProvider.class)).extracting(Contribution::pluginId).containsExactly("alpha");
    }

    @Test
    void aPluginRequiringThisCortanaVersionStarts() {
        TestPluginJars.plugin("current").requires(">=0.1.0").toolProvider("test.current.Tools", "now").writeTo(dir);
        TestPluginJars.plugin("exact").requires("0.1.0").toolProvider("test.exact.Tools", "exact").writeTo(dir);

        host = new PluginHost(dir, "0.1.0", services.services);
        host.start();

        assertThat(host.statuses()).allMatch(PluginStatus::started).hasSize(2);
    }

    @Test
    void aPf4jZipPluginIsLoadedLikeAJar() {
        Path zip = TestPluginJars.plugin("zipped").toolProvider("test.zipped.ZippedTools", "zipped_tool").writeZipTo(dir);

        host = new PluginHost(dir, "0.1.0", services.services);
        host.start();

        assertThat(host.extensions(ToolProvider.class)).extracting(Contribution::pluginId).containsExactly("zipped");
        assertThat(host.statuses()).singleElement().satisfies(status -> {
            assertThat(status.started()).isTrue();
            assertThat(status.file()).isEqualTo(zip);
        });
    }

    @Test
    void aPluginIsStartedAfterThePluginItNeeds() {
        TestPluginJars.plugin("addon").manifest("Plugin-Dependencies", "base")
                .toolProvider("test.addon.AddonTools", "addon_tool").writeTo(dir);
        TestPluginJars.plugin("base").toolProvider("test.base.BaseTools", "base_tool").writeTo(dir);

        host = new PluginHost(dir, "0.1.0", services.services);
        host.start();

        assertThat(host.statuses()).allMatch(PluginStatus::started).extracting(PluginStatus::id).containsExactly("addon", "base");
    }

    @Test
    void pluginsAtStartMakeTheirExtensionsAtTheSameTimeSoOneThatWaitsHoldsUpNoOther() {
        String meeting = "cortana.test.meeting." + System.nanoTime(); // each constructor waits for the other's arrival
        TestPluginJars.plugin("first").source("test.first.Waiter", waiter("test.first", meeting, "first", "second")).writeTo(dir);
        TestPluginJars.plugin("second").source("test.second.Waiter", waiter("test.second", meeting, "second", "first"))
                .writeTo(dir);

        host = new PluginHost(dir, "0.1.0", services.services);
        host.start();

        assertThat(host.extensions(StatusNote.class)).extracting(c -> c.extension().statusNote().orElseThrow())
                .containsExactly("first met second", "second met first");
    }

    /** A status-note extension whose constructor announces {@code me} and waits (at most 3 s) for {@code other}. */
    private static String waiter(String pkg, String meeting, String me, String other) {
        return """
                package %s;
                @org.pf4j.Extension
                public class Waiter implements dev.cortana.api.tools.ToolProvider, dev.cortana.api.StatusNote {
                    private final String note;
                    public Waiter() throws InterruptedException {
                        System.setProperty("%s.%s", "here");
                        long until = System.nanoTime() + 3_000_000_000L;
                        while (System.getProperty("%s.%s") == null && System.nanoTime() < until) {
                            Thread.sleep(5);
                        }
                        note = System.getProperty("%s.%s") != null ? "%s met %s" : "%s waited alone";
                    }
                    public java.util.Optional<String> statusNote() { return java.util.Optional.of(note); }
                    public java.util.List<dev.cortana.api.tools.AgentTool> dynamicTools() { return java.util.List.of(); }
                }
                """.formatted(pkg, meeting, me, meeting, other, meeting, other, me, other, me);
    }

    @Test
    void theFolderIsCreatedWhenMissing() {
        Path missing = dir.resolve("not/yet/there");
        host = new PluginHost(missing, "0.1.0", services.services);

        host.start();

        assertThat(missing).isDirectory();
        assertThat(host.statuses()).isEmpty();
        assertThat(host.extensions(ToolProvider.class)).isEmpty();
    }

    @Test
    void closeStopsEveryPlugin() {
        TestPluginJars.plugin("greeter").source("test.greeter.GreeterTools", GREETER_TOOLS).writeTo(dir);
        host = new PluginHost(dir, "0.1.0", services.services);
        host.start();
        long before = host.generation();

        host.close();

        assertThat(host.extensions(ToolProvider.class)).isEmpty();
        assertThat(host.statuses()).isEmpty();
        assertThat(host.generation()).isGreaterThan(before);
        assertThat(Files.exists(dir.resolve("greeter.jar"))).as("the file stays").isTrue();
    }
}
