package dev.cortana.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cortana.api.Approvals.Decision;
import dev.cortana.testkit.ScriptedModel.ToolCallRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The kit's test plugin "sample" in a real host, as a plugin author's test sees it. */
class CortanaTestHostTest {

    @RegisterExtension
    static final CortanaTestHost cortana = CortanaTestHost.forPluginUnderTest()
            .setting("SAMPLE_GREETING", "Howdy")
            .startingAt(Instant.parse("2026-11-25T09:00:00Z"));

    @Test
    void theToolsTheHostSkippedAreShownWithTheirReason() {
        assertThat(cortana.skippedTools()).singleElement().asString()
                .startsWith("read_file: parameter 'file' is a java.nio.file.Path, which the model cannot fill");
        assertThat(cortana.plugins()).contains("skipped tool read_file: parameter 'file' is a java.nio.file.Path");
    }

    @Test
    void awaitMessageGivesUpAfterTheTimeoutItIsGiven() {
        long started = System.nanoTime();

        assertThatThrownBy(() -> cortana.awaitMessage("a message nobody sends", Duration.ofMillis(300)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("a message nobody sends");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aScriptedCallWithAWrongArgumentNameSaysSoInsteadOfCallingTheTool() {
        cortana.model().when("say hi to Grace").callTool("greet", Map.of("who", "Grace")).thenAnswerWithToolResult();

        assertThat(cortana.chat("say hi to Grace"))
                .isEqualTo("Scripted call of greet: unknown argument 'who' for greet (parameters: name)");
        assertThat(cortana.toolCalls()).extracting(ToolCallRecord::arguments).doesNotContain("{\"who\":\"Grace\"}");
    }

    @Test
    void aToolAnswersThroughTheScriptedModel() {
        cortana.model().when("say hi to Ada").callTool("greet", Map.of("name", "Ada")).thenAnswerWithToolResult();

        assertThat(cortana.chat("please say hi to Ada")).isEqualTo("Howdy, Ada!");
        assertThat(cortana.toolCalls()).contains(new ToolCallRecord("greet", "{\"name\":\"Ada\"}", "Howdy, Ada!"));
        assertThat(cortana.database().rows("SELECT name FROM sample_greetings")).contains("Ada");
    }

    @Test
    void aPlainAnswerCallsNoTool() {
        cortana.model().when("how are you").answer("Fine, thanks.");

        assertThat(cortana.chat("how are you today?")).isEqualTo("Fine, thanks.");
    }

    @Test
    void aMessageWithoutAScriptGetsAReplySayingSo() {
        assertThat(cortana.chat("what is the meaning of life"))
                .startsWith("No scripted answer for the user message \"what is the meaning of life\"");
    }

    @Test
    void thePluginRunsInItsOwnClassLoaderFromItsJar() {
        cortana.model().when("which loader").callTool("class_loader", Map.of()).thenAnswerWithToolResult();

        assertThat(cortana.chat("which loader")).isEqualTo("PluginClassLoader");
        assertThat(cortana.isStarted("sample")).isTrue();
        assertThat(cortana.startedPlugins()).containsExactlyInAnyOrder("sample", "provider-openai");
        assertThat(cortana.plugins()).contains("sample").contains("greet");
    }

    @Test
    void movingTheClockRunsTheDurableJobThatFellDue() {
        cortana.model().when("remind me of tea").callTool("remind_later", Map.of("text", "tea", "minutes", 30))
                .thenAnswerWithToolResult();
        assertThat(cortana.chat("remind me of tea")).isEqualTo("I will remind you of tea in 30 minutes.");

        cortana.clock().advance(Duration.ofMinutes(29));
        assertThat(cortana.messages()).doesNotContain("⏰ tea");

        cortana.clock().advance(Duration.ofMinutes(1));
        assertThat(cortana.messages()).contains("⏰ tea");
    }

    @Test
    void approvalQuestionsAreRecordedAndAnsweredByScript() {
        cortana.model().when("delete everything").callTool("delete_everything", Map.of()).thenAnswerWithToolResult();

        cortana.approvals().answerNext(Decision.APPROVED);
        assertThat(cortana.chat("delete everything")).isEqualTo("Deleted.");
        assertThat(cortana.chat("delete everything")).isEqualTo("Not deleted: the user denied.");
        assertThat(cortana.approvals().questions()).endsWith("Delete everything?", "Delete everything?");
    }

    @Test
    void commandsRunAsOnTheConsole() {
        assertThat(cortana.command("/settings timezone Europe/Berlin")).contains("Europe/Berlin");
        assertThat(cortana.chat("/help")).contains("/plugins");
    }
}
