package dev.cortana.plugins.calendar;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cortana.testkit.CortanaTestHost;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The calendar in a real Cortana: the plugin JAR loaded by the host, a scripted model, restarts on one database. */
class CalendarHostTest {

    private static final ZoneId LISBON = ZoneId.of("Europe/Lisbon");

    @RegisterExtension
    final CortanaTestHost cortana = CortanaTestHost.forPluginUnderTest()
            .zone(LISBON)
            .startingAt(Instant.parse("2026-12-01T10:00:00Z"));

    @Test
    void anEventReminderArrivesAfterARestart() {
        cortana.model().when("dentist on friday at 3")
                .callTool("calendar_add", Map.of("title", "Dentist", "start", "2026-12-04T15:00", "remind", "15"))
                .thenAnswerWithToolResult();
        assertThat(cortana.chat("dentist on friday at 3")).matches("Added Fri 4 Dec 15:00–16:00 Europe/Lisbon · Dentist \\(#\\d+\\)\\.");
        String id = Calendars.id(cortana.chat("dentist on friday at 3").replace("Not saved, it overlaps ", ""));

        cortana.restart();
        cortana.clock().set(Instant.parse("2026-12-04T14:45:00Z"));
        assertThat(cortana.awaitMessage("Dentist"))
                .isEqualTo("⏰ Dentist in 15 min: Fri 4 Dec 15:00–16:00 Europe/Lisbon (#" + id + ")");
        cortana.restart();
        cortana.clock().set(Instant.parse("2026-12-04T15:10:00Z"));
        assertThat(cortana.messages()).hasSize(1);
    }

    @Test
    void theToolDefinitionsStayWithinTheirByteBudget() throws Exception {
        cortana.model().when("hello").answer("hi");
        cortana.chat("hello");
        JsonNode tools = new ObjectMapper().readTree(cortana.model().offeredToolsJson());
        List<String> ours = new ArrayList<>();
        for (JsonNode tool : tools) {
            if (tool.path("function").path("name").asText().startsWith("calendar_")) {
                ours.add(tool.toString());
            }
        }
        int bytes = ("[" + String.join(",", ours) + "]").getBytes(StandardCharsets.UTF_8).length;
        System.out.println("calendar tool definitions: " + ours.size() + " tools, " + bytes + " bytes: " + ours);
        assertThat(ours).hasSize(4);
        assertThat(bytes).isLessThanOrEqualTo(1_700);
    }
}
