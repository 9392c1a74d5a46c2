package dev.cortana.plugins.memoryzep;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Which messages of a turn go to Zep, and how: the user's words (role {@code user}) and Cortana's answers in words
 * (role {@code assistant}). Skipped: tool calls and their results (file contents, search results, command output are
 * not facts about the user, would flood the user's graph with noise, and may hold what the user never said), the
 * system prompt, images, and the context line the host puts before the user's message (the time and what memory
 * recalled: sending it back would teach Zep its own facts again).
 */
final class ZepTurns {

    /** Zep's limit on one message's content is in this range; longer messages are cut. */
    static final int MAX_CONTENT = 4000;
    private static final String HOST_CONTEXT_PREFIX = "Now: ";

    /** One item to queue; {@code digest} identifies the same exchange and words when handed over again. */
    record Queued(String kind, String role, String content, Instant createdAt, String digest) {
    }

    private ZepTurns() {
    }

    /**
     * The messages of {@code turn} (or of older history at compaction) for Zep, each digested with the context line
     * of its exchange, so the same message handed over twice (after its turn, then before compaction) is queued once.
     */
    static List<Queued> of(List<ChatMessage> messages, Instant createdAt) {
        List<Queued> queued = new ArrayList<>();
        String exchange = "";
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage message = messages.get(i);
            if (message instanceof UserMessage user) {
                String text = text(user);
                boolean contextLine = text.startsWith(HOST_CONTEXT_PREFIX) && i + 1 < messages.size()
                        && messages.get(i + 1) instanceof UserMessage;
                if (contextLine) {
                    exchange = text.lines().findFirst().orElse("");
                    continue;
                }
                add(queued, "user", text, createdAt, exchange);
            } else if (message instanceof AiMessage ai && ai.text() != null && !ai.text().isBlank()) {
                add(queued, "assistant", ai.text(), createdAt, exchange);
            }
        }
        return queued;
    }

    /** A fact the user asked to remember, for the user's graph. */
    static Queued fact(String text, Instant at) {
        return new Queued("fact", "user", cut(text.strip()), at, null);
    }

    private static void add(List<Queued> queued, String role, String text, Instant at, String exchange) {
        String content = cut(text.strip());
        if (content.isEmpty()) {
            return;
        }
        int repeat = 0;
        String digest;
        do { // the same words twice in one exchange are two messages
            digest = digest(exchange + "\n" + role + "\n" + repeat++ + "\n" + content);
        } while (containsDigest(queued, digest));
        queued.add(new Queued("message", role, content, at, digest));
    }

    private static boolean containsDigest(List<Queued> queued, String digest) {
        return queued.stream().anyMatch(q -> digest.equals(q.digest()));
    }

    private static String text(UserMessage message) {
        return message.contents().stream().filter(TextContent.class::isInstance).map(c -> ((TextContent) c).text())
                .collect(Collectors.joining("\n"));
    }

    private static String cut(String text) {
        return text.length() <= MAX_CONTENT ? text : text.substring(0, MAX_CONTENT - 1) + "…";
    }

    private static String digest(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
