package dev.cortana.plugins.reminders;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cortana.testkit.CortanaTestHost;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The reminders plugin in a real host, through the model: set, delivered on time into the conversation, listed,
 * cancelled; wrong arguments answered with the expected form. "Now" is Tuesday 1 December 2026, 10:00 in Berlin.
 */
class ReminderConversationTest {

    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    static final Instant NOW = ZonedDateTime.of(2026, 12, 1, 10, 0, 0, 0, BERLIN).toInstant();

    @RegisterExtension
    final CortanaTestHost cortana = CortanaTestHost.forPluginUnderTest().zone(BERLIN).startingAt(NOW);

    @Test
    void aReminderAtSixArrivesAtSixOnceAndJoinsTheConversation() {
        cortana.model().when("remind me at 18:00 to call mom")
                .callTool("reminder_set", Map.of("text", "call mom", "at", "2026-12-01T18:00"))
                .thenAnswerWithToolResult();

        assertThat(cortana.chat("remind me at 18:00 to call mom"))
                .isEqualTo("Reminder 1 set for Tue 1 Dec 18:00 Europe/Berlin: call mom");

        Instant six = ZonedDateTime.of(2026, 12, 1, 18, 0, 0, 0, BERLIN).toInstant();
        cortana.clock().set(six.minusSeconds(1));
        assertThat(cortana.messages()).isEmpty();
        cortana.clock().set(six);
        assertThat(cortana.messages()).containsExactly("⏰ Reminder: call mom");

        cortana.model().when("done").answer("Great.");
        cortana.chat("done");
        List<String> assistantSaid = new ArrayList<>();
        for (JsonNode message : cortana.model().requests().get(cortana.model().requests().size() - 1).body()
                .path("messages")) {
            if (message.path("role").asText().equals("assistant")) {
                assistantSaid.add(message.path("content").asText());
            }
        }
        assertThat(assistantSaid).contains("⏰ Reminder: call mom");
        cortana.clock().advance(Duration.ofDays(1));
        assertThat(cortana.messages()).containsExactly("⏰ Reminder: call mom");
        assertThat(cortana.chat("/reminders")).isEqualTo("No reminders.");
    }

    @Test
    void aReminderInTwentyMinutesCountsFromNow() {
        cortana.model().when("in 20 minutes check the oven")
                .callTool("reminder_set", Map.of("text", "check the oven", "in", "PT20M"))
                .thenAnswerWithToolResult();

        assertThat(cortana.chat("in 20 minutes check the oven"))
                .isEqualTo("Reminder 1 set for Tue 1 Dec 10:20 Europe/Berlin: check the oven");
        cortana.clock().advance(Duration.ofMinutes(19));
        assertThat(cortana.messages()).isEmpty();
        cortana.clock().advance(Duration.ofMinutes(1));
        assertThat(cortana.messages()).containsExactly("⏰ Reminder: check the oven");
    }

    @Test
    void remindersAreListedAndACancelledOneNeverArrives() {
        cortana.model().when("oven")
                .callTool("reminder_set", Map.of("text", "check the oven", "in", "PT20M"))
                .thenAnswerWithToolResult();
        cortana.model().when("top three")
                .callTool("reminder_set", Map.of("text", "ask me for my top three",
                        "rrule", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9;BYMINUTE=0"))
                .thenAnswerWithToolResult();
        cortana.model().when("what reminders")
                .callTool("reminders_list", Map.of())
                .thenAnswerWithToolResult();
        cortana.model().when("cancel the oven one")
                .callTool("reminder_cancel", Map.of("id", 1))
                .thenAnswerWithToolResult();

        cortana.chat("in 20 minutes check the oven");
        assertThat(cortana.chat("every weekday at 9 ask me for my top three")).isEqualTo(
                "Reminder 2 set, repeating (FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9;BYMINUTE=0), next Wed 2 Dec 09:00"
                        + " Europe/Berlin: ask me for my top three");
        assertThat(cortana.chat("what reminders do I have?")).isEqualTo("""
                1. check the oven — Tue 1 Dec 10:20 Europe/Berlin
                2. ask me for my top three — repeats FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9;BYMINUTE=0, next Wed 2 Dec\
                 09:00 Europe/Berlin""");
        assertThat(cortana.chat("cancel the oven one")).isEqualTo("Cancelled reminder 1: check the oven");
        assertThat(cortana.chat("/reminders")).isEqualTo("2. ask me for my top three — repeats"
                + " FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9;BYMINUTE=0, next Wed 2 Dec 09:00 Europe/Berlin");

        cortana.clock().advance(Duration.ofHours(1));
        assertThat(cortana.messages()).isEmpty();
        cortana.clock().set(ZonedDateTime.of(2026, 12, 2, 9, 0, 0, 0, BERLIN).toInstant());
        assertThat(cortana.messages()).containsExactly("⏰ Reminder: ask me for my top three");
    }

    @Test
    void wrongArgumentsAreAnsweredWithTheExpectedForm() {
        cortana.model().when("tomorrow-ish")
                .callTool("reminder_set", Map.of("text", "call mom", "at", "tomorrow at six"))
                .thenAnswerWithToolResult();
        cortana.model().when("no time")
                .callTool("reminder_set", Map.of("text", "call mom"))
                .thenAnswerWithToolResult();
        cortana.model().when("yesterday")
                .callTool("reminder_set", Map.of("text", "call mom", "at", "2026-11-30T18:00"))
                .thenAnswerWithToolResult();
        cortana.model().when("bad rule")
                .callTool("reminder_set", Map.of("text", "x", "rrule", "EVERY=DAY"))
                .thenAnswerWithToolResult();
        cortana.model().when("cancel 9")
                .callTool("reminder_cancel", Map.of("id", 9))
                .thenAnswerWithToolResult();

        assertThat(cortana.chat("tomorrow-ish")).isEqualTo("Error: `at` must be a local date-time like"
                + " 2026-12-01T18:00 (or a time like 18:00), got \"tomorrow at six\".");
        assertThat(cortana.chat("no time")).isEqualTo("Error: give `at` (a local date-time like 2026-12-01T18:00),"
                + " `in` (a duration like PT20M) or `rrule`.");
        assertThat(cortana.chat("yesterday")).isEqualTo("Error: that time has passed (it is Tue 1 Dec 10:00"
                + " Europe/Berlin); give a time in the future.");
        assertThat(cortana.chat("bad rule")).startsWith("Error: `rrule` must be an RFC 5545 RRULE like"
                + " FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9;BYMINUTE=0");
        assertThat(cortana.chat("cancel 9")).isEqualTo("Error: there is no reminder 9; reminders_list shows their"
                + " numbers.");
        assertThat(cortana.chat("/reminders")).isEqualTo("No reminders.");
    }

    @Test
    void theFourToolDefinitionsFitTheirBudget() {
        cortana.model().when("hi").answer("Hello");
        cortana.chat("hi");
        int bytes = 0;
        List<String> names = new ArrayList<>();
        for (JsonNode tool : cortana.model().requests().get(0).body().path("tools")) {
            String name = tool.path("function").path("name").asText();
            if (name.startsWith("reminder")) {
                names.add(name);
                bytes += tool.toString().getBytes(StandardCharsets.UTF_8).length;
            }
        }
        System.out.println("Reminders tool definitions: " + bytes + " bytes of JSON");
        assertThat(names).containsExactlyInAnyOrder("reminder_set", "reminders_list", "reminder_update",
                "reminder_cancel");
        assertThat(bytes).isLessThanOrEqualTo(1_100);
    }
}
