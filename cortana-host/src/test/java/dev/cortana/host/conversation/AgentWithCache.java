package dev.cortana.host.conversation;

import dev.cortana.api.llm.LlmProvider;
import dev.cortana.api.llm.ModelClient;
import dev.cortana.api.llm.ModelInfo;
import dev.cortana.api.llm.ModelSetup;
import dev.cortana.api.memory.MemoryProvider;
import dev.cortana.api.tools.ToolProvider;
import dev.cortana.host.agent.Agent;
import dev.cortana.host.config.Config;
import dev.cortana.host.config.ConversationSettings;
import dev.cortana.host.llm.ModelRouter;
import dev.cortana.host.memory.ActiveMemory;
import dev.cortana.host.plugins.Contribution;
import dev.cortana.host.prompt.SystemPrompt;
import dev.cortana.testkit.wire.FakeOpenAi;
import dev.cortana.host.testing.MutableClock;
import dev.cortana.host.tools.ToolRegistry;
import dev.cortana.host.tools.ToolRunner;
import dev.cortana.host.workspace.HostWorkspace;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The real agent, conversation cache and compactor, talking to a loopback OpenAI fake through the real LangChain4j
 * client. The model {@code small-model} has the context window the test chooses; the prompt files are one line each
 * so token budgets in tests are easy to reason about.
 */
final class AgentWithCache implements AutoCloseable {

    static final String MODEL = "openai/small-model";

    final FakeOpenAi openAi = FakeOpenAi.start();
    final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T09:00:00Z"));
    final ConversationCache cache;
    final ConversationCompactor compactor;
    final Agent agent;
    private final ToolRunner runner = new ToolRunner(Duration.ofSeconds(5));
    private final ExecutorService memoryThreads = Executors.newSingleThreadExecutor();

    AgentWithCache(Path dir, int contextWindow, Optional<MemoryProvider> memoryProvider) throws Exception {
        this(dir, contextWindow, memoryProvider, Map.of(), user -> MODEL);
    }

    /**
     * With more host settings ({@code MODEL_LIMITS}, ...) and the model of each user chosen by {@code modelOfUser},
     * as {@code /settings model} chooses it.
     */
    AgentWithCache(Path dir, int contextWindow, Optional<MemoryProvider> memoryProvider, Map<String, String> settingsMore,
                   java.util.function.Function<String, String> modelOfUser) throws Exception {
        Path workspaceDir = dir.resolve("ws");
        Files.createDirectories(workspaceDir);
        for (String name : HostWorkspace.PROMPT_FILES) {
            Files.writeString(workspaceDir.resolve(name), "# " + name);
        }
        HostWorkspace workspace = HostWorkspace.open(workspaceDir);
        ModelRouter models = new ModelRouter(() -> List.of(new SmallModelProvider(contextWindow)), () -> 0L,
                Config.of(config(settingsMore)));
        ConversationSettings settings = new ConversationSettings(Duration.ofMinutes(30), 0.8, 3, 16_384);
        TokenCounter tokens = new TokenCounter();
        cache = ConversationCache.open(new ConversationFiles(workspaceDir.resolve(".conversation_cache"), tokens), clock,
                settings.ttl());
        ActiveMemory memory = new ActiveMemory(() -> memoryProvider.stream().toList(), Optional.empty(), memoryThreads,
                Duration.ofSeconds(5));
        compactor = new ConversationCompactor(cache, models, tokens, memory, settings);
        ToolRegistry tools = new ToolRegistry(() -> List.of(new Contribution<>("test", (ToolProvider) new LookupTools())),
                () -> 0L);
        SystemPrompt prompt = new SystemPrompt(workspace, clock, user -> ZoneOffset.UTC, 20_000);
        agent = new Agent(models, modelOfUser, tools, runner, cache, prompt, 5, compactor, memory);
    }

    private Map<String, String> config(Map<String, String> more) {
        Map<String, String> config = new java.util.HashMap<>(more);
        config.put("OPENAI_API_KEY", "sk-test-compaction-1");
        config.put("OPENAI_API_BASE", openAi.baseUrl());
        return config;
    }

    @Override
    public void close() {
        runner.close();
        memoryThreads.shutdownNow();
        openAi.close();
    }

    private static final class LookupTools implements ToolProvider {
        @Override
        public List<Object> tools() {
            return List.of(new Lookup());
        }
    }

    public static final class Lookup {
        @Tool("Looks up a word")
        public String lookup(String word) {
            return "definition of " + word;
        }
    }

    private static final class SmallModelProvider implements LlmProvider {
        private final int contextWindow;

        SmallModelProvider(int contextWindow) {
            this.contextWindow = contextWindow;
        }

        @Override
        public String id() {
            return "openai";
        }

        @Override
        public ModelClient model(ModelSetup setup) {
            return ModelClient.of(OpenAiChatModel.builder().httpClientBuilder(setup.http()).baseUrl(setup.baseUrl())
                    .apiKey(setup.apiKey()).modelName(setup.modelName()).timeout(setup.requestTimeout()).maxRetries(0)
                    .build());
        }

        @Override
        public List<ModelInfo> catalog() {
            return List.of(new ModelInfo("openai", "small-model", contextWindow, 0));
        }
    }
}
