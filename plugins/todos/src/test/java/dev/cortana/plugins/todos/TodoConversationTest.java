package dev.cortana.plugins.todos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.testkit.CortanaTestHost;
import dev.cortana.testkit.ScriptedModel.ToolCallRecord;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The todos plugin in a real host: loaded from its JAR, its tools offered to the model and answering through it. */
class TodoConversationTest {

    @RegisterExtension
    static final CortanaTestHost cortana = CortanaTestHost.forPluginUnderTest()
            .zone(TodoContexts.ZONE)
            .startingAt(TodoContexts.NOW);

    @Test
    void theModelAddsAndListsTodosThroughTheTools() {
        cortana.model().when("remind me to buy milk on Friday")
                .callTool("add_todo", Map.of("title", "buy milk", "due", "2026-11-27"))
                .thenAnswerWithToolResult();
        cortana.model().when("what is on my list")
                .callTool("list_todos", Map.of())
                .thenAnswer(list -> "Your todos:\n" + list);

        assertThat(cortana.chat("remind me to buy milk on Friday")).isEqualTo("Added \"buy milk\" (due Fri 2026-11-27).");
        assertThat(cortana.chat("what is on my list")).isEqualTo("Your todos:\n1. buy milk — due Fri 2026-11-27");

        assertThat(cortana.toolCalls()).extracting(ToolCallRecord::name).containsExactly("add_todo", "list_todos");
        assertThat(cortana.model().offeredTools()).contains(
                "add_todo", "list_todos", "complete_todo", "reopen_todo", "update_todo", "delete_todo");
    }

    @Test
    void thePluginIsStartedWithItsToolsAndItsOwnTables() {
        assertThat(cortana.isStarted("todos")).isTrue();
        assertThat(cortana.plugins()).contains("todos").contains("add_todo");
        assertThat(cortana.database().rows("SELECT version FROM flyway_history_todos WHERE type = 'SQL'"))
                .containsExactly("1");
    }
}
