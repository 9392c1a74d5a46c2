package dev.cortana.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.api.Approvals.Decision;
import dev.cortana.testkit.sample.SampleTools;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A plain CortanaContext for unit tests, built from the host's real parts. */
class TestContextTest {

    @TempDir
    Path dir;

    @Test
    void toolsRunAgainstAFreshDatabaseWithThePluginsMigrations() {
        try (TestContext context = TestContext.create()) {
            TestTools tools = TestTools.of(new SampleTools(context));

            assertThat(tools.call("greet", Map.of("name", "Ada"))).isEqualTo("Hello, Ada!");
            assertThat(tools.names()).containsExactlyInAnyOrder("greet", "remind_later", "delete_everything",
                    "class_loader");
            assertThat(tools.specification("greet").parameters().properties()).containsOnlyKeys("name");
            assertThat(context.pluginId()).isEqualTo("sample");
        }
    }

    @Test
    void aToolsFailureIsTheErrorTextTheModelWouldRead() {
        try (TestContext context = TestContext.create()) {
            TestTools tools = TestTools.of(new SampleTools(context));

            assertThat(tools.callJson("remind_later", "{\"text\":\"tea\",\"minutes\":\"soon\"}")).startsWith("Error: ");
            assertThat(tools.call("no_such_tool", Map.of())).isEqualTo("Error: there is no tool named \"no_such_tool\"."
                    + " Available tools: " + String.join(", ", tools.names()) + ".");
        }
    }

    @Test
    void declaredSettingsAreReadAndUndeclaredOnesReadAsUnset() {
        try (TestContext context = TestContext.builder().setting("SAMPLE_GREETING", "Hi")
                .setting("OTHER_SETTING", "x").build()) {
            assertThat(context.settings().get("SAMPLE_GREETING")).contains("Hi");
            assertThat(context.settings().get("OTHER_SETTING")).isEmpty(); // Plugin-Settings: SAMPLE_*
        }
        try (TestContext context = TestContext.builder().pluginSetting("anything", "own").build()) {
            assertThat(context.settings().get("anything")).contains("own");
        }
    }

    @Test
    void theClockRunsDueJobsAndTheNotifierRecordsWhatWasSent() {
        TestClock clock = TestClock.at(Instant.parse("2026-11-25T09:00:00Z"));
        try (TestContext context = TestContext.builder().clock(clock).zone(ZoneId.of("Europe/Berlin")).build()) {
            TestTools tools = TestTools.of(new SampleTools(context));
            tools.call("remind_later", Map.of("text", "tea", "minutes", 10));

            clock.advance(Duration.ofMinutes(9));
            assertThat(context.messages()).isEmpty();
            clock.advance(Duration.ofMinutes(1));
            assertThat(context.messages()).containsExactly("⏰ tea");
            assertThat(context.jobs().list()).isEmpty();
            assertThat(context.userZone()).isEqualTo(ZoneId.of("Europe/Berlin"));
        }
    }

    @Test
    void approvalsAnswerByScriptThenByDefault() {
        try (TestContext context = TestContext.builder().approvals(Decision.TIMED_OUT).build()) {
            TestTools tools = TestTools.of(new SampleTools(context));
            context.approvals().answerNext(Decision.APPROVED);

            assertThat(tools.call("delete_everything", Map.of())).isEqualTo("Deleted.");
            assertThat(tools.call("delete_everything", Map.of()))
                    .isEqualTo("Not deleted: the user did not answer in time.");
            assertThat(context.questions()).containsExactly("Delete everything?", "Delete everything?");
        }
    }

    @Test
    void theWorkspaceHasTheHostsRules() {
        try (TestContext context = TestContext.builder().workspace(dir).build()) {
            assertThat(context.workspace().root()).isEqualTo(dir.toAbsolutePath().normalize());
            assertThat(dir.resolve("IDENTITY.md")).exists();
            assertThat(context.workspace().isReadOnly(dir.resolve("IDENTITY.md"))).isTrue();
            assertThat(context.workspace().isPrivate(dir.resolve(".postgres/base"))).isTrue();
            assertThat(context.workspace().isPrivate(dir.resolve("notes.md"))).isFalse();
        }
    }
}
