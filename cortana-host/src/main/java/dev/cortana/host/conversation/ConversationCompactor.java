package dev.cortana.host.conversation;

import dev.cortana.host.llm.LlmUnavailableException;
import dev.cortana.host.llm.ModelRouter;
import dev.cortana.host.memory.ActiveMemory;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 *
 * <p>The summary requests must fit the window themselves, also right after a switch to a model with a much smaller
 * one: the older messages go to the model in pieces, oldest first, each with the summary so far; what the model still
 * refuses as too long is dropped with a notice, so a conversation can always continue.
 */
public final class ConversationCompactor {

    private static final Logger log = LoggerFactory.getLogger(ConversationCompactor.class);
    private static final int MAX_TOOL_RESULT_CHARS = 2_000;
    /** Refusals ("too long") one compaction takes before it drops what is left rather than asking again. */
    private static final int MAX_REFUSALS = 4;
    /** More characters per token than any real text averages: longer text is cut by length before counting. */
    private static final int MAX_CHARS_PER_TOKEN = 16;
    /** Below this a summary piece is not worth asking for. */
    private static final int MIN_PIECE_TOKENS = 64;
    /** "Summary so far:", "Conversation:" and the line breaks around them. */
    private static final int SUMMARY_OVERHEAD = 16;
    /** What {@link TokenCounter#count} charges for one empty message (reply priming and framing). */
    private static final int EMPTY_MESSAGE_TOKENS = 7;
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
                    .maximumSize(256).executor(Runnable::run).build();

    /**
     * Weak keys compare by identity: a tool list no longer offered drops out. Upkeep on the caller, as for
     * {@link TokenCounter}'s caches.
     */
    private final com.github.benmanes.caffeine.cache.Cache<List<ToolSpecification>, Map<String, Integer>> toolCounts =
            com.github.benmanes.caffeine.cache.Caffeine.newBuilder().weakKeys().executor(Runnable::run).build();

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
     * would pass the threshold of {@code model}'s context window: first keeping the last exchanges verbatim, then,
     * when those alone are still too many (a model with a much smaller window chosen mid-conversation), folding them
     * into the summary too.
     */
    public Optional<Compaction> compactIfNeeded(String userId, String model, String systemPrompt, ChatMessage next) {
        return compactIfNeeded(userId, model, systemPrompt, next, List.of());
    }

    /**
     * Like {@link #compactIfNeeded(String, String, String, ChatMessage)} for a request that also offers
     * {@code tools}, whose definitions take room in the window too (providers count them as prompt tokens).
     */
    public Optional<Compaction> compactIfNeeded(String userId, String model, String systemPrompt, ChatMessage next,
                                                List<ToolSpecification> tools) {
        int limit = (int) (contextWindow(model) * settings.tokenThreshold()) - toolTokens(model, tools);
        int used = requestTokens(userId, model, systemPrompt, next);
        if (used <= limit) {
            return Optional.empty();
        }
        log.info("Conversation of user {} needs {} tokens, over the {} allowed for {}; compacting", userId, used, limit, model);
        Compaction compaction = compact(userId, model, settings.keepRecent());
        if (compaction.keptExchanges() > 0 && requestTokens(userId, model, systemPrompt, next) > limit) {
            log.info("The last {} exchanges of user {} alone pass the {} tokens allowed for {}; summarising them too",
                    compaction.keptExchanges(), userId, limit, model);
            compaction = compaction.then(compact(userId, model, 0));
        }
        return Optional.of(compaction);
    }

    /**
     * What tool definitions cost: their name, description and parameter schema as text (an estimate). Counted once
     * per tool list and model: the list is the same object until a plugin's tools change.
     */
    private int toolTokens(String model, List<ToolSpecification> tools) {
        if (tools.isEmpty()) {
            return 0;
        }
        return toolCounts.get(tools, k -> new ConcurrentHashMap<>()).computeIfAbsent(model, m -> countTools(m, tools));
    }

    private int countTools(String model, List<ToolSpecification> tools) {
        StringBuilder text = new StringBuilder();
        for (ToolSpecification tool : tools) {
            text.append(tool.name()).append(' ').append(tool.description()).append(' ')
                    .append(tool.parameters() == null ? "" : tool.parameters().toString()).append('\n');
        }
        return textTokens(model, text.toString());
    }

    private int requestTokens(String userId, String model, String systemPrompt, ChatMessage next) {
        // The history's running totals count only its new messages; copying it into one request list would not.
        return tokens.countRequest(model, SystemMessage.from(systemPrompt), conversations.history(userId), next);
    }

    /**
     * Compacts now, keeping the last {@code keepExchanges} exchanges verbatim. The older messages are summarised in
     * pieces that each fit {@code model}'s window, oldest first, each piece's request carrying the summary so far;
     * messages the model still refuses as too long are dropped with a notice in the summary
     * ({@link Compaction#droppedMessages()}). Throws when the model call fails for any other reason, leaving the
     * conversation unchanged.
     */
    public Compaction compact(String userId, String model, int keepExchanges) {
        Optional<Conversation> current = conversations.current(userId);
        if (current.isEmpty()) {
            return new Compaction(0, 0, 0, 0, 0);
        }
        Conversation conversation = current.get();
        List<ChatMessage> messages = conversation.messages();
        int before = tokens.count(model, conversation.history());
        List<Integer> starts = exchangeStarts(messages);
        int kept = Math.min(keepExchanges, starts.size());
        int cut = kept == 0 ? messages.size() : starts.get(starts.size() - kept);
        if (cut == 0) {
            return new Compaction(before, before, 0, kept, 0);
        }
        List<ChatMessage> older = List.copyOf(messages.subList(0, cut));
        memory.beforeForget(userId, older);
        Summary summary = summariseInPieces(model, conversation.summary(), older);
        conversations.replaceWithSummary(userId, summary.text(), older);
        int after = tokens.count(model, conversations.history(userId));
        log.info("Compacted the conversation of user {}: {} -> {} tokens, {} messages summarised in {} piece(s), {} "
                        + "dropped unsummarised, {} exchanges kept", userId, before, after,
                older.size() - summary.dropped(), summary.pieces(), summary.dropped(), kept);
        return new Compaction(before, after, older.size(), kept, summary.dropped());
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

    /** The summary text, how many requests wrote it, and how many messages were dropped without one. */
    private record Summary(String text, int pieces, int dropped) {
    }

    /**
     * Summarises {@code older} in pieces that fit the window: each piece is as many of the oldest messages not yet
     * summarised as fit beside the instructions, the summary so far and room for the answer. A tool call and its
     * results stay in one piece whenever they fit together; a message too large for any piece is cut. When the
     * provider still says a piece is too long (its count differs from ours), pieces shrink by half and the piece is
     * tried again, a few times; what is left after that is dropped and the summary says so.
     */
    private Summary summariseInPieces(String model, Optional<String> previous, List<ChatMessage> older) {
        int window = contextWindow(model);
        int budget = pieceBudget(model, window);
        List<Unit> units = units(older);
        String summary = previous.orElse(null);
        int done = 0;
        int pieces = 0;
        int refusals = 0;
        while (done < units.size() && budget >= MIN_PIECE_TOKENS) {
            String carried = summary == null ? null : cut(model, summary, budget / 2);
            int room = budget - (carried == null ? 0 : textTokens(model, carried)) - SUMMARY_OVERHEAD;
            StringBuilder piece = new StringBuilder();
            int used = 0;
            int end = done;
            while (end < units.size()) {
                String unit = units.get(end).text();
                // Far more characters than tokens fit is never counted whole (a 15 MB paste would tokenise for long).
                int cost = unit.length() > (long) room * MAX_CHARS_PER_TOKEN ? Integer.MAX_VALUE - used
                        : textTokens(model, unit) + 1;
                if (cost > room && end == done) {
                    unit = cut(model, unit, room);  // alone larger than any piece: cut, never loop on it
                    cost = room;
                }
                if (used + cost > room) {
                    break;
                }
                piece.append(unit);
                used += cost;
                end++;
            }
            try {
                summary = summarise(model, carried, piece.toString());
                pieces++;
                done = end;
            } catch (LlmUnavailableException e) {
                if (!e.isContextLength()) {
                    throw e;
                }
                refusals++;
                budget /= 2;
                log.warn("Model {} refused a summary piece of about {} tokens as too long (refusal {}); pieces shrink "
                        + "to {} tokens", model, used, refusals, budget);
                if (refusals >= MAX_REFUSALS) {
                    break;
                }
            }
        }
        int dropped = units.subList(done, units.size()).stream().mapToInt(Unit::messages).sum();
        if (dropped > 0) {
            String notice = "[" + dropped + " older message" + (dropped == 1 ? " was" : "s were") + " dropped without "
                    + "a summary: they did not fit " + model + "'s context window.]";
            summary = summary == null ? notice : summary + "\n\n" + notice;
            log.warn("Dropped {} older messages unsummarised: they did not fit {}'s window, even in pieces", dropped, model);
        }
        return new Summary(summary == null ? "" : summary, pieces, dropped);
    }

    /** Prompt tokens one summary request may carry: the window less room for the summary the model writes. */
    private int pieceBudget(String model, int window) {
        int answerRoom = Math.min(1_024, window / 4);
        int instructions = tokens.count(model, List.of(SystemMessage.from(INSTRUCTIONS), UserMessage.from("")));
        // Counts of one text summed piece by piece can drift a little from the count of the joined text.
        return (int) ((window - answerRoom - instructions) * 0.95);
    }

    /** Transcript lines of one or more messages that go into a summary piece together. */
    private record Unit(String text, int messages) {
    }

    /**
     * The older messages rendered as transcript lines, grouped so that an assistant message with tool calls and the
     * results that answer it form one unit.
     */
    private static List<Unit> units(List<ChatMessage> older) {
        List<Unit> units = new ArrayList<>();
        for (int i = 0; i < older.size(); ) {
            StringBuilder unit = new StringBuilder();
            int first = i;
            render(older.get(i++), unit);
            if (older.get(first) instanceof AiMessage ai && ai.hasToolExecutionRequests()) {
                while (i < older.size() && older.get(i) instanceof ToolExecutionResultMessage) {
                    render(older.get(i++), unit);
                }
            }
            units.add(new Unit(unit.toString(), i - first));
        }
        return units;
    }

    private int textTokens(String model, String text) {
        return Math.max(0, tokens.count(model, List.of(UserMessage.from(text))) - EMPTY_MESSAGE_TOKENS);
    }

    /** {@code text} cut to at most {@code maxTokens} (by counting, not guessing), marked as cut. */
    private String cut(String model, String text, int maxTokens) {
        maxTokens = Math.max(1, maxTokens);
        if (text.length() > (long) maxTokens * MAX_CHARS_PER_TOKEN) {
            text = text.substring(0, maxTokens * MAX_CHARS_PER_TOKEN);
        }
        int count = textTokens(model, text);
        if (count <= maxTokens) {
            return text;
        }
        String marker = " [... cut: too long to summarise]\n";
        int limit = Math.max(0, maxTokens - textTokens(model, marker));
        int length = (int) ((long) text.length() * limit / Math.max(1, count));
        String shorter = text.substring(0, Math.max(0, Math.min(text.length(), length)));
        for (int attempt = 0; attempt < 8 && !shorter.isEmpty() && textTokens(model, shorter) > limit; attempt++) {
            shorter = shorter.substring(0, shorter.length() * 9 / 10);
        }
        if (!shorter.isEmpty() && Character.isHighSurrogate(shorter.charAt(shorter.length() - 1))) {
            shorter = shorter.substring(0, shorter.length() - 1);
        }
        return shorter + marker;
    }

    private String summarise(String model, String previous, String piece) {
        StringBuilder transcript = new StringBuilder();
        if (previous != null) {
            transcript.append("Summary so far:\n").append(previous).append("\n\n");
        }
        transcript.append("Conversation:\n").append(piece);
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

    /**
     * Indexes where an exchange starts: every user message that does not follow another one (the time-and-memory
     * context Cortana sends right before the user's words is one exchange with them).
     */
    static List<Integer> exchangeStarts(List<ChatMessage> messages) {
        List<Integer> starts = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            if (messages.get(i) instanceof UserMessage && !(i > 0 && messages.get(i - 1) instanceof UserMessage)) {
                starts.add(i);
            }
        }
        return starts;
    }
}
