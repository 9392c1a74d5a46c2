package dev.cortana.host.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.host.testing.TestPluginJars;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lines plugins add to {@code /settings status} ({@code StatusLines}), as the host collects them. */
class PluginStatusLinesTest {

    @TempDir
    Path dir;

    private final PluginTestServices services = new PluginTestServices(
            Map.of("EXA_API_KEY", "exa-secret-value-0005", "EXA_REGION", "eu"), Map.of());
    private PluginHost host;

    @AfterEach
    void tearDown() {
        if (host != null) {
            host.close();
        }
        services.close();
    }

    @Test
    void eachPluginsLinesAreCollectedWithoutBlanksCappedAndWithSecretValuesRedacted() {
        withLines("search", "EXA_API_KEY", """
                java.util.List<String> lines = new java.util.ArrayList<>();
                lines.add("searches today: 3");
                lines.add("  ");
                lines.add("key in use: " + context.settings().get("EXA_API_KEY").orElse("none"));
                lines.add("x".repeat(500));
                for (int i = 0; i < 20; i++) lines.add("line " + i);
                return lines;
                """);
        withLines("calendar", "", "return java.util.List.of(\"no key: set CALDAV_PASSWORD\");");
        withLines("quiet", "", "return java.util.List.of();");
        withLines("broken", "", "throw new IllegalStateException(\"boom\");");
        host = new PluginHost(dir, "0.1.0", services.services);
        host.start();

        Map<String, List<String>> lines = PluginsCommand.statusLines(host);

        assertThat(lines).containsOnlyKeys("search", "calendar");
        assertThat(lines.get("calendar")).containsExactly("no key: set CALDAV_PASSWORD");
        List<String> search = lines.get("search");
        assertThat(search).hasSize(10).startsWith("searches today: 3", "key in use: [redacted]");
        assertThat(search.get(2)).hasSize(200).endsWith("...");
        assertThat(String.join("\n", search)).doesNotContain("exa-secret-value-0005");
    }

    @Test
    void aStatusNoteThatQuotesASecretShowsItRedactedInPlugins() {
        TestPluginJars.plugin("search").settings("EXA_API_KEY").source("test.search.Note", """
                package test.search;
                @org.pf4j.Extension
                public class Note implements dev.cortana.api.tools.ToolProvider, dev.cortana.api.StatusNote {
                    private final String key;
                    public Note(dev.cortana.api.CortanaContext context) { key = context.settings().get("EXA_API_KEY").orElse(""); }
                    public java.util.Optional<String> statusNote() { return java.util.Optional.of("searching with " + key); }
                }
                """).writeTo(dir);
        host = new PluginHost(dir, "0.1.0", services.services);
        host.start();

        assertThat(new PluginsCommand(host, id -> List.of()).render()).contains("  searching with [redacted]")
                .contains("  settings: EXA_API_KEY").doesNotContain("exa-secret-value-0005");
        assertThat(PluginsCommand.startupNotes(host)).isEqualTo("; search: searching with [redacted]");
    }

    private void withLines(String pluginId, String settings, String body) {
        String pkg = "test." + pluginId;
        TestPluginJars.plugin(pluginId).settings(settings).source(pkg + ".Status", """
                package %s;
                @org.pf4j.Extension
                public class Status implements dev.cortana.api.tools.ToolProvider, dev.cortana.api.StatusLines {
                    private final dev.cortana.api.CortanaContext context;
                    public Status(dev.cortana.api.CortanaContext context) { this.context = context; }
                    public java.util.List<String> statusLines() {
                        %s
                    }
                }
                """.formatted(pkg, body)).writeTo(dir);
    }
}
