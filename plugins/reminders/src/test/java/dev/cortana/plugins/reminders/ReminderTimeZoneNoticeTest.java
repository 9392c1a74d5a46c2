package dev.cortana.plugins.reminders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.testkit.CortanaTestHost;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A user who never set a time zone (no TIMEZONE, no /settings timezone) learns with the first reminder which zone was
 * assumed and how to change it; once, and not at all when they chose one.
 */
class ReminderTimeZoneNoticeTest {

    @RegisterExtension
    final CortanaTestHost cortana = CortanaTestHost.forPluginUnderTest().withoutTimeZone();

    @Test
    void theFirstReminderSaysWhichZoneWasAssumed() {
        String assumed = ZoneId.systemDefault().getId();
        String first = set("call mom", "PT1H");
        assertThat(first).endsWith(": call mom\nI assumed your time zone is " + assumed
                + "; if it is not, set it with /settings timezone Area/City (existing reminders keep their zone).");
        assertThat(first).contains(" " + assumed + ": call mom");
        assertThat(set("check the oven", "PT20M")).doesNotContain("assumed").endsWith(": check the oven");
    }

    @Test
    void aZoneChosenWithSettingsIsNotQuestioned() {
        assertThat(cortana.chat("/settings timezone America/New_York")).contains("America/New_York");
        assertThat(set("call mom", "PT1H")).doesNotContain("assumed").contains(" America/New_York: call mom");
    }

    private String set(String text, String in) {
        cortana.model().when("remind me: " + text)
                .callTool("reminder_set", Map.of("text", text, "in", in)).thenAnswerWithToolResult();
        return cortana.chat("remind me: " + text);
    }
}
