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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PLUGINS_DIR with two folders: your own plugins beside the bundled ones, both watched, yours first. */
class PluginFoldersTest {

    @TempDir
    Path dir;

    private Path mine;
    private Path bundled;
    private final PluginTestServices services = new PluginTestServices();
    private PluginHost host;

    @BeforeEach
    void folders() throws Exception {
        mine = Files.createDirectories(dir.resolve("my-plugins"));
        bundled = Files.createDirectories(dir.resolve("bundled"));
        TestPluginJars.plugin("todos").toolProvider("test.todos.TodoTools", "add_todo").writeTo(bundled);
    }

    @AfterEach
    void tearDown() {
        if (host != null) {
            host.close();
        }
        services.close();
    }

    @Test
    void pluginsOfBothFoldersAreLoadedAndPluginsSaysWhereEachCameFrom() {
        TestPluginJars.plugin("weather").toolProvider("test.weather.WeatherTools", "forecast").writeTo(mine);
        start();

        assertThat(toolNames()).containsExactlyInAnyOrder("add_todo", "forecast");
        String listing = new PluginsCommand(host, id -> List.of()).render();
        assertThat(listing).startsWith("Plugins in " + mine + ", " + bundled + ":")
                .contains("weather 0.1.0 — from " + mine + " — started")
                .contains("todos 0.1.0 — from " + bundled + " — started");
    }

    @Test
    void yourPluginWithABundledPluginsIdReplacesIt() {
        TestPluginJars.plugin("todos").version("9.0.0").toolProvider("test.todos.TodoTools", "add_todo_mine").writeTo(mine);
        start();

        assertThat(toolNames()).containsExactly("add_todo_mine");
        assertThat(host.statuses()).singleElement().satisfies(status -> {
            assertThat(status.label()).isEqualTo("todos 9.0.0");
            assertThat(status.file().getParent()).isEqualTo(mine);
        });
        assertThat(new PluginsCommand(host, id -> List.of()).render())
                .contains("todos 9.0.0 — from " + mine + " — overrides the one in " + bundled + " — started");
    }

    @Test
    void bothFoldersAreWatchedAndRemovingYourOverrideBringsTheBundledOneBack() throws Exception {
        start();
        host.watch(Duration.ofMillis(50));
        Path override = TestPluginJars.plugin("todos").version("9.0.0")
                .toolProvider("test.todos.TodoTools", "add_todo_mine").writeTo(mine);
        await().atMost(Duration.ofSeconds(5)).until(() -> toolNames().equals(List.of("add_todo_mine")));

        Files.delete(override);
        await().atMost(Duration.ofSeconds(5)).until(() -> toolNames().equals(List.of("add_todo")));

        TestPluginJars.plugin("notes").toolProvider("test.notes.NoteTools", "add_note").writeTo(bundled);
        await().atMost(Duration.ofSeconds(5)).until(() -> toolNames().contains("add_note"));
    }

    private void start() {
        host = new PluginHost(List.of(mine, bundled), "0.1.0", Duration.ofSeconds(10));
        host.start(services.services);
    }

    private List<String> toolNames() {
        return host.extensions(ToolProvider.class).stream()
                .flatMap(contribution -> contribution.extension().tools().stream())
                .flatMap(tools -> ToolSpecifications.toolSpecificationsFrom(tools).stream())
                .map(specification -> specification.name()).sorted().toList();
    }
}
