package dev.cortana.host.testing.discord;

import dev.cortana.api.commands.Command;
import dev.cortana.api.llm.LlmProvider;
import dev.cortana.api.llm.ModelClient;
import dev.cortana.api.llm.ModelSetup;
import dev.cortana.host.agent.Agent;
import dev.cortana.api.tools.ToolProvider;
import dev.cortana.host.channel.discord.AttachmentInbox;
import dev.cortana.host.channel.discord.DiscordChannel;
import dev.cortana.host.plugins.Contribution;
import dev.cortana.host.channel.discord.DiscordSettings;
import dev.cortana.host.commands.CommandRouter;
import dev.cortana.host.commands.ResetCommand;
import dev.cortana.host.config.Config;
import dev.cortana.host.conversation.InMemoryConversations;
import dev.cortana.host.llm.ModelRouter;
import dev.cortana.host.prompt.SystemPrompt;
import dev.cortana.host.tools.ToolRegistry;
import dev.cortana.host.tools.ToolRunner;
import dev.cortana.host.workspace.HostWorkspace;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * The real agent and the real Discord channel, connected through JDA to a {@link FakeDiscord}, with a model that
 * answers through {@link #answer} (by default: "You said: ..."). Every user message the model saw is in
 * {@link #modelInputs()}.
 */
public final class DiscordTestBot implements AutoCloseable {

    private final List<String> modelInputs = new CopyOnWriteArrayList<>();
    private volatile Function<String, String> answer = said -> "You said: " + said;
    private volatile Function<List<ChatMessage>, AiMessage> responder = messages -> null;
    private final InMemoryConversations conversations = new InMemoryConversations();
    private final DiscordChannel channel;
    private final List<Command> commands = new CopyOnWriteArrayList<>();

    public DiscordTestBot(FakeDiscord discord, Path workspace, List<Command> extraCommands) {
        this(discord, workspace, extraCommands, DiscordSettings.DEFAULT_TYPING_REFRESH);
    }

    /** With the typing indicator renewed every {@code typingRefresh} instead of Discord's usual 8 s. */
    public DiscordTestBot(FakeDiscord discord, Path workspace, List<Command> extraCommands, Duration typingRefresh) {
        this(discord.apiBaseUrl(), discord.gatewayUrl(), workspace, extraCommands, typingRefresh, List.of(), false);
    }

    /**
     * With the tools of {@code toolProviders} (as plugin "test-tools") and, when {@code saveAttachments}, attachments
     * saved under {@code workspace/users/} as Cortana does; {@link #respond} scripts tool calls.
     */
    public DiscordTestBot(FakeDiscord discord, Path workspace, List<ToolProvider> toolProviders,
                          boolean saveAttachments) {
        this(discord.apiBaseUrl(), discord.gatewayUrl(), workspace, List.of(), DiscordSettings.DEFAULT_TYPING_REFRESH,
                toolProviders, saveAttachments);
    }

    /** Against a {@link FakeDiscord} of another JVM. */
    public DiscordTestBot(String apiBaseUrl, String gatewayUrl, Path workspace, List<Command> extraCommands,
                          Duration typingRefresh, List<ToolProvider> toolProviders, boolean saveAttachments) {
        this(apiBaseUrl, gatewayUrl, workspace, extraCommands, typingRefresh, toolProviders, saveAttachments, null);
    }

    /**
     * With the real LangChain4j OpenAI clients (streaming ones for replies) talking to the loopback OpenAI server at
     * {@code openAiBaseUrl} instead of the in-process scripted model: for replies that stream over the wire.
     */
    public static DiscordTestBot streamingFrom(FakeDiscord discord, Path workspace, String openAiBaseUrl) {
        return new DiscordTestBot(discord.apiBaseUrl(), discord.gatewayUrl(), workspace, List.of(),
                DiscordSettings.DEFAULT_TYPING_REFRESH, List.of(), false, openAiBaseUrl);
    }

    private DiscordTestBot(String apiBaseUrl, String gatewayUrl, Path workspace, List<Command> extraCommands,
                           Duration typingRefresh, List<ToolProvider> toolProviders, boolean saveAttachments,
                           String openAiBaseUrl) {
        LlmProvider scripted = new LlmProvider() {
            @Override
            public String id() {
                return "scripted";
            }

            @Override
            public Optional<String> defaultBaseUrl(String providerName) {
                return Optional.of("http://scripted.invalid"); // never dialled: the model below answers in-process
            }

            @Override
            public ModelClient model(ModelSetup setup) {
                return ModelClient.of(new ChatModel() {
                    @Override
                    public ChatResponse doChat(ChatRequest request) {
                        List<ChatMessage> messages = request.messages();
                        String said = !(messages.get(messages.size() - 1) instanceof UserMessage user) ? ""
                                : user.contents().stream().map(c -> c instanceof TextContent t ? t.text()
                                : c instanceof ImageContent i ? "[image " + i.image().mimeType() + " " + i.image().base64Data() + "]" : c.toString())
                                .collect(java.util.stream.Collectors.joining("\n"));
                        // What the user wrote, without the time the host puts before it.
                        said = dev.cortana.testkit.wire.FakeOpenAi.RecordedRequest.userText(said);
                        if (!(messages.get(messages.size() - 1) instanceof UserMessage)) {
                            return ChatResponse.builder().aiMessage(responder.apply(messages)).build();
                        }
                        modelInputs.add(said);
                        AiMessage scripted = responder.apply(messages);
                        return ChatResponse.builder().aiMessage(scripted != null ? scripted
                                : AiMessage.from(answer.apply(said))).build();
                    }
                });
            }
        };
        LlmProvider llm = openAiBaseUrl == null ? scripted : new dev.cortana.host.llm.LoopbackOpenAiProvider("openai");
        Config config = Config.of(openAiBaseUrl == null ? Map.of("SCRIPTED_API_KEY", "sk-scripted-0001")
                : Map.of("OPENAI_API_KEY", "sk-discord-stream-0001", "OPENAI_API_BASE", openAiBaseUrl));
        ModelRouter models = new ModelRouter(() -> List.of(llm), () -> 1L, config);
        ToolRegistry tools = new ToolRegistry(() -> toolProviders.stream()
                .map(provider -> new Contribution<>("test-tools", provider)).toList(), () -> 1L);
        String model = openAiBaseUrl == null ? "scripted/echo" : "openai/gpt-4o";
        Agent agent = new Agent(models, userId -> model, tools,
                new ToolRunner(Duration.ofSeconds(5)), conversations,
                new SystemPrompt(HostWorkspace.open(workspace), Clock.system(ZoneOffset.UTC), user -> ZoneOffset.UTC,
                        20_000), 3);
        commands.add(new ResetCommand(conversations));
        commands.addAll(extraCommands);
        channel = DiscordChannel.connect(new DiscordSettings(FakeDiscord.TOKEN, FakeDiscord.MASTER,
                        Optional.of(apiBaseUrl), Optional.of(gatewayUrl), typingRefresh),
                agent, new CommandRouter(() -> commands), saveAttachments
                        ? new AttachmentInbox(workspace.resolve("users"), tools::acceptedFileTypes) : AttachmentInbox.NONE);
    }

    /**
     * Scripts the model on the whole request: a non-null answer (a tool call, say) wins over {@link #answer}; after a
     * tool result the responder alone answers.
     */
    public void respond(Function<List<ChatMessage>, AiMessage> responder) {
        this.responder = responder;
    }

    /** The conversation the agent keeps, for a {@code MasterConnection} to record into. */
    public InMemoryConversations conversations() {
        return conversations;
    }

    public void answer(Function<String, String> answer) {
        this.answer = answer;
    }

    /** A command appearing while running, as when a plugin JAR is dropped in. */
    public void addCommand(Command command) {
        commands.add(command);
    }

    public List<String> modelInputs() {
        return List.copyOf(modelInputs);
    }

    public List<ChatMessage> history() {
        return conversations.history(FakeDiscord.MASTER);
    }

    public DiscordChannel channel() {
        return channel;
    }

    @Override
    public void close() {
        channel.close();
    }
}
