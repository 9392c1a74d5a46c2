package dev.cortana.host.conversation;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Counts the tokens a list of messages costs. OpenAI models are counted with their real encoding (jtokkit); for
 * other families, whose tokenizers are not public, the count is an estimate that errs high so compaction comes early
 * rather than too late. Exact counts are remembered per message (messages are immutable), so each turn only
 * tokenises what is new. Those counts are also saved with the conversation ({@link #knownCounts}, {@link #remember}),
 * so a restart does not tokenise the whole history again.
 */
public final class TokenCounter {

    /** OpenAI's documented framing cost of one chat message (role and separators). */
    private static final int PER_MESSAGE = 4;
    /**
     * The longest text tokenised exactly; beyond it the rest of the text is estimated. 64K characters cover every tool
     * result ({@code ToolRunner} caps them at 64 KiB) and cost at most ~70 ms even as one run without spaces (jtokkit
     * 1.1 here), counted once per message.
     */
    static final int EXACT_CHARS = 65_536;
    /** Images and other non-text parts: a flat, high guess (a detailed image is 765 tokens at OpenAI). */
    private static final int PER_MEDIA_PART = 1000;

    /** The encodings counted exactly, by their jtokkit name; the index is the slot in a message's counts. */
    private static final List<String> ENCODINGS = List.of(EncodingType.O200K_BASE.getName(), EncodingType.CL100K_BASE.getName());
    /** The slot after the encodings: the estimate for other families, remembered like an exact count (never saved). */
    private static final int ESTIMATE_SLOT = ENCODINGS.size();

    private final EncodingRegistry registry = Encodings.newLazyEncodingRegistry();
    /**
     * Weak keys compare by identity: a message dropped from every conversation drops out of the cache. One slot per
     * encoding, then the estimate. The caches' upkeep after a write runs on the writing thread ({@code
     * executor(Runnable::run)}), not as a task on the common pool: a turn writes a few counts, and waking a pool thread
     * for each cost more than the upkeep itself.
     */
    private final Cache<ChatMessage, int[]> exactCounts = Caffeine.newBuilder().weakKeys().executor(Runnable::run).build();
    /**
     * The system prompt is a new message every turn but its text changes rarely (the files, the minute of "Now"):
     * counting it by text keeps ~2,000 characters of tokenising off every turn.
     */
    private final Cache<String, Integer> systemPromptCounts =
            Caffeine.newBuilder().maximumSize(64).executor(Runnable::run).build();

    /**
     * Reads the tables of {@code modelName}'s encoding now (about half a second for o200k), so the first count does
     * not wait for them; nothing for a model counted by estimate. Safe to call from any thread, alongside counts.
     */
    public void preload(String modelName) {
        encodingFor(modelName).ifPresent(encoding -> encoding.countTokens("preload"));
    }

    /**
     * The tokens {@code messages} cost when sent to {@code modelName} ({@code openai/gpt-4o} or {@code gpt-4o}). A
     * conversation's messages and history keep running totals, so counting them again after a turn costs only the
     * new messages, not the whole history.
     */
    public int count(String modelName, List<ChatMessage> messages) {
        Optional<Encoding> encoding = encodingFor(modelName);
        int slot = encoding.map(e -> ENCODINGS.indexOf(e.getName())).orElse(ESTIMATE_SLOT);
        long total = 3; // every reply is primed with <|start|>assistant<|message|>
        if (messages instanceof Conversation.History history) {
            total += cost(encoding, slot, history.summary) + running(encoding, slot, history.messages);
        } else if (messages instanceof MessageList list) {
            total += running(encoding, slot, list);
        } else {
            for (ChatMessage message : messages) {
                total += cost(encoding, slot, message);
            }
        }
        return (int) Math.min(Integer.MAX_VALUE, total);
    }

    /**
     * The tokens of a request of {@code system}, {@code history} and {@code next}, without copying the history into
     * one list.
     */
    public int countRequest(String modelName, ChatMessage system, List<ChatMessage> history, ChatMessage next) {
        long total = (long) count(modelName, List.of(system, next)) + count(modelName, history) - 3; // priming once
        return (int) Math.min(Integer.MAX_VALUE, total);
    }

    private long cost(Optional<Encoding> encoding, int slot, ChatMessage message) {
        return PER_MESSAGE + cachedCount(encoding, slot, message);
    }

    /** The cost of {@code list} from the running totals of its backing array, extended by the messages not yet in them. */
    private long running(Optional<Encoding> encoding, int slot, MessageList list) {
        MessageList.Backing backing = list.backing;
        int size = list.size();
        synchronized (backing) {
            if (backing.totals == null || backing.totalsOf != this) { // totals are of one counter's counts
                backing.totalsOf = this;
                backing.totals = new long[ESTIMATE_SLOT + 1][];
                backing.totalled = new int[ESTIMATE_SLOT + 1];
            }
            long[] totals = backing.totals[slot];
            if (totals == null) {
                totals = backing.totals[slot] = new long[backing.items.length + 1];
            }
            for (int i = backing.totalled[slot]; i < size; i++) {
                totals[i + 1] = totals[i] + cost(encoding, slot, backing.items[i]);
            }
            backing.totalled[slot] = Math.max(backing.totalled[slot], size);
            return totals[size];
        }
    }

    /** Whether {@code modelName} is counted exactly rather than estimated. */
    public boolean isExact(String modelName) {
        return encodingFor(modelName).isPresent();
    }

    /**
     * The exact counts already known for {@code messages}, per encoding name, one entry per message ({@code -1} where
     * unknown). Encodings with no known count are left out.
     */
    public Map<String, int[]> knownCounts(List<ChatMessage> messages) {
        Map<String, int[]> known = new LinkedHashMap<>();
        for (int slot = 0; slot < ENCODINGS.size(); slot++) {
            int[] counts = new int[messages.size()];
            boolean any = false;
            for (int i = 0; i < counts.length; i++) {
                int[] cached = exactCounts.getIfPresent(messages.get(i));
                counts[i] = cached == null ? -1 : cached[slot];
                any |= counts[i] >= 0;
            }
            if (any) {
                known.put(ENCODINGS.get(slot), counts);
            }
        }
        return known;
    }

    /**
     * Takes {@code counts} (one per message, {@code -1} for unknown) as the exact counts of {@code messages} in
     * {@code encodingName}, as saved by {@link #knownCounts}. Returns false, remembering nothing, for an encoding this
     * counter does not know or counts that do not match the messages.
     */
    public boolean remember(String encodingName, List<ChatMessage> messages, int[] counts) {
        int slot = ENCODINGS.indexOf(encodingName);
        if (slot < 0 || counts.length != messages.size()) {
            return false;
        }
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] >= 0) {
                exactCounts.get(messages.get(i), TokenCounter::unknownCounts)[slot] = counts[i];
            }
        }
        return true;
    }

    /** The count of {@code message} in {@code slot}, tokenised (or estimated) once per message and then remembered. */
    private int cachedCount(Optional<Encoding> encoding, int slot, ChatMessage message) {
        int[] counts = exactCounts.get(message, TokenCounter::unknownCounts);
        if (counts[slot] < 0) {
            counts[slot] = count(encoding, message);
        }
        return counts[slot];
    }

    /**
     * Takes {@code count} as the exact count of {@code message} in {@code encodingName} (one saved with it). Returns
     * false for an encoding this counter does not know.
     */
    public boolean remember(String encodingName, ChatMessage message, int count) {
        int slot = ENCODINGS.indexOf(encodingName);
        if (slot < 0 || count < 0) {
            return false;
        }
        exactCounts.get(message, TokenCounter::unknownCounts)[slot] = count;
        return true;
    }

    private static int[] unknownCounts(ChatMessage message) {
        int[] counts = new int[ESTIMATE_SLOT + 1];
        Arrays.fill(counts, -1);
        return counts;
    }

    private int count(Optional<Encoding> encoding, ChatMessage message) {
        if (message instanceof UserMessage user) {
            int tokens = 0;
            for (Content content : user.contents()) {
                tokens += content instanceof TextContent text ? count(encoding, text.text()) : PER_MEDIA_PART;
            }
            return tokens;
        }
        if (message instanceof AiMessage ai) {
            int tokens = count(encoding, ai.text());
            if (ai.hasToolExecutionRequests()) {
                for (ToolExecutionRequest call : ai.toolExecutionRequests()) {
                    tokens += PER_MESSAGE + count(encoding, call.name()) + count(encoding, call.arguments());
                }
            }
            return tokens;
        }
        if (message instanceof ToolExecutionResultMessage result) {
            return count(encoding, result.toolName()) + count(encoding, result.text());
        }
        if (message instanceof SystemMessage system) {
            String key = encoding.map(Encoding::getName).orElse("estimate") + '\u0000' + system.text();
            return systemPromptCounts.get(key, k -> count(encoding, system.text()));
        }
        return count(encoding, message.toString());
    }

    private static int count(Optional<Encoding> encoding, String text) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        if (encoding.isEmpty()) {
            return estimate(text);
        }
        if (text.length() <= EXACT_CHARS) {
            return encoding.get().countTokensOrdinary(text);
        }
        // Tokenising is superlinear on a long run without spaces (one 15 MB "token" exhausted the heap): count the
        // head exactly and estimate the rest, which errs high.
        int end = Character.isHighSurrogate(text.charAt(EXACT_CHARS - 1)) ? EXACT_CHARS - 1 : EXACT_CHARS;
        long total = (long) encoding.get().countTokensOrdinary(text.substring(0, end)) + estimate(text, end);
        return (int) Math.min(Integer.MAX_VALUE, total);
    }

    /**
     * About one token per three characters of Latin text (real tokenizers average near four) and one per character
     * elsewhere (CJK, emoji), where tokenizers often spend one or more.
     */
    static int estimate(String text) {
        return estimate(text, 0);
    }

    private static int estimate(String text, int from) {
        int ascii = 0;
        int other = 0;
        for (int i = from; i < text.length(); i++) {
            if (text.charAt(i) < 128) {
                ascii++;
            } else {
                other++;
            }
        }
        return (ascii + 2) / 3 + other;
    }

    private Optional<Encoding> encodingFor(String modelName) {
        String name = modelName.toLowerCase(Locale.ROOT);
        int slash = name.indexOf('/');
        if (slash >= 0) {
            String provider = name.substring(0, slash);
            if (!provider.equals("openai")) {
                return Optional.empty();
            }
            name = name.substring(slash + 1);
        }
        if (name.startsWith("gpt-4o") || name.startsWith("gpt-4.1") || name.startsWith("gpt-4.5") || name.startsWith("gpt-5")
                || name.startsWith("chatgpt-") || name.matches("o[1-9].*")) {
            return Optional.of(registry.getEncoding(EncodingType.O200K_BASE));
        }
        if (name.startsWith("gpt-4") || name.startsWith("gpt-3.5")) {
            return Optional.of(registry.getEncoding(EncodingType.CL100K_BASE));
        }
        return Optional.empty();
    }
}
