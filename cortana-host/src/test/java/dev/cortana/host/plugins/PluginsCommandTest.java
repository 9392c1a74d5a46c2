package dev.cortana.host.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.api.commands.CommandInvocation;
import dev.cortana.host.testing.TestPluginJars;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /plugins}: what is installed, whether it runs, and what it adds. */
class PluginsCommandTest {

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
    void listsEachPluginWithItsStateAndWhatItContributes() throws Exception {
        TestPluginJars.plugin("todos").toolProvider("test.todos.TodoTools", "add_todo", "list_todos", "complete_todo")
                .writeTo(dir);
        TestPluginJars.plugin("provider-openai").source("test.openai.OpenAiProvider", """
                package test.openai;
                @org.pf4j.Extension
                public class OpenAiProvider implements dev.cortana.api.llm.LlmProvider {
                    public String id() { return "openai"; }
                    public dev.cortana.api.llm.ModelClient model(dev.cortana.api.llm.ModelSetup setup) {
                        throw new UnsupportedOperationException();
                    }
                }
                """).writeTo(dir);
        TestPluginJars.plugin("assistant")
                .source("test.assistant.Notes", """
                        package test.assistant;
                        @org.pf4j.Extension
                        public class Notes implements dev.cortana.api.memory.MemoryProvider {
                            public String id() { return "notes"; }
                            public String context(String userId, String message) { return ""; }
                            public void learn(String userId, java.util.List<dev.langchain4j.data.message.ChatMessage> turn) { }
                        }
                        """)
                .source("test.assistant.Skills", """
                        package test.assistant;
                        @org.pf4j.Extension
                        public class Skills implements dev.cortana.api.skills.SkillSource {
                            public java.util.List<java.nio.file.Path> skillDirectories() {
                                return java.util.List.of(java.nio.file.Path.of("/workspace/.plugins/assistant/skills/pdf-tools"));
                            }
                        }
                        """)
                .source("test.assistant.Commands", """
                        package test.assistant;
                        @org.pf4j.Extension
                        public class Commands implements dev.cortana.api.commands.CommandProvider {
                            public java.util.List<dev.cortana.api.commands.Command> commands() {
                                return java.util.List.of(dev.cortana.api.commands.Command.of("ping", "Pong", i -> "pong"));
                            }
                        }
                        """)
                .writeTo(dir);
        TestPluginJars.failingStart("ticker", "database unreachable").writeTo(dir);
        TestPluginJars.notAZip(dir, "broken.jar");
        host = new PluginHost(dir, "0.1.0", services.services);
        host.start();
        Map<String, List<String>> tools = Map.of("todos", List.of("add_todo", "list_todos", "complete_todo"));
        PluginsCommand command = new PluginsCommand(host, id -> tools.getOrDefault(id, List.of()));

        String output = command.run(new CommandInvocation("master", null, Map.of()));

        assertThat(output).isEqualTo("""
                Plugins in %s:
                • assistant 0.1.0 — started — memory provider: notes — skill: pdf-tools — command: /ping
                • broken.jar — failed: not a JAR/ZIP file
                • provider-openai 0.1.0 — started — LLM provider: openai
                • ticker 0.1.0 — failed: start() failed: database unreachable (ticker.jar)
                • todos 0.1.0 — started — tools: add_todo, list_todos, complete_todo""".formatted(dir.toAbsolutePath()));
        assertThat(command.name()).isEqualTo("plugins");
        assertThat(command.description()).isEqualTo("List plugins, their state and the tools each contributes");
    }

    @Test
    void explainsWhereToPutJarsWhenThereAreNoPlugins() throws Exception {
        host = new PluginHost(dir, "0.1.0", services.services);
        host.start();

        String output = new PluginsCommand(host, id -> List.of()).run(new CommandInvocation("master", null, Map.of()));

        assertThat(output).isEqualTo("No plugins in " + dir.toAbsolutePath()
                + ". Copy plugin JARs into that folder: they are loaded while Cortana runs, no restart needed.");
    }

    @Test
    void aPluginsStatusNotesShowUnderItAndInTheStartupNotes() throws Exception {
        TestPluginJars.plugin("sandboxed").source("test.sandboxed.Tools", """
                        package test.sandboxed;
                        @org.pf4j.Extension
                        public class Tools implements dev.cortana.api.tools.ToolProvider, dev.cortana.api.StatusNote {
                            public java.util.Optional<String> statusNote() {
                                return java.util.Optional.of("runs in a sandbox (network off)\\nsecond line not shown");
                            }
                        }
                        """)
                .source("test.sandboxed.Quiet", """
                        package test.sandboxed;
                        @org.pf4j.Extension
                        public class Quiet implements dev.cortana.api.commands.CommandProvider, dev.cortana.api.StatusNote {
                            public java.util.List<dev.cortana.api.commands.Command> commands() { return java.util.List.of(); }
                            public java.util.Optional<String> statusNote() { return java.util.Optional.of("  "); }
                        }
                        """)
                .writeTo(dir);
        TestPluginJars.plugin("buggy").source("test.buggy.Tools", """
                        package test.buggy;
                        @org.pf4j.Extension
                        public class Tools implements dev.cortana.api.tools.ToolProvider, dev.cortana.api.StatusNote {
                            public java.util.Optional<String> statusNote() { throw new IllegalStateException("bug"); }
                        }
                        """)
                .writeTo(dir);
        TestPluginJars.plugin("long").source("test.longnote.Tools", """
                        package test.longnote;
                        @org.pf4j.Extension
                        public class Tools implements dev.cortana.api.tools.ToolProvider, dev.cortana.api.StatusNote {
                            public java.util.Optional<String> statusNote() { return java.util.Optional.of("x".repeat(1000)); }
                        }
                        """)
                .writeTo(dir);
        host = new PluginHost(dir, "0.1.0", services.services);
        host.start();

        String output = new PluginsCommand(host, id -> List.of()).run(new CommandInvocation("master", null, Map.of()));

        String longNote = "x".repeat(297) + "...";
        assertThat(output).isEqualTo("""
                Plugins in %s:
                • buggy 0.1.0 — started — no tools or other extensions
                • long 0.1.0 — started — no tools or other extensions
                  %s
                • sandboxed 0.1.0 — started — no tools or other extensions
                  runs in a sandbox (network off)""".formatted(dir.toAbsolutePath(), longNote));
        assertThat(PluginsCommand.statusNotes(host)).containsExactly("long: " + longNote,
                "sandboxed: runs in a sandbox (network off)");
        assertThat(PluginsCommand.startupNotes(host)).isEqualTo("; long: " + longNote
                + "; sandboxed: runs in a sandbox (network off)");
    }
}
