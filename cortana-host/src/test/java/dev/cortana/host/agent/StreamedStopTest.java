package dev.cortana.host.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.api.llm.LlmProvider;
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
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code stop} while a reply streams: what was shown stays, marked as cut, in the reply and in the conversation. */
class StreamedStopTest {

    @TempDir
    Path workspace;

    @Test
    void aStopDuringAStreamedReplyKeepsWhatWasShownMarkedAsCut() {
        InMemoryConversations conversations = new InMemoryConversations();
        try (FakeOpenAi openAi = FakeOpenAi.start(); ToolRunner runner = new ToolRunner(Duration.ofSeconds(5))) {
            openAi.enqueue(Reply.text("alpha beta gamma delta epsilon zeta eta theta").inChunksOf(6)
                    .pausedBetweenChunks(Duration.ofMillis(80)));
            Agent agent = agent(openAi, runner, conversations);
            List<String> shown = new CopyOnWriteArrayList<>();
            AtomicBoolean stop = new AtomicBoolean();

            String reply = agent.reply("console", UserMessage.from("tell me the letters"), stop::get, file -> { },
                    piece -> {
                        shown.add(piece);
                        if (String.join("", shown).length() >= 12) {
                            stop.set(true); // the user types stop while the reply is being written
                        }
                    });

            assertThat(reply).isEqualTo("alpha beta g … (stopped)").isEqualTo(String.join("", shown));
            List<ChatMessage> history = conversations.history("console");
            assertThat(history).hasSize(3); // the time, the user's words, what was shown
            assertThat(history.get(0)).isInstanceOf(UserMessage.class);
            assertThat(((UserMessage) history.get(1)).singleText()).isEqualTo("tell me the letters");
            assertThat(((AiMessage) history.get(2)).text()).isEqualTo("alpha beta g … (stopped)");
        }
    }

    @Test
    void aStopBeforeAnyTextDropsTheTurnAsWithoutStreaming() {
        InMemoryConversations conversations = new InMemoryConversations();
        try (FakeOpenAi openAi = FakeOpenAi.start(); ToolRunner runner = new ToolRunner(Duration.ofSeconds(5))) {
            openAi.enqueue(Reply.text("never shown").delayed(Duration.ofSeconds(3)));
            Agent agent = agent(openAi, runner, conversations);
            List<String> shown = new CopyOnWriteArrayList<>();
            long start = System.nanoTime();
            long stopAt = start + 300_000_000L;

            String reply = agent.reply("console", UserMessage.from("hello"), () -> System.nanoTime() > stopAt,
                    file -> { }, shown::add);

            assertThat(reply).isNull();
            assertThat(shown).isEmpty();
            assertThat(conversations.history("console")).isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        }
    }

    private Agent agent(FakeOpenAi openAi, ToolRunner runner, InMemoryConversations conversations) {
        List<LlmProvider> providers = List.of(new LoopbackOpenAiProvider("openai"));
        Config config = Config.of(Map.of("OPENAI_API_KEY", "sk-stream-stop-1", "OPENAI_API_BASE", openAi.baseUrl()));
        return new Agent(new ModelRouter(() -> providers, () -> 1L, config), userId -> "openai/gpt-4o",
                new ToolRegistry(List::of, () -> 1L), runner, conversations,
                new SystemPrompt(HostWorkspace.open(workspace), Clock.systemUTC(), u -> ZoneOffset.UTC, 20_000), 3,
                null, null, ReplyNotice.NONE, true);
    }
}
