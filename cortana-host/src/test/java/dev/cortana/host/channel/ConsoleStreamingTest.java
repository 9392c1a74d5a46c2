package dev.cortana.host.channel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.api.llm.LlmProvider;
import dev.cortana.api.tools.AgentTool;
import dev.cortana.api.tools.ToolProvider;
import dev.cortana.host.agent.Agent;
import dev.cortana.host.plugins.Contribution;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.cortana.host.agent.ReplyNotice;
import dev.cortana.host.commands.CommandRouter;
import dev.cortana.host.config.Config;
import dev.cortana.host.conversation.InMemoryConversations;
import dev.cortana.host.llm.LoopbackOpenAiProvider;
import dev.cortana.host.llm.ModelRouter;
import dev.cortana.host.prompt.SystemPrompt;
import dev.cortana.host.tools.ToolRegistry;
import dev.cortana.host.tools.ToolRunner;
import dev.cortana.host.workspace.HostWorkspace;
import dev.cortana.testkit.wire.FakeOpenAi;
import dev.cortana.testkit.wire.FakeOpenAi.Reply;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replies on the console are printed as the model writes them ({@code STREAM_REPLIES}, on by default). */
class ConsoleStreamingTest {

    private static final String ANSWER = "Streaming means you read the start of an answer while the rest is still "
            + "being written.";

    private static final ToolProvider CHECK = new ToolProvider() {
        @Override
        public List<AgentTool> dynamicTools() {
            return List.of(new AgentTool(ToolSpecification.builder().name("check").description("Checks").build(),
                    call -> "checked"));
        }
    };

    @TempDir
    Path workspace;

    private FakeOpenAi openAi;
    private ToolRunner runner;
    private final TimedOutput printed = new TimedOutput();

    @BeforeEach
    void start() {
        openAi = FakeOpenAi.start();
        runner = new ToolRunner(Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() {
        runner.close();
        openAi.close();
    }

    @Test
    void aStreamedReplyReachesTheConsoleInPiecesTheFirstBeforeTheModelFinished() throws Exception {
        openAi.enqueue(Reply.text(ANSWER).inChunksOf(6).pausedBetweenChunks(Duration.ofMillis(40)));

        console(agent(true)).run(new BufferedReader(new StringReader("what is streaming?\n")));

        assertThat(printed.text()).isEqualTo(ANSWER + "\n");
        List<FakeOpenAi.SentText> sent = openAi.sentTexts();
        long modelFinished = sent.get(sent.size() - 1).nanoTime();
        assertThat(printed.writes()).as("pieces printed before the model finished")
                .filteredOn(write -> write.nanoTime() < modelFinished).hasSizeGreaterThan(5);
        assertThat(printed.writes().get(0).text()).isEqualTo(sent.get(0).text());
        // the order, not a time limit (the 50 ms target is measured by a benchmark, see docs/benchmarks.md)
        assertThat(printed.writes().get(0).nanoTime())
                .as("the first text is on the console before the model has written two more pieces")
                .isLessThan(sent.get(2).nanoTime());
    }

    @Test
    void withStreamRepliesOffTheReplyIsPrintedWholeOnceTheModelFinished() throws Exception {
        openAi.enqueue(Reply.text(ANSWER).inChunksOf(6).pausedBetweenChunks(Duration.ofMillis(20)));

        console(agent(false)).run(new BufferedReader(new StringReader("what is streaming?\n")));

        assertThat(printed.text()).isEqualTo(ANSWER + "\n");
        List<FakeOpenAi.SentText> sent = openAi.sentTexts();
        assertThat(sent).as("the request did not stream").isEmpty();
        assertThat(openAi.lastRequest().isStream()).isFalse();
        assertThat(printed.writes().get(0).text()).startsWith(ANSWER);
    }

    @Test
    void textBeforeAToolCallIsShownAndTheAnswerFollowsAfterABlankLine() throws Exception {
        openAi.enqueue(Reply.toolCall("check", "{}").withText("Let me check. "),
                Reply.text("  It is done.\n").inChunksOf(3));

        console(agent(true)).run(new BufferedReader(new StringReader("do it\n")));

        assertThat(printed.text()).isEqualTo("Let me check.\n\nIt is done.\n");
    }

    @Test
    void aNotificationDuringAStreamedReplyWaitsUntilTheReplysLineIsEnded() throws Exception {
        openAi.enqueue(Reply.text("one two three four five").inChunksOf(4).pausedBetweenChunks(Duration.ofMillis(60)));
        ConsoleChannel console = console(agent(true));
        Thread reminder = new Thread(() -> {
            while (printed.writes().isEmpty()) {
                Thread.onSpinWait();
            }
            console.notify("Reminder: stretch");
        });
        reminder.start();

        console.run(new BufferedReader(new StringReader("count\n")));
        reminder.join(5_000);

        assertThat(printed.text()).isEqualTo("one two three four five\nReminder: stretch\n");
    }

    private ConsoleChannel console(Agent agent) {
        return new ConsoleChannel(agent, new CommandRouter(List::of), "console",
                new PrintStream(printed, true, StandardCharsets.UTF_8), false);
    }

    private Agent agent(boolean streamReplies) {
        List<LlmProvider> providers = List.of(new LoopbackOpenAiProvider("openai"));
        Config config = Config.of(Map.of("OPENAI_API_KEY", "sk-console-stream-1", "OPENAI_API_BASE", openAi.baseUrl()));
        return new Agent(new ModelRouter(() -> providers, () -> 1L, config), userId -> "openai/gpt-4o",
                new ToolRegistry(() -> List.of(new Contribution<>("checks", CHECK)), () -> 1L), runner, new InMemoryConversations(),
                new SystemPrompt(HostWorkspace.open(workspace), Clock.systemUTC(), u -> ZoneOffset.UTC, 20_000), 3,
                null, null, ReplyNotice.NONE, streamReplies);
    }

    /** Standard output that remembers when each write reached it. */
    static final class TimedOutput extends OutputStream {

        record Write(String text, long nanoTime) {
        }

        private final ByteArrayOutputStream all = new ByteArrayOutputStream();
        private final List<Write> writes = new CopyOnWriteArrayList<>();

        @Override
        public synchronized void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] bytes, int offset, int length) {
            writes.add(new Write(new String(bytes, offset, length, StandardCharsets.UTF_8), System.nanoTime()));
            all.write(bytes, offset, length);
        }

        List<Write> writes() {
            return writes;
        }

        synchronized String text() {
            return all.toString(StandardCharsets.UTF_8);
        }
    }
}
