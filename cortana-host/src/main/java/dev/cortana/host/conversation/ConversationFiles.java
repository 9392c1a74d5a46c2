package dev.cortana.host.conversation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cortana.host.workspace.PrivateFiles;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ChatMessageDeserializer;
import dev.langchain4j.data.message.ChatMessageSerializer;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Conversations on disk, one journal per user in {@code WORKSPACE_DIR/.conversation_cache/} ({@code <id>.json}, JSON
 * lines). The first line is a header ({@code {"version":2,"userId":...,"lastActive":...,"summary":...}}); each
 * further line is one message ({@code {"at":<ms>,"message":{...},"tokens":{"o200k_base":12}}}), a later note of
 * token counts ({@code {"counts":{"from":8,"o200k_base":[...]}}}) or a touch ({@code {"at":<ms>}}). A turn appends its
 * new lines and nothing else, so its cost does not grow with the conversation; the file is written whole only when
 * the conversation is replaced (compaction, a merge of users, the first save of an older file), to a temporary file
 * renamed over the old one. A process killed mid-append leaves a torn last line: it is ignored (one log line) and cut
 * off at the next start, and every complete message before it loads. Files of version 1 (one JSON object with all
 * messages) load and are rewritten as a journal at the next save. The saved token counts
 * ({@code -1} or absent for not counted) spare a restart from tokenising every restored history again. The folder is
 * private to Cortana's user (0700) and every file in it 0600 ({@link PrivateFiles}).
 */
public final class ConversationFiles {

    private static final Logger log = LoggerFactory.getLogger(ConversationFiles.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PLAIN_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final int VERSION = 2;
    /**
     * Far above any conversation Cortana keeps (compaction holds one inside the model's window, at most a few MB of
     * text); a larger file is not read.
     */
    static final long MAX_FILE_BYTES = 64L * 1024 * 1024;

    private final Path dir;
    private final TokenCounter tokens;
    /**
     * Per user whose file on disk is a journal holding exactly the messages of the conversation in memory: the index
     * of the first message whose token counts may not be saved yet. A user missing here is written whole next time.
     */
    private final Map<String, Integer> journals = new ConcurrentHashMap<>();
    private final AtomicLong bytesWritten = new AtomicLong();

    /** {@code tokens} supplies the counts written with each conversation and receives those read back. */
    public ConversationFiles(Path dir, TokenCounter tokens) {
        this.dir = dir;
        this.tokens = tokens;
        try {
            PrivateFiles.folder(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the conversation cache folder " + dir, e);
        }
    }

    public Path dir() {
        return dir;
    }

    /** Bytes written to conversation files by this instance so far (appends and whole rewrites). */
    public long bytesWritten() {
        return bytesWritten.get();
    }

    /** The file of {@code userId}: the id itself when it is a plain name (a Discord snowflake), else its hash. */
    public Path fileOf(String userId) {
        String name = PLAIN_ID.matcher(userId).matches() ? userId : "u-" + sha256(userId).substring(0, 32);
        return dir.resolve(name + ".json");
    }

    /**
     * Saves {@code conversation}, whose messages from index {@code from} on are new since the last save of the same
     * conversation: appended to its journal when the file holds the rest, else written whole.
     */
    public void append(Conversation conversation, int from) throws IOException {
        String userId = conversation.userId();
        Integer pending = journals.get(userId);
        Path target = fileOf(userId);
        if (pending == null || pending > from || !Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
            write(conversation);
            return;
        }
        List<ChatMessage> messages = conversation.messages();
        StringBuilder lines = new StringBuilder(1024);
        // Counts of the previous turn's messages, learnt since they were written (the next request counted them).
        Map<String, int[]> later = tokens.knownCounts(messages.subList(pending, from));
        if (!later.isEmpty()) {
            lines.append("{\"counts\":{\"from\":").append(pending);
            for (Map.Entry<String, int[]> counts : later.entrySet()) {
                lines.append(",\"").append(counts.getKey()).append("\":");
                appendArray(lines, counts.getValue());
            }
            lines.append("}}\n");
        }
        long at = conversation.lastActive().toEpochMilli();
        if (from == messages.size()) {
            lines.append("{\"at\":").append(at).append("}\n");
        }
        appendMessages(lines, messages, from, at);
        try (FileChannel out = FileChannel.open(target, StandardOpenOption.WRITE, StandardOpenOption.APPEND,
                LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer bytes = ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8));
            bytesWritten.addAndGet(bytes.remaining());
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
        } catch (IOException e) {
            journals.remove(userId); // the file may now end in a torn line: write it whole next time
            throw e;
        }
        journals.put(userId, from);
    }

    /** Writes {@code conversation} whole and atomically, as a new journal. */
    public void write(Conversation conversation) throws IOException {
        StringBuilder json = new StringBuilder(4096);
        json.append("{\"version\":").append(VERSION)
                .append(",\"userId\":").append(JSON.writeValueAsString(conversation.userId()))
                .append(",\"lastActive\":").append(conversation.lastActive().toEpochMilli())
                .append(",\"summary\":").append(JSON.writeValueAsString(conversation.summary().orElse(null)))
                .append("}\n");
        List<ChatMessage> messages = conversation.messages();
        appendMessages(json, messages, 0, conversation.lastActive().toEpochMilli());
        Path target = fileOf(conversation.userId());
        journals.remove(conversation.userId());
        replace(target, json.toString().getBytes(StandardCharsets.UTF_8));
        // Messages of the last turn may be counted only by the next request: their counts follow with the next append.
        journals.put(conversation.userId(), firstWithoutCounts(messages));
    }

    private void replace(Path target, byte[] content) throws IOException {
        Path temp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.deleteIfExists(temp); // so the file is created anew, private from its first byte
        try (FileChannel out = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PrivateFiles.attribute(temp, PrivateFiles.FILE))) {
            ByteBuffer bytes = ByteBuffer.wrap(content);
            bytesWritten.addAndGet(bytes.remaining());
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
        }
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** One line per message of {@code messages} from {@code from} on, each with the counts known for it. */
    private void appendMessages(StringBuilder out, List<ChatMessage> messages, int from, long at) {
        List<ChatMessage> added = messages.subList(from, messages.size());
        Map<String, int[]> known = tokens.knownCounts(added);
        for (int i = 0; i < added.size(); i++) {
            out.append("{\"at\":").append(at).append(",\"message\":")
                    .append(ChatMessageSerializer.messageToJson(added.get(i)));
            String separator = ",\"tokens\":{";
            for (Map.Entry<String, int[]> counts : known.entrySet()) {
                if (counts.getValue()[i] >= 0) {
                    out.append(separator).append('"').append(counts.getKey()).append("\":").append(counts.getValue()[i]);
                    separator = ",";
                }
            }
            out.append(separator.equals(",") ? "}" : "").append("}\n");
        }
    }

    private int firstWithoutCounts(List<ChatMessage> messages) {
        Map<String, int[]> known = tokens.knownCounts(messages);
        for (int i = 0; i < messages.size(); i++) {
            boolean counted = false;
            for (int[] counts : known.values()) {
                counted |= counts[i] >= 0;
            }
            if (!counted) {
                return i;
            }
        }
        return messages.size();
    }

    private static void appendArray(StringBuilder out, int[] values) {
        out.append('[');
        for (int i = 0; i < values.length; i++) {
            out.append(i == 0 ? "" : ",").append(values[i]);
        }
        out.append(']');
    }

    public void delete(String userId) {
        journals.remove(userId);
        try {
            Files.deleteIfExists(fileOf(userId));
        } catch (IOException e) {
            log.warn("Could not delete the conversation file of user {}: {}", userId, e.toString());
        }
    }

    /**
     * Every readable conversation in the folder. Leftover temporary files are removed; a file that cannot be read is
     * renamed to {@code *.corrupt} with a warning, so it is kept for inspection and never blocks start-up.
     */
    public List<Conversation> readAll() {
        List<Conversation> conversations = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.endsWith(".json.tmp")) {
                    Files.deleteIfExists(file);
                } else if (name.endsWith(".json")) {
                    read(file).ifPresent(conversations::add);
                }
            }
        } catch (IOException e) {
            log.warn("Could not list the conversation cache {}: {}; starting with no saved conversations", dir, e.toString());
        }
        return conversations;
    }

    private Optional<Conversation> read(Path file) {
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                // Reading it could exhaust the heap at every start: set it aside like any unreadable file.
                throw new IOException("larger than " + MAX_FILE_BYTES / (1024 * 1024) + " MB");
            }
            // Decoded leniently: a line torn inside a character must not make the complete lines before it unreadable.
            String content = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
            int firstEnd = content.indexOf('\n');
            JsonNode root = JSON.readTree(firstEnd < 0 ? content : content.substring(0, firstEnd));
            if (root == null || !root.path("userId").isTextual() || !root.path("lastActive").canConvertToLong()) {
                throw new IOException("not a conversation file (userId or lastActive missing)");
            }
            if (root.path("version").asInt() >= 2 && !root.has("messages")) {
                return Optional.of(readJournal(file, root, content, firstEnd));
            }
            if (!root.path("messages").isArray()) {
                throw new IOException("not a conversation file (messages missing)");
            }
            return Optional.of(readVersion1(file, root));
        } catch (IOException | RuntimeException e) {
            setAside(file, e.getMessage());
            return Optional.empty();
        }
    }

    private void setAside(Path file, String why) {
        Path aside = file.resolveSibling(file.getFileName() + ".corrupt");
        log.warn("Conversation file {} is unreadable ({}); moved it to {} and starting that conversation fresh",
                file, why, aside.getFileName());
        try {
            Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException moveFailed) {
            log.warn("Could not move {} aside: {}", file, moveFailed.toString());
        }
    }

    /** A file of version 1: one object with every message and their counts. Rewritten as a journal at its next save. */
    private Conversation readVersion1(Path file, JsonNode root) {
        JsonNode summary = root.path("summary");
        List<ChatMessage> saved = ChatMessageDeserializer.messagesFromJson(root.get("messages").toString());
        List<ChatMessage> messages = MessageCap.apply(saved);
        if (messages == saved) {
            rememberCounts(file, root.path("tokens"), messages);
        } else {
            // A file from before the cap: its counts are those of the uncut messages, so they are counted again.
            log.warn("Conversation file {} holds a message over {} characters; it is cut with a note",
                    file.getFileName(), MessageCap.MAX_CHARS);
        }
        return new Conversation(
                root.get("userId").asText(),
                summary.isTextual() ? Optional.of(summary.asText()) : Optional.empty(),
                messages,
                Instant.ofEpochMilli(root.get("lastActive").asLong()));
    }

    /**
     * A journal: the header, then its lines. A line that cannot be read ends the journal there: when it is the last
     * (a torn append, the mark of a crash) it is cut off with one log line; anywhere else the file is also copied to
     * {@code *.corrupt} for inspection. Everything before it loads either way, and the file is left ending with the
     * last complete line so the next append follows it. Tool calls left at the end without all their results (a turn
     * torn in its middle) are dropped too, since providers refuse a call without its result.
     */
    private Conversation readJournal(Path file, JsonNode header, String content, int headerEnd) throws IOException {
        String userId = header.get("userId").asText();
        Instant lastActive = Instant.ofEpochMilli(header.get("lastActive").asLong());
        List<ChatMessage> messages = new ArrayList<>();
        List<Map<String, Integer>> counts = new ArrayList<>();
        boolean cut = false;
        int end = headerEnd < 0 ? content.length() : headerEnd + 1;
        int good = end; // the end of the last complete line
        String problem = null;
        while (end < content.length()) {
            int next = content.indexOf('\n', end);
            if (next < 0) {
                problem = "a torn last line (" + (content.length() - end) + " bytes without a line end)";
                break;
            }
            try {
                JsonNode line = JSON.readTree(content.substring(end, next));
                if (line == null || !line.isObject()) {
                    throw new IOException("not a journal line");
                }
                if (line.has("at")) {
                    Instant at = Instant.ofEpochMilli(line.get("at").asLong());
                    lastActive = at.isAfter(lastActive) ? at : lastActive;
                }
                if (line.has("message")) {
                    ChatMessage saved = ChatMessageDeserializer.messageFromJson(line.get("message").toString());
                    ChatMessage message = MessageCap.apply(saved);
                    Map<String, Integer> known = new java.util.HashMap<>();
                    if (message == saved) {
                        line.path("tokens").fields().forEachRemaining(e -> known.put(e.getKey(), e.getValue().asInt(-1)));
                    } else {
                        cut = true;
                    }
                    messages.add(message);
                    counts.add(known);
                } else if (line.has("counts")) {
                    JsonNode note = line.get("counts");
                    int from = note.path("from").asInt(-1);
                    note.fields().forEachRemaining(e -> {
                        if (e.getKey().equals("from")) {
                            return;
                        }
                        JsonNode values = e.getValue();
                        boolean fits = from >= 0 && values.isArray() && from + values.size() <= counts.size();
                        for (int i = 0; fits && i < values.size(); i++) {
                            fits = values.get(i).canConvertToInt();
                        }
                        if (!fits) {
                            log.debug("Saved {} token counts in {} do not fit its messages; they will be counted again",
                                    e.getKey(), file.getFileName());
                        }
                        for (int i = 0; fits && i < values.size(); i++) {
                            counts.get(from + i).putIfAbsent(e.getKey(), values.get(i).asInt());
                        }
                    });
                }
            } catch (IOException | RuntimeException e) {
                problem = (next + 1 == content.length() ? "an unreadable last line" : "an unreadable line in its middle")
                        + " (" + e.getMessage() + ")";
                if (next + 1 < content.length()) {
                    Files.copy(file, file.resolveSibling(file.getFileName() + ".corrupt"),
                            StandardCopyOption.REPLACE_EXISTING);
                }
                break;
            }
            end = next + 1;
            good = end;
        }
        int complete = messages.size();
        dropUnansweredToolCalls(messages);
        if (cut) {
            log.warn("Conversation file {} holds a message over {} characters; it is cut with a note",
                    file.getFileName(), MessageCap.MAX_CHARS);
        }
        for (int i = 0; i < messages.size(); i++) {
            for (Map.Entry<String, Integer> count : counts.get(i).entrySet()) {
                tokens.remember(count.getKey(), messages.get(i), count.getValue());
            }
        }
        Conversation conversation = new Conversation(userId,
                header.path("summary").isTextual() ? Optional.of(header.get("summary").asText()) : Optional.empty(),
                messages, lastActive);
        if (problem != null || messages.size() < complete) {
            log.warn("Conversation file {} ends in {}; kept the {} complete message(s) before it{}", file.getFileName(),
                    problem == null ? "tool calls without their results" : problem, messages.size(),
                    messages.size() < complete ? " less " + (complete - messages.size())
                            + " at the end (tool calls without all their results)" : "");
            if (messages.size() < complete) {
                write(conversation);
            } else {
                try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                    out.truncate(content.substring(0, good).getBytes(StandardCharsets.UTF_8).length);
                }
            }
        }
        int firstUncounted = 0;
        while (firstUncounted < counts.size() && firstUncounted < messages.size() && !counts.get(firstUncounted).isEmpty()) {
            firstUncounted++;
        }
        if (headerEnd < 0) {
            journals.remove(userId); // no line end after the header: written whole at the next save
        } else {
            journals.put(userId, Math.min(firstUncounted, messages.size()));
        }
        return conversation;
    }

    /** Removes trailing tool calls (and the results that did arrive) when not every call has its result. */
    private static void dropUnansweredToolCalls(List<ChatMessage> messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i) instanceof AiMessage ai && ai.hasToolExecutionRequests()) {
                if (messages.size() - 1 - i < ai.toolExecutionRequests().size()) {
                    messages.subList(i, messages.size()).clear();
                }
                return;
            }
            if (!(messages.get(i) instanceof ToolExecutionResultMessage)) {
                return;
            }
        }
    }

    /** Saved counts only spare work: ones that do not fit the messages are skipped and counted afresh when needed. */
    private void rememberCounts(Path file, JsonNode saved, List<ChatMessage> messages) {
        Iterator<Map.Entry<String, JsonNode>> encodings = saved.isObject() ? saved.fields() : Collections.emptyIterator();
        while (encodings.hasNext()) {
            Map.Entry<String, JsonNode> encoding = encodings.next();
            JsonNode values = encoding.getValue();
            int[] counts = new int[values.isArray() ? values.size() : 0];
            boolean valid = values.isArray();
            for (int i = 0; valid && i < counts.length; i++) {
                valid = values.get(i).canConvertToInt();
                counts[i] = values.get(i).asInt();
            }
            if (!valid || !tokens.remember(encoding.getKey(), messages, counts)) {
                log.debug("Saved {} token counts in {} do not fit its messages; they will be counted again",
                        encoding.getKey(), file.getFileName());
            }
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
