package dev.cortana.host.conversation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ChatMessageDeserializer;
import dev.langchain4j.data.message.ChatMessageSerializer;
import dev.cortana.host.workspace.PrivateFiles;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Conversations on disk, one JSON file per user in {@code WORKSPACE_DIR/.conversation_cache/}. Every write goes to a
 * temporary file that is then renamed over the old one, so a process killed mid-write leaves the previous turn's
 * file intact rather than half a file. Each file also keeps the exact token counts known for its messages
 * ({@code "tokens": {"o200k_base": [12, 40, -1, ...]}}, one per message, {@code -1} for not counted), so a restart does
 * not tokenise every restored history again; files without them (older versions) load all the same. The folder is
 * private to Cortana's user (0700) and every file in it 0600 ({@link PrivateFiles}).
 */
public final class ConversationFiles {

    private static final Logger log = LoggerFactory.getLogger(ConversationFiles.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PLAIN_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final int VERSION = 1;
    /**
     * Far above any conversation Cortana keeps (compaction holds one inside the model's window, at most a few MB of
     * text); a larger file is not read.
     */
    static final long MAX_FILE_BYTES = 64L * 1024 * 1024;

    private final Path dir;
    private final TokenCounter tokens;

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

    /** The file of {@code userId}: the id itself when it is a plain name (a Discord snowflake), else its hash. */
    public Path fileOf(String userId) {
        String name = PLAIN_ID.matcher(userId).matches() ? userId : "u-" + sha256(userId).substring(0, 32);
        return dir.resolve(name + ".json");
    }

    /** Writes {@code conversation} atomically. */
    public void write(Conversation conversation) throws IOException {
        StringBuilder json = new StringBuilder(4096);
        json.append("{\"version\":").append(VERSION)
                .append(",\"userId\":").append(JSON.writeValueAsString(conversation.userId()))
                .append(",\"lastActive\":").append(conversation.lastActive().toEpochMilli())
                .append(",\"summary\":").append(JSON.writeValueAsString(conversation.summary().orElse(null)))
                .append(",\"messages\":").append(ChatMessageSerializer.messagesToJson(conversation.messages()))
                .append(",\"tokens\":{");
        String separator = "";
        for (Map.Entry<String, int[]> counts : tokens.knownCounts(conversation.messages()).entrySet()) {
            json.append(separator).append('"').append(counts.getKey()).append("\":[");
            int[] perMessage = counts.getValue();
            for (int i = 0; i < perMessage.length; i++) {
                json.append(i == 0 ? "" : ",").append(perMessage[i]);
            }
            json.append(']');
            separator = ",";
        }
        json.append("}}");
        Path target = fileOf(conversation.userId());
        Path temp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.deleteIfExists(temp); // so the file is created anew, private from its first byte
        try (Writer out = new OutputStreamWriter(Channels.newOutputStream(Files.newByteChannel(temp,
                Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), PrivateFiles.attribute(temp,
                        PrivateFiles.FILE))), StandardCharsets.UTF_8)) {
            out.append(json);
        }
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    public void delete(String userId) {
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
            JsonNode root = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
            if (root == null || !root.path("userId").isTextual() || !root.path("lastActive").canConvertToLong()
                    || !root.path("messages").isArray()) {
                throw new IOException("not a conversation file (userId, lastActive or messages missing)");
            }
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
            return Optional.of(new Conversation(
                    root.get("userId").asText(),
                    summary.isTextual() ? Optional.of(summary.asText()) : Optional.empty(),
                    messages,
                    Instant.ofEpochMilli(root.get("lastActive").asLong())));
        } catch (IOException | RuntimeException e) {
            Path aside = file.resolveSibling(file.getFileName() + ".corrupt");
            log.warn("Conversation file {} is unreadable ({}); moved it to {} and starting that conversation fresh",
                    file, e.getMessage(), aside.getFileName());
            try {
                Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException moveFailed) {
                log.warn("Could not move {} aside: {}", file, moveFailed.toString());
            }
            return Optional.empty();
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
