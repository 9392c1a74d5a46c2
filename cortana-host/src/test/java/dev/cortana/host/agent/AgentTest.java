package dev.cortana.host.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cortana.api.llm.LlmProvider;
import dev.cortana.api.llm.ModelClient;
import dev.cortana.api.llm.ModelSetup;
import dev.cortana.api.tools.ToolProvider;
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
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent loop against a loopback OpenAI-compatible server, through the real LangChain4j client. */
class AgentTest {

    @TempDir
    Path workspaceDir;

    private FakeOpenAi openAi;
    private ToolRunner runner;
    private Agent agent;

    public static final class CounterTools implements ToolProvider {
        int calls;

        @Override
        public List<Object> tools() {
            return List.of(this);
        }

        @Tool("Counts")
        public String count() {
            return "count " + (++calls);
        }
    }

    private final CounterTools counter = new CounterTools();

    @BeforeEach
    void start() {
        openAi = FakeOpenAi.start();
        LlmProvider provider = new LlmProvider() {
            @Override public String id() { return "openai"; }
            @Override public boolean ownsModel(String model) { return true; }
            @Override public ModelClient model(ModelSetup setup) {
                return ModelClient.of(OpenAiChatModel.builder().httpClientBuilder(setup.http()).baseUrl(setup.baseUrl())
                        .apiKey(setup.apiKey()).modelName(setup.modelName()).timeout(setup.requestTimeout())
                        .maxRetries(0).build());
            }
        };
        Config config = Config.of(Map.of("OPENAI_API_KEY", "sk-agent-test-1", "OPENAI_API_BASE", openAi.baseUrl()));
        ModelRouter router = new ModelRouter(() -> List.of(provider), () -> 1L, config);
        ToolRegistry tools = new ToolRegistry(() -> List.of(new Contribution<>("counter", counter)), () -> 1L);
        runner = new ToolRunner(Duration.ofSeconds(5));
        SystemPrompt prompt = new SystemPrompt(HostWorkspace.open(workspaceDir), Clock.systemUTC(), u -> ZoneOffset.UTC, 20_000);
        agent = new Agent(router, userId -> "gpt-4o", tools, runner, new InMemoryConversations(), prompt, 3);
    }

    @AfterEach
    void stop() {
        runner.close();
        openAi.close();
    }

    @Test
    void toolResultsGoBackToTheModelUntilItAnswersInWords() {
        openAi.enqueue(Reply.toolCall("count", "{}"), Reply.toolCall("count", "{}"), Reply.text("Counted twice."));

        assertThat(agent.reply("u1", "count twice")).isEqualTo("Counted twice.");
        assertThat(counter.calls).isEqualTo(2);
        assertThat(openAi.chatRequests().get(2).lastToolResult()).isEqualTo("count 2");
    }

    @Test
    void afterTheRoundLimitTheModelMustAnswerWithoutCallingTheToolsItIsStillOffered() {
        openAi.respondWith(request -> request.body().path("tool_choice").asText().equals("none")
                ? Reply.text("I stopped counting.") : Reply.toolCall("count", "{}"));

        assertThat(agent.reply("u1", "count forever")).isEqualTo("I stopped counting.");
        assertThat(counter.calls).isEqualTo(3);
        assertThat(openAi.chatRequests()).hasSize(4);
        assertThat(openAi.chatRequests().get(3).toolNames()).containsExactly("count");
        assertThat(openAi.chatRequests().get(2).body().path("tool_choice").asText()).isNotEqualTo("none");
    }

    @Test
    void theNextMessageCarriesTheConversationSoFar() {
        openAi.enqueue(Reply.text("Hi Ada."), Reply.text("You are Ada."));

        agent.reply("u1", "I am Ada");
        agent.reply("u1", "who am I?");

        assertThat(openAi.chatRequests().get(1).messages())
                .extracting(m -> FakeOpenAi.RecordedRequest.userText(m.path("content").asText()))
                .contains("I am Ada", "Hi Ada.", "who am I?");
    }

    @Test
    void aPassingServerErrorIsRetriedOnTheSameKeyAndAnswered() {
        openAi.enqueue(Reply.serverError(), Reply.text("Back again."));

        assertThat(agent.reply("u1", "hello")).isEqualTo("Back again.");
    }

    @Test
    void aFailingModelGivesAClearReplyWithoutTheKeyAndTheNextMessageWorks() {
        openAi.respondWith(request -> Reply.openAiError(400, "invalid_request_error", "model_not_found",
                "The model does not exist for key sk-agent-test-1"));

        String reply = agent.reply("u1", "hello");

        assertThat(reply).startsWith("The model openai/gpt-4o rejected the request").contains("HTTP 400")
                .contains("The model does not exist").doesNotContain("sk-agent-test-1");
        openAi.respondWith(request -> Reply.text("Back again."));
        assertThat(agent.reply("u1", "hello?")).isEqualTo("Back again.");
    }

    @Test
    void garbageFromTheModelIsReportedNotThrown() {
        openAi.respondWith(request -> Reply.garbage("<html>not json</html>"));

        assertThat(agent.reply("u1", "hello")).startsWith("No openai key could answer with gpt-4o")
                .contains("unreadable answer");
    }

    @Test
    void anEmptyAnswerIsSaidPlainly() {
        openAi.enqueue(Reply.text(""));

        assertThat(agent.reply("u1", "hello")).isEqualTo("The model sent back an empty answer. Try again, or switch models with /settings model.");
    }
}
