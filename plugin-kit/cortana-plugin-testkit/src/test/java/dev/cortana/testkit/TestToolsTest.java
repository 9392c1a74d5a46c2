package dev.cortana.testkit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cortana.api.tools.ToolProvider;
import dev.langchain4j.agent.tool.Tool;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A tool the host would skip fails TestTools.of with the host's reason, instead of silently going missing. */
class TestToolsTest {

    public static final class HabitTools implements ToolProvider {
        @Override
        public List<Object> tools() {
            return List.of(this);
        }

        @Tool(name = "habit_streak", value = "The streak of a habit")
        public String streak(String habit) {
            return habit + ": 3 days";
        }

        @Tool(name = "habit_streak", value = "The streak of a habit, again")
        public String streakAgain(String habit) {
            return habit + ": 4 days";
        }

        @Tool(name = "habit_import", value = "Imports habits from a file")
        public String importHabits(Path file) {
            return file.toString();
        }
    }

    @Test
    void aToolTheHostWouldSkipFailsFastWithTheHostsReason() {
        String pluginId = PluginUnderTest.idProperty().orElse("plugin-under-test");

        assertThatThrownBy(() -> TestTools.of(new HabitTools()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Cortana would skip 2 tools of " + pluginId + ":\n  skipped tool habit_import: ")
                .hasMessageContaining("parameter 'file' is a java.nio.file.Path, which the model cannot fill")
                .hasMessageContaining("\n  skipped tool habit_streak (dev.cortana.testkit.TestToolsTest$HabitTools"
                        + ".streakAgain): dev.cortana.testkit.TestToolsTest$HabitTools.streak has that name too and is "
                        + "kept (the first in tools() order, then by method name)");
    }
}
