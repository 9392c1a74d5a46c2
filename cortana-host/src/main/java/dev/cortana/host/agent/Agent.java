package dev.cortana.host.agent;

import dev.cortana.host.conversation.Compaction;
import dev.cortana.host.conversation.ConversationCompactor;
import dev.cortana.host.conversation.ConversationStore;
import dev.cortana.host.conversation.MessageCap;
import dev.cortana.host.llm.LlmUnavailableException;
import dev.cortana.host.llm.ModelRouter;
import dev.cortana.host.memory.ActiveMemory;
import dev.cortana.host.prompt.SystemPrompt;
import dev.cortana.host.tools.ToolRegistry;
import dev.cortana.host.tools.ToolRunner;
import dev.cortana.host.tools.ToolSet;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One message in, one reply out: the conversation so far plus the new message go to the model with the tools of
 * every started plugin; tool calls are run and their results sent back until the model answers in words or the
 * round limit is reached. Turns of one user run one at a time, in arrival order.
 */
public final class Agent {

    private static final Logger log = LoggerFactory.getLogger(Agent.class);

    private final ModelRouter models;
    private final Function<String, String> modelOfUser;
    private final ToolRegistry tools;
    private final ToolRunner runner;
    private final ConversationStore conversations;
    private final SystemPrompt systemPrompt;
    private final int maxToolRounds;
    private final Map<String, ReentrantLock> turnLocks = new ConcurrentHashMap<>();
    private final Optional<ConversationCompactor> compactor;
    private final Optional<ActiveMemory> memory;
    private final ReplyNotice notice;
    private final boolean streamReplies;

    public Agent(ModelRouter models, Function<String, String> modelOfUser, ToolRegistry tools, ToolRunner runner,
                 ConversationStore conversations, SystemPrompt systemPrompt, int maxToolRounds) {
        this(models, modelOfUser, tools, runner, conversations, systemPrompt, maxToolRounds, null, null);
    }

    /** With compaction (threshold, {@code /compact}, context-length retry) and long-term memory. */
    public Agent(ModelRouter models, Function<String, String> modelOfUser, ToolRegistry tools, ToolRunner runner,
                 ConversationStore conversations, SystemPrompt systemPrompt, int maxToolRounds,
                 ConversationCompactor compactor, ActiveMemory memory) {
        this(models, modelOfUser, tools, runner, conversations, systemPrompt, maxToolRounds, compactor, memory,
                ReplyNotice.NONE);
    }

    /** With a sentence appended to every reply while {@code notice} says so (the database is away). */
    public Agent(ModelRouter models, Function<String, String> modelOfUser, ToolRegistry tools, ToolRunner runner,
                 ConversationStore conversations, SystemPrompt systemPrompt, int maxToolRounds,
                 ConversationCompactor compactor, ActiveMemory memory, ReplyNotice notice) {
        this(models, modelOfUser, tools, runner, conversations, systemPrompt, maxToolRounds, compactor, memory, notice,
                true);
    }

    /**
     * @param streamReplies {@code STREAM_REPLIES}: whether a reply given a {@link ReplyStream} streams at all (when
     *                      false the stream gets nothing and the reply comes back whole)
     */
    public Agent(ModelRouter models, Function<String, String> modelOfUser, ToolRegistry tools, ToolRunner runner,
                 ConversationStore conversations, SystemPrompt systemPrompt, int maxToolRounds,
                 ConversationCompactor compactor, ActiveMemory memory, ReplyNotice notice, boolean streamReplies) {
        this.streamReplies = streamReplies;
        this.notice = notice;
        this.compactor = Optional.ofNullable(compactor);
        this.memory = Optional.ofNullable(memory);
        this.models = models;
        this.modelOfUser = modelOfUser;
        this.tools = tools;
        this.runner = runner;
        this.conversations = conversations;
        this.systemPrompt = systemPrompt;
        this.maxToolRounds = maxToolRounds;
    }

    /** Answers {@code text} from {@code userId}. Never throws for model or tool failures: the reply says what went wrong. */
    public String reply(String userId, String text) {
        return reply(userId, text, () -> false);
    }

    /**
     * Like {@link #reply(String, String)}, but gives up between model rounds once {@code cancelled} says so (the user
     * typed {@code stop}): nothing of the turn is kept in the conversation, and the result is null.
     */
    public String reply(String userId, String text, BooleanSupplier cancelled) {
        return reply(userId, UserMessage.from(text), cancelled);
    }

    /** Like {@link #reply(String, String, BooleanSupplier)} for a message with more than text (images from Discord). */
    public String reply(String userId, UserMessage message, BooleanSupplier cancelled) {
        return reply(userId, message, cancelled, file -> { });
    }

    /** Like {@link #reply(String, UserMessage, BooleanSupplier)}; files tools attach to the reply go to {@code filesOut}. */
    public String reply(String userId, UserMessage message, BooleanSupplier cancelled,
                        java.util.function.Consumer<java.nio.file.Path> filesOut) {
        return reply(userId, message, cancelled, filesOut, null);
    }

    /**
     * Like {@link #reply(String, UserMessage, BooleanSupplier, java.util.function.Consumer)}, with the reply's text
     * going to {@code stream} as the model writes it (unless {@code STREAM_REPLIES} is off); see {@link ReplyStream}
     * for what a channel then shows. A stop while text is streaming cancels the model's answer and keeps what was
     * shown, marked as cut, in the reply and in the conversation; a stop before any text drops the turn (null).
     */
    public String reply(String userId, UserMessage message, BooleanSupplier cancelled,
                        java.util.function.Consumer<java.nio.file.Path> filesOut, ReplyStream stream) {
        ReentrantLock lock = turnLocks.computeIfAbsent(userId, k -> new ReentrantLock(true));
        lock.lock();
        try {
            StreamedText streamed = stream == null || !streamReplies ? null : new StreamedText(stream);
            String reply = runTurn(userId, message, cancelled, filesOut, streamed);
            if (reply != null && streamed != null && streamed.started()) {
                notice.current().ifPresent(streamed::after);
                return streamed.shown();
            }
            return reply == null ? null : notice.current().map(sentence -> reply + "\n\n" + sentence).orElse(reply);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Compacts the conversation of {@code userId} now, waiting for a turn in progress to finish. Throws
     * {@link LlmUnavailableException} when the model cannot write the summary.
     */
    public Compaction compact(String userId) {
        if (compactor.isEmpty()) {
            throw new IllegalStateException("compaction is not configured");
        }
        ReentrantLock lock = turnLocks.computeIfAbsent(userId, k -> new ReentrantLock(true));
        lock.lock();
        try {
            return compactor.get().compact(userId, modelOfUser.apply(userId), compactor.get().keepRecent());
        } finally {
            lock.unlock();
        }
    }

    private String runTurn(String userId, UserMessage message, BooleanSupplier cancelled,
                           java.util.function.Consumer<java.nio.file.Path> filesOut, StreamedText streamed) {
        String model = modelOfUser.apply(userId);
        ToolSet toolSet = tools.current();
        List<ChatMessage> turn = new ArrayList<>();
        String text = message.contents().stream().filter(TextContent.class::isInstance)
                .map(c -> ((TextContent) c).text()).collect(java.util.stream.Collectors.joining("\n"));
        String memoryContext = memory.map(m -> m.context(userId, text)).orElse("");
        // The time and what memory recalled go with the message, not into the system prompt: the system prompt and
        // the history stay byte-identical from message to message, so provider prompt caches can serve them. They
        // travel as their own short user message right before the user's, so the user's words reach the model (and
        // the history) unchanged. Every message is kept exactly as it was sent (capped before sending, not after).
        turn.add(UserMessage.from(systemPrompt.messageContext(userId, memoryContext)));
        turn.add(MessageCap.apply(message));
        SystemMessage system = SystemMessage.from(systemPrompt.forUser(userId));
        List<ChatMessage> messages = new ArrayList<>();
        int keptAfterCompaction = -1; // exchanges the last retry compaction kept; -1 before any, 0: nothing left to fold
        int dropped = 0;
        try {
            dropped += compactIfNeeded(userId, model, system, turn.get(1), toolSet); // the context line is a few tokens
            messages.add(system);
            messages.addAll(conversations.history(userId));
            messages.addAll(turn);
            for (int round = 0; ; round++) {
                if (cancelled.getAsBoolean()) {
                    return stopped(userId, turn, streamed, "");
                }
                // The last round still offers the same tools (a different tool list would be a new prompt for the
                // provider's cache) but forbids calling them, so the model has to answer in words.
                boolean toolsOffered = maxToolRounds > 0 && !toolSet.isEmpty();
                boolean toolsAllowed = round < maxToolRounds && toolsOffered;
                ChatRequest.Builder request = ChatRequest.builder().messages(messages);
                if (toolsOffered) {
                    request.toolSpecifications(toolSet.specifications());
                    if (!toolsAllowed) {
                        request.toolChoice(ToolChoice.NONE);
                    }
                }
                ChatResponse response;
                try {
                    if (streamed == null) {
                        response = models.chat(model, request.build());
                    } else {
                        if (dropped > 0) {
                            streamed.preamble(droppedNotice(model));
                        }
                        streamed.newRound();
                        response = models.chatStreaming(model, request.build(), streamed::model, cancelled);
                    }
                } catch (LlmUnavailableException e) {
                    if (!e.isContextLength() || compactor.isEmpty()) {
                        throw e;
                    }
                    if (keptAfterCompaction == 0) {
                        return tooLongEvenCompacted(model);
                    }
                    // Our count was below the limit but the provider disagrees: compact harder and try again, first
                    // keeping the last exchanges, then (if that was not enough) folding those in too.
                    log.info("Model {} reported the conversation of user {} too long; compacting and retrying", model, userId);
                    int keep = keptAfterCompaction < 0 ? compactor.get().keepRecent() : 0;
                    Compaction harder = compactor.get().compact(userId, model, keep);
                    if (!harder.happened() && keep > 0) {
                        harder = compactor.get().compact(userId, model, 0);
                    }
                    keptAfterCompaction = harder.happened() ? harder.keptExchanges() : 0;
                    dropped += harder.droppedMessages();
                    messages.clear();
                    messages.add(system);
                    messages.addAll(conversations.history(userId));
                    messages.addAll(turn);
                    round--;
                    continue;
                }
                AiMessage answer = response.aiMessage();
                if (streamed != null && cancelled.getAsBoolean()) {
                    return stopped(userId, turn, streamed, answer == null || answer.text() == null ? "" : answer.text());
                }
                if (answer == null) {
                    return failed(streamed, "The model sent back nothing. Try again, or switch models with /settings model.");
                }
                if (!toolsAllowed && answer.hasToolExecutionRequests()) {
                    // Tool calls we won't run must not enter the history without results: providers reject that.
                    answer = AiMessage.from(answer.text() == null ? "" : answer.text());
                }
                answer = (AiMessage) MessageCap.apply(answer);
                messages.add(answer);
                turn.add(answer);
                if (toolsAllowed && answer.hasToolExecutionRequests()) {
                    for (ToolExecutionRequest call : answer.toolExecutionRequests()) {
                        String result = runner.run(toolSet, call, userId, filesOut);
                        ChatMessage resultMessage = MessageCap.apply(ToolExecutionResultMessage.from(call, result));
                        messages.add(resultMessage);
                        turn.add(resultMessage);
                    }
                    continue;
                }
                String reply = answer.text();
                if (reply == null || reply.isBlank()) {
                    return failed(streamed, "The model sent back an empty answer. Try again, or switch models with /settings model.");
                }
                if (cancelled.getAsBoolean()) {
                    return stopped(userId, turn, streamed, null);
                }
                conversations.append(userId, turn);
                memory.ifPresent(m -> m.learn(userId, turn));
                if (streamed != null && streamed.started()) {
                    return streamed.shown();
                }
                return dropped == 0 ? reply.strip() : droppedNotice(model) + "\n\n" + reply.strip();
            }
        } catch (LlmUnavailableException e) {
            return failed(streamed, e.getMessage());
        } catch (RuntimeException e) {
            log.error("Turn for user {} failed", userId, e);
            return failed(streamed, "Something went wrong while answering: " + e.getClass().getSimpleName()
                    + ". The details are in Cortana's log; your data is safe.");
        }
    }

    /** A failure in words: after streamed text, it follows what was shown. */
    private static String failed(StreamedText streamed, String message) {
        if (streamed == null || !streamed.started()) {
            return message;
        }
        streamed.after(message);
        return streamed.shown();
    }

    /**
     * The user stopped the turn. Nothing shown yet: nothing of it is kept (null). Text already streamed: it stays,
     * marked as cut, and the turn is kept as far as it went ({@code partial}, the text of the answer being streamed,
     * ends it; null when the last answer is already in {@code turn}), so the conversation holds what the user saw.
     */
    private String stopped(String userId, List<ChatMessage> turn, StreamedText streamed, String partial) {
        if (streamed == null || !streamed.started()) {
            return null;
        }
        streamed.cut();
        if (partial != null) {
            turn.add(AiMessage.from((partial.strip() + StreamedText.CUT).strip()));
        }
        conversations.append(userId, turn);
        return streamed.shown();
    }

    /** Compacts when the next request passes the threshold; returns how many messages were dropped unsummarised. */
    private int compactIfNeeded(String userId, String model, SystemMessage system, ChatMessage next, ToolSet toolSet) {
        if (compactor.isEmpty()) {
            return 0;
        }
        try {
            return compactor.get().compactIfNeeded(userId, model, system.text(), next,
                            maxToolRounds > 0 ? toolSet.specifications() : List.of())
                    .map(Compaction::droppedMessages).orElse(0);
        } catch (RuntimeException e) {
            // The turn may still fit; if it doesn't, the provider's context-length error triggers the retry path.
            log.warn("Compaction for user {} failed; answering with the full history: {}", userId, e.getMessage());
            return 0;
        }
    }

    private static String droppedNotice(String model) {
        return "(The oldest part of our conversation did not fit " + model + "'s context window, even in pieces, so "
                + "I dropped it without a summary; /reset starts a fresh conversation.)";
    }

    private static String tooLongEvenCompacted(String model) {
        return "This message and the summary of our conversation are still too long for " + model + "'s context "
                + "window. Send a shorter message, start fresh with /reset, or switch models with /settings model.";
    }
}
