package dev.cortana.host.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.host.testing.TestPluginJars;
import dev.cortana.host.tools.ToolRegistry;
import java.io.InputStream;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plugin author's mistakes, as {@code /plugins} shows them when the plugin loads (the same checks as cortana:check at
 * build time): a plugin without extensions or with a bundled copy of what Cortana provides is not started; a tool the
 * model could not call is skipped, and so is a tool whose name another tool already has, with who owns the name.
 */
class PluginMistakesTest {

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
    void toolParametersWithoutNamesSkipTheToolWithTheFix() {
        TestPluginJars.plugin("notes").withoutParameterNames().source("test.notes.NoteTools", """
                package test.notes;
                import dev.langchain4j.agent.tool.P;
                import dev.langchain4j.agent.tool.Tool;
                @org.pf4j.Extension
                public class NoteTools implements dev.cortana.api.tools.ToolProvider {
                    public java.util.List<Object> tools() { return java.util.List.of(this); }
                    @Tool(name = "add_note", value = "Adds a note")
                    public String add(@P("the title") String title, @P("the text") String text) { return title; }
                    @Tool(name = "find_note", value = "Finds a note: its parameter is named explicitly")
                    public String find(@P(name = "query", value = "what to look for") String query) { return query; }
                }
                """).writeTo(dir);

        assertThat(plugins()).isEqualTo(listing("""
                • notes 0.1.0 — started — tools: find_note
                  skipped tool add_note: parameters arg0, arg1 have no names, so the model would be offered 'arg0': \
                the class was compiled without -parameters — compile with -parameters (inherit \
                dev.cortana:cortana-plugin-parent, or set maven.compiler.parameters to true), or name each parameter \
                with @P(name = "...")"""));
    }

    @Test
    void aPluginWhoseEveryToolIsSkippedSaysSoInsteadOfOfferingNothing() {
        TestPluginJars.plugin("paths").source("test.paths.PathTools", """
                package test.paths;
                import dev.langchain4j.agent.tool.Tool;
                @org.pf4j.Extension
                public class PathTools implements dev.cortana.api.tools.ToolProvider {
                    public java.util.List<Object> tools() { return java.util.List.of(this); }
                    @Tool(name = "size_of", value = "Gives a file's size")
                    public long size(java.nio.file.Path file) { return 0; }
                }
                """).writeTo(dir);

        assertThat(plugins()).startsWith(listing("""
                • paths 0.1.0 — started — no usable tools (each was skipped, see below)
                  skipped tool size_of: parameter 'file' is a java.nio.file.Path, which the model cannot fill"""));
    }

    @Test
    void toolParametersTheModelCannotFillSkipTheToolWithTheFix() {
        TestPluginJars.plugin("files").source("test.files.FileTools", """
                package test.files;
                import dev.langchain4j.agent.tool.Tool;
                @org.pf4j.Extension
                public class FileTools implements dev.cortana.api.tools.ToolProvider {
                    public java.util.List<Object> tools() { return java.util.List.of(this); }
                    @Tool(name = "read_file", value = "Reads a file")
                    public String read(java.nio.file.Path file) { return file.toString(); }
                    @Tool(name = "apply", value = "Applies a function")
                    public String apply(String text, java.util.function.Supplier<String> how) { return how.get(); }
                    @Tool(name = "word_count", value = "Counts words")
                    public int count(String text, java.util.List<String> stopWords) { return text.split(" ").length; }
                }
                """).writeTo(dir);

        String fix = ", which the model cannot fill: it only sends JSON (text, numbers, booleans, enums, lists, maps, and "
                + "records or classes made of those) — take a String, number, boolean, enum, List or record of those "
                + "instead (for a file: its path in the workspace as a String), and build the object inside the tool";
        assertThat(plugins()).isEqualTo(listing("""
                • files 0.1.0 — started — tools: word_count
                  skipped tool apply: parameter 'how' is a java.util.function.Supplier (a function: code, not data)%s
                  skipped tool read_file: parameter 'file' is a java.nio.file.Path%s""".formatted(fix, fix)));
    }

    @Test
    void aPluginWithoutExtensionsIsNotStarted() {
        TestPluginJars.plugin("clock").source("test.clock.ClockTools", """
                package test.clock;
                public class ClockTools implements dev.cortana.api.tools.ToolProvider {
                    public java.util.List<Object> tools() { return java.util.List.of(this); }
                    @dev.langchain4j.agent.tool.Tool("The time") public String now() { return "noon"; }
                }
                """).writeTo(dir);

        assertThat(plugins()).isEqualTo(listing("""
                • clock 0.1.0 — failed: no extensions: META-INF/extensions.idx is empty, so Cortana finds no tools or \
                other extensions in this plugin — mark each extension class (a ToolProvider, LlmProvider, ...) with \
                @org.pf4j.Extension and compile with PF4J's annotation processor (org.pf4j:pf4j on the compile class \
                path, as dev.cortana:cortana-plugin-parent sets it up) (clock.jar)"""));
    }

    @Test
    void aPluginBundlingALibraryCortanaProvidesIsNotStarted() throws Exception {
        byte[] logger;
        try (InputStream in = org.slf4j.Logger.class.getResourceAsStream("Logger.class")) {
            logger = in.readAllBytes();
        }
        TestPluginJars.plugin("weather").toolProvider("test.weather.WeatherTools", "weather")
                .resource("org/slf4j/Logger.class", logger).writeTo(dir);

        assertThat(plugins()).isEqualTo(listing("""
                • weather 0.1.0 — failed: bundles its own copy of package org.slf4j (org.slf4j:slf4j-api), which \
                Cortana provides: the plugin's copy would not be the host's, so its extensions would not work — \
                declare org.slf4j:slf4j-api provided (dev.cortana:cortana-plugin-parent does), or remove it from the \
                shade (weather.jar)"""));
    }

    @Test
    void twoToolsOfOnePluginWithTheSameNameOfferOnlyTheFirstByMethodName() {
        TestPluginJars.plugin("todos").toolProvider("test.todos.TodoTools", "add", "add").writeTo(dir);

        assertThat(plugins()).isEqualTo(listing("""
                • todos 0.1.0 — started — tools: add
                  skipped tool add (test.todos.TodoTools.tool1): test.todos.TodoTools.tool0 has that name too and is \
                kept (the first in tools() order, then by method name) — ask its author to give each tool a unique \
                name"""));
    }

    @Test
    void aToolNameAnotherPluginOwnsIsSkippedAndTheOwnerNamed() {
        TestPluginJars.plugin("dice").toolProvider("test.dice.DiceTools", "roll").writeTo(dir);
        TestPluginJars.plugin("yahtzee").toolProvider("test.yahtzee.YahtzeeTools", "roll", "score").writeTo(dir);

        assertThat(plugins()).isEqualTo(listing("""
                • dice 0.1.0 — started — tools: roll
                • yahtzee 0.1.0 — started — tools: score
                  skipped tool roll: the name belongs to plugin dice — remove one of the two plugins, or ask the author \
                of yahtzee to rename the tool"""));
    }

    private String plugins() {
        host = new PluginHost(dir, "0.1.0", services.services);
        host.start();
        ToolRegistry tools = new ToolRegistry(host);
        return new PluginsCommand(host, id -> tools.toolNamesByPlugin().getOrDefault(id, java.util.List.of()),
                id -> tools.skippedToolsByPlugin().getOrDefault(id, java.util.List.of())).render();
    }

    private String listing(String lines) {
        return "Plugins in " + dir.toAbsolutePath() + ":\n" + lines;
    }
}
