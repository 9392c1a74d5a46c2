package dev.cortana.host.channel.discord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cortana.api.tools.ToolProvider;
import dev.cortana.api.tools.ToolResult;
import dev.cortana.host.testing.discord.DiscordTestBot;
import dev.cortana.host.testing.discord.FakeDiscord;
import dev.cortana.host.testing.discord.FakeDiscord.Attachment;
import dev.cortana.host.testing.discord.FakeDiscord.Call;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files in and out on Discord: attachments saved in the user's folder for tools, and files tools attach to replies. */
class DiscordFilesTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String ICS = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:Dentist\nDTSTART:20270105T090000Z\n"
            + "END:VEVENT\nEND:VCALENDAR\n";
    private static final Pattern SAVED_AT = Pattern.compile("saved at (\\S+)");

    /** A calendar plugin as a third party writes it: it takes .ics files by path and exports one. */
    public static final class CalendarTools implements ToolProvider {
        volatile String importedFrom;

        @Override
        public List<Object> tools() {
            return List.of(this);
        }

        @Override
        public Set<String> acceptedFileTypes() {
            return Set.of("ics");
        }

        @Tool("Imports the events of an .ics file")
        public String importCalendar(@P("path of the .ics file") String path) throws IOException {
            importedFrom = path;
            long events = Files.readAllLines(Path.of(path)).stream().filter(l -> l.equals("BEGIN:VEVENT")).count();
            String summary = Files.readAllLines(Path.of(path)).stream().filter(l -> l.startsWith("SUMMARY:"))
                    .findFirst().orElse("SUMMARY:?").substring(8);
            return "Imported " + events + " event: " + summary;
        }

        @Tool("Exports the calendar as an .ics file attached to the reply")
        public ToolResult exportCalendar() throws IOException {
            Path file = Files.createTempDirectory("export").resolve("calendar.ics");
            Files.writeString(file, ICS);
            return ToolResult.withFiles("Exported 1 event; the file is attached.", file);
        }
    }

    @TempDir
    Path workspace;

    FakeDiscord discord;
    DiscordTestBot bot;
    final CalendarTools calendar = new CalendarTools();

    @BeforeEach
    void connect() {
        discord = FakeDiscord.start();
        bot = new DiscordTestBot(discord, workspace, List.of(calendar), true);
        // The model: a saved .ics goes to import_calendar, "export" to export_calendar, a tool result is repeated.
        bot.respond(messages -> {
            ChatMessage last = messages.get(messages.size() - 1);
            if (last instanceof ToolExecutionResultMessage result) {
                return AiMessage.from("Done: " + result.text());
            }
            String said = dev.cortana.testkit.wire.FakeOpenAi.RecordedRequest.userText(((UserMessage) last).contents()
                    .stream().filter(TextContent.class::isInstance).map(c -> ((TextContent) c).text())
                    .reduce("", String::concat));
            Matcher saved = SAVED_AT.matcher(said);
            if (said.contains(".ics") && saved.find()) {
                return toolCall("importCalendar", "{\"path\":\"" + saved.group(1) + "\"}");
            }
            return said.equals("export my calendar") ? toolCall("exportCalendar", "{}") : null;
        });
    }

    @AfterEach
    void disconnect() {
        bot.close();
        discord.close();
    }

    private static AiMessage toolCall(String name, String arguments) {
        return AiMessage.from(List.of(ToolExecutionRequest.builder().id("call-1").name(name).arguments(arguments).build()));
    }

    private List<String> posted() {
        return discord.calls(Call::isMessagePost).stream().map(Call::content).toList();
    }

    @Test
    void anAttachedIcsIsSavedInTheUsersFolderAndReachesTheToolAsAPathNotPasted() throws IOException {
        discord.directMessage(FakeDiscord.MASTER, "add this to my calendar",
                List.of(new Attachment("invite.ics", "text/calendar", ICS.getBytes(StandardCharsets.UTF_8))));

        await().atMost(WAIT).until(() -> posted().stream().anyMatch(p -> p.startsWith("Done:")));
        Path saved = workspace.resolve("users").resolve(FakeDiscord.MASTER).resolve("attachments").resolve("invite.ics");
        assertThat(saved).hasContent(ICS.strip());
        assertThat(calendar.importedFrom).isEqualTo(saved.toString());
        assertThat(posted()).contains("Done: Imported 1 event: Dentist");
        assertThat(bot.modelInputs().get(0)).contains("saved at " + saved).doesNotContain("BEGIN:VCALENDAR");
    }

    @Test
    void aTextFileNoToolTakesIsPastedAndAlsoSaved() {
        discord.directMessage(FakeDiscord.MASTER, "summarise",
                List.of(new Attachment("notes.txt", "text/plain", "buy milk\ncall mum".getBytes(StandardCharsets.UTF_8))));

        await().atMost(WAIT).until(() -> !posted().isEmpty());
        Path saved = workspace.resolve("users").resolve(FakeDiscord.MASTER).resolve("attachments").resolve("notes.txt");
        assertThat(saved).hasContent("buy milk\ncall mum");
        assertThat(bot.modelInputs().get(0)).contains("saved at " + saved).contains("buy milk\ncall mum");
    }

    @Test
    void anAttachmentNameCannotLeaveTheUsersFolderAndASecondFileOfTheSameNameIsKept() throws IOException {
        byte[] first = "first".getBytes(StandardCharsets.UTF_8);
        byte[] second = "second".getBytes(StandardCharsets.UTF_8);
        discord.directMessage(FakeDiscord.MASTER, "two files", List.of(
                new Attachment("../../prompt files/SOUL.md", "application/octet-stream", first),
                new Attachment("../../prompt files/SOUL.md", "application/octet-stream", second)));

        await().atMost(WAIT).until(() -> !posted().isEmpty());
        Path folder = workspace.resolve("users").resolve(FakeDiscord.MASTER).resolve("attachments");
        try (var files = Files.list(folder)) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .containsExactlyInAnyOrder("_.._prompt_files_SOUL.md", "_.._prompt_files_SOUL-2.md");
        }
        assertThat(folder.resolve("_.._prompt_files_SOUL-2.md")).hasContent("second");
        assertThat(workspace.resolve("SOUL.md")).satisfiesAnyOf(
                soul -> assertThat(soul).doesNotExist(),
                soul -> assertThat(Files.readString(soul)).isNotIn("first", "second")); // the prompt file untouched
    }

    @Test
    void aFileAToolAttachesArrivesOnDiscordAsAnAttachmentOfTheReply() {
        discord.directMessage(FakeDiscord.MASTER, "export my calendar");

        await().atMost(WAIT).until(() -> !posted().isEmpty());
        Call reply = discord.calls(Call::isMessagePost).get(0);
        assertThat(reply.content()).isEqualTo("Done: Exported 1 event; the file is attached.");
        assertThat(reply.uploadedFiles()).containsEntry("calendar.ics", ICS);
    }
}
