package dev.cortana.host.agent;

import dev.cortana.host.conversation.ConversationStore;
import dev.cortana.host.llm.LlmUnavailableException;
import dev.cortana.host.llm.ModelRouter;
import dev.cortana.host.prompt.SystemPrompt;
import dev.cortana.host.tools.ToolRegistry;
import dev.cortana.host.tools.ToolRunner;
import dev.cortana.host.tools.ToolSet;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

    public Agent(ModelRouter models, Function<String, String> modelOfUser, ToolRegistry tools, ToolRunner runner,
                 ConversationStore conversations, SystemPrompt systemPrompt, int maxToolRounds) {
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
        ReentrantLock lock = turnLocks.computeIfAbsent(userId, k -> new ReentrantLock(true));
        lock.lock();
        try {
            return runTurn(userId, message, cancelled);
        } finally {
            lock.unlock();
        }
    }

    private String runTurn(String userId, UserMessage message, BooleanSupplier cancelled) {
        String model = modelOfUser.apply(userId);
        ToolSet toolSet = tools.current();
        List<ChatMessage> turn = new ArrayList<>();
        turn.add(message);
        List<ChatMessage> messages = new ArrayList<>();
        messages.add(SystemMessage.from(systemPrompt.forUser(userId)));
        messages.addAll(conversations.history(userId));
        messages.addAll(turn);
        try {
            for (int round = 0; ; round++) {
                if (cancelled.getAsBoolean()) {
                    return null;
                }
                // The last round offers no tools, so the model has to answer in words.
                boolean toolsAllowed = round < maxToolRounds && !toolSet.isEmpty();
                ChatRequest.Builder request = ChatRequest.builder().messages(messages);
                if (toolsAllowed) {
                    request.toolSpecifications(toolSet.specifications());
                }
                ChatResponse response = models.chat(model, request.build());
                AiMessage answer = response.aiMessage();
                if (answer == null) {
                    return "The model sent back nothing. Try again, or switch models with /settings model.";
                }
                if (!toolsAllowed && answer.hasToolExecutionRequests()) {
                    // Tool calls we won't run must not enter the history without results: providers reject that.
                    answer = AiMessage.from(answer.text() == null ? "" : answer.text());
                }
                messages.add(answer);
                turn.add(answer);
                if (toolsAllowed && answer.hasToolExecutionRequests()) {
                    for (ToolExecutionRequest call : answer.toolExecutionRequests()) {
                        String result = runner.run(toolSet, call, userId);
                        ToolExecutionResultMessage resultMessage = ToolExecutionResultMessage.from(call, result);
                        messages.add(resultMessage);
                        turn.add(resultMessage);
                    }
                    continue;
                }
                String reply = answer.text();
                if (reply == null || reply.isBlank()) {
                    return "The model sent back an empty answer. Try again, or switch models with /settings model.";
                }
                if (cancelled.getAsBoolean()) {
                    return null;
                }
                conversations.append(userId, turn);
                return reply.strip();
            }
        } catch (LlmUnavailableException e) {
            return e.getMessage();
        } catch (RuntimeException e) {
            log.error("Turn for user {} failed", userId, e);
            return "Something went wrong while answering: " + e.getClass().getSimpleName()
                    + ". The details are in Cortana's log; your data is safe.";
        }
    }
}
