package dev.cortana.host.conversation;

import dev.cortana.host.llm.ModelRouter;
import dev.cortana.host.memory.ActiveMemory;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import java.util.ArrayList;
import java.util.List;
import dev.cortana.host.config.ConversationSettings;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps conversations inside the model's context window: when one passes the threshold, everything before the last
 * few exchanges is handed to memory, summarised by the model, and replaced by that summary. Cuts fall only where a
 * user message starts an exchange, so a tool call is never separated from its result.
 */
public final class ConversationCompactor {

    private static final Logger log = LoggerFactory.getLogger(ConversationCompactor.class);
    private static final int MAX_TOOL_RESULT_CHARS = 2_000;
    private static final String INSTRUCTIONS = """
            Summarise this conversation between the user and you (Cortana, their assistant) for your own later use. \
            Keep facts about the user, decisions, commitments, open tasks and questions, names, dates and times, and \
            results of tool calls that still matter. Drop small talk. Write plain notes, at most 250 words.""";

    private final ConversationCache conversations;
    private final ModelRouter models;
    private final TokenCounter tokens;
    private final ActiveMemory memory;
    private final ConversationSettings settings;
    private final Set<String> unknownWindowsLogged = ConcurrentHashMap.newKeySet();
    /** Merging catalogs and listings for every turn is wasted work: windows change only with a listing or a plugin. */
    private final com.github.benmanes.caffeine.cache.Cache<String, Integer> windows =
            com.github.benmanes.caffeine.cache.Caffeine.newBuilder().expireAfterWrite(java.time.Duration.ofMinutes(1))
                    .maximumSize(256).build();

    public ConversationCompactor(ConversationCache conversations, ModelRouter models, TokenCounter tokens,
                                 ActiveMemory memory, ConversationSettings settings) {
        this.conversations = conversations;
        this.models = models;
        this.tokens = tokens;
        this.memory = memory;
        this.settings = settings;
    }

    /**
     * Compacts the conversation of {@code userId} when the next request (system prompt, history and the new message)
     * would pass the threshold of {@code model}'s context window.
     */
    public Optional<Compaction> compactIfNeeded(String userId, String model, String systemPrompt, ChatMessage next) {
        List<ChatMessage> request = new ArrayList<>();
        request.add(SystemMessage.from(systemPrompt));
        request.addAll(conversations.history(userId));
        request.add(next);
        int used = tokens.count(model, request);
        int limit = (int) (contextWindow(model) * settings.tokenThreshold());
        if (used <= limit) {
            return Optional.empty();
        }
        log.info("Conversation of user {} needs {} tokens, over the {} allowed for {}; compacting", userId, used, limit, model);
        return Optional.of(compact(userId, model, settings.keepRecent()));
    }

    /** Compacts now, keeping the last {@code keepExchanges} exchanges verbatim. Throws when the model call fails. */
    public Compaction compact(String userId, String model, int keepExchanges) {
        Optional<Conversation> current = conversations.current(userId);
        if (current.isEmpty()) {
            return new Compaction(0, 0, 0, 0);
        }
        Conversation conversation = current.get();
        List<ChatMessage> messages = conversation.messages();
        int before = tokens.count(model, conversation.history());
        List<Integer> starts = exchangeStarts(messages);
        int kept = Math.min(keepExchanges, starts.size());
        int cut = kept == 0 ? messages.size() : starts.get(starts.size() - kept);
        if (cut == 0) {
            return new Compaction(before, before, 0, kept);
        }
        List<ChatMessage> older = List.copyOf(messages.subList(0, cut));
        memory.beforeForget(userId, older);
        String summary = summarise(model, conversation.summary(), older);
        conversations.replaceWithSummary(userId, summary, older);
        int after = tokens.count(model, conversations.history(userId));
        log.info("Compacted the conversation of user {}: {} -> {} tokens, {} messages summarised, {} exchanges kept",
                userId, before, after, older.size(), kept);
        return new Compaction(before, after, older.size(), kept);
    }

    /** Exchanges a compaction keeps verbatim ({@code CONVERSATION_KEEP_RECENT}). */
    public int keepRecent() {
        return settings.keepRecent();
    }

    /** Tokens the history of {@code userId} costs for {@code model}. */
    public int historyTokens(String userId, String model) {
        return tokens.count(model, conversations.history(userId));
    }

    /** The context window of {@code model} from the catalog, or the configured default for an unknown model. */
    public int contextWindow(String model) {
        return windows.get(model, this::lookUpContextWindow);
    }

    private int lookUpContextWindow(String model) {
        Optional<Integer> known = models.modelInfo(model).map(info -> info.contextWindow()).filter(window -> window > 0);
        if (known.isPresent()) {
            return known.get();
        }
        if (unknownWindowsLogged.add(model)) {
            log.info("The context window of {} is unknown; assuming {} tokens (CONVERSATION_DEFAULT_CONTEXT_WINDOW)",
                    model, settings.defaultContextWindow());
        }
        return settings.defaultContextWindow();
    }

    private String summarise(String model, Optional<String> previous, List<ChatMessage> older) {
        StringBuilder transcript = new StringBuilder();
        previous.ifPresent(summary -> transcript.append("Summary so far:\n").append(summary).append("\n\n"));
        transcript.append("Conversation:\n");
        for (ChatMessage message : older) {
            render(message, transcript);
        }
        ChatRequest request = ChatRequest.builder()
                .messages(SystemMessage.from(INSTRUCTIONS), UserMessage.from(transcript.toString()))
                .build();
        String summary = models.chat(model, request).aiMessage().text();
        if (summary == null || summary.isBlank()) {
            throw new IllegalStateException("the model returned an empty summary");
        }
        return summary.strip();
    }

    private static void render(ChatMessage message, StringBuilder out) {
        if (message instanceof UserMessage user) {
            out.append("User: ").append(user.hasSingleText() ? user.singleText() : "[non-text message]").append('\n');
        } else if (message instanceof AiMessage ai) {
            if (ai.text() != null && !ai.text().isBlank()) {
                out.append("Cortana: ").append(ai.text()).append('\n');
            }
            if (ai.hasToolExecutionRequests()) {
                for (ToolExecutionRequest call : ai.toolExecutionRequests()) {
                    out.append("Cortana called ").append(call.name()).append(' ').append(call.arguments()).append('\n');
                }
            }
        } else if (message instanceof ToolExecutionResultMessage result) {
            String text = result.text() == null ? "" : result.text();
            if (text.length() > MAX_TOOL_RESULT_CHARS) {
                text = text.substring(0, MAX_TOOL_RESULT_CHARS) + " [...]";
            }
            out.append("Result of ").append(result.toolName()).append(": ").append(text).append('\n');
        }
    }

    /** Indexes where an exchange starts: every user message. */
    static List<Integer> exchangeStarts(List<ChatMessage> messages) {
        List<Integer> starts = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            if (messages.get(i) instanceof UserMessage) {
                starts.add(i);
            }
        }
        return starts;
    }
}
