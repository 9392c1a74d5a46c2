package dev.cortana.host.channel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.api.llm.LlmProvider;
import dev.cortana.api.llm.ModelClient;
import dev.cortana.api.llm.ModelSetup;
import dev.cortana.api.tools.AgentTool;
import dev.cortana.api.tools.ToolProvider;
import dev.cortana.api.tools.ToolResult;
import dev.cortana.host.agent.Agent;
import dev.cortana.host.commands.CommandRouter;
import dev.cortana.host.config.Config;
import dev.cortana.host.conversation.InMemoryConversations;
import dev.cortana.host.llm.ModelRouter;
import dev.cortana.host.plugins.Contribution;
import dev.cortana.host.prompt.SystemPrompt;
import dev.cortana.testkit.wire.FakeOpenAi;
import dev.cortana.testkit.wire.FakeOpenAi.Reply;
import dev.cortana.host.tools.ToolRegistry;
import dev.cortana.host.tools.ToolRunner;
import dev.cortana.host.workspace.HostWorkspace;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file a tool attaches to its reply: the console has no attachments, so it names the file's path. */
class ConsoleFilesTest {

    @TempDir
    Path workspace;

    @Test
    void aFileADynamicToolAttachesIsNamedByItsPathAfterTheReply() throws Exception {
        Path report = Files.writeString(workspace.resolve("report.csv"), "day,steps\nmon,9000\n");
        ToolProvider reports = new ToolProvider() {
            @Override
            public List<AgentTool> dynamicTools() {
                return List.of(AgentTool.withFiles(
                        ToolSpecification.builder().name("weekly_report").description("Writes the weekly report").build(),
                        call -> ToolResult.withFiles("Report written.", report)));
            }
        };
        try (FakeOpenAi openAi = FakeOpenAi.start(); ToolRunner runner = new ToolRunner(Duration.ofSeconds(5))) {
            openAi.enqueue(Reply.toolCall("weekly_report", "{}"), Reply.text("Your weekly report is ready."));
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            ConsoleChannel console = new ConsoleChannel(agent(openAi, runner, reports), new CommandRouter(List::of),
                    "console", new PrintStream(printed, true, StandardCharsets.UTF_8), false);

            console.run(new BufferedReader(new StringReader("make my weekly report\n")));

            assertThat(printed.toString(StandardCharsets.UTF_8))
                    .isEqualTo("Your weekly report is ready.\nAttached file: " + report.toAbsolutePath() + "\n");
            assertThat(openAi.chatRequests().get(1).lastToolResult()).isEqualTo("Report written.");
        }
    }

    private Agent agent(FakeOpenAi openAi, ToolRunner runner, ToolProvider tools) {
        LlmProvider provider = new LlmProvider() {
            @Override public String id() { return "openai"; }
            @Override public boolean ownsModel(String model) { return true; }
            @Override public ModelClient model(ModelSetup setup) {
                return ModelClient.of(OpenAiChatModel.builder().httpClientBuilder(setup.http()).baseUrl(setup.baseUrl())
                        .apiKey(setup.apiKey()).modelName(setup.modelName()).timeout(setup.requestTimeout())
                        .maxRetries(0).build());
            }
        };
        Config config = Config.of(Map.of("OPENAI_API_KEY", "sk-console-files-1", "OPENAI_API_BASE", openAi.baseUrl()));
        return new Agent(new ModelRouter(() -> List.of(provider), () -> 1L, config), userId -> "gpt-4o",
                new ToolRegistry(() -> List.of(new Contribution<>("reports", tools)), () -> 1L), runner,
                new InMemoryConversations(), new SystemPrompt(HostWorkspace.open(workspace), Clock.systemUTC(),
                        u -> ZoneOffset.UTC, 20_000), 3);
    }
}
