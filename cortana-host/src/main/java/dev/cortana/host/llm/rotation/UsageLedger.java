package dev.cortana.host.llm.rotation;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.cortana.host.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key usage file ({@code ROTATOR_USAGE_FILE_PATH}): usage and cooldowns per key fingerprint and model, so a
 * restart keeps a resting key resting. Keys appear by fingerprint only, never raw.
 *
 * <p>Saving never happens on the request path: {@link #changed()} only raises a flag, and one background thread
 * writes the newest snapshot (temp file + atomic rename), coalescing a burst of changes into one write.
 */
public final class UsageLedger implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(UsageLedger.class);
    private static final TypeReference<Map<String, KeyRecord>> FORMAT = new TypeReference<>() {
    };

    /** The first field of every ledger file: how Cortana tells its own file from any other at that path. */
    static final String FORMAT_FIELD = "$format";
    static final String FORMAT_MARKER = "cortana-key-usage/1";
    private static final long MAX_FILE_BYTES = 64L * 1024 * 1024;
    /**
     * How every ledger written since the marker begins (the marker is written first), so even a file cut short is
     * known as the ledger's own; a file merely mentioning the marker somewhere (these docs) is not.
     */
    private static final Pattern MARKED_LEDGER_START = Pattern.compile(
            "\\s*\\{\\s*\"\\$format\"\\s*:\\s*\"" + Pattern.quote(FORMAT_MARKER) + "\"");
    /** How a ledger from before the marker begins: an object whose first field is a key fingerprint. */
    private static final Pattern OLDER_LEDGER_START = Pattern.compile("\\s*\\{\\s*\"[^\"\\s:]+:…[^\"]*#[0-9a-f]{6}\"\\s*:");
    private static final ObjectMapper READER = new ObjectMapper();

    private final Path file;
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT);
    private final AtomicBoolean pending = new AtomicBoolean();
    /**
     * Changes within this window share one write: under a burst of requests the file is rewritten a few times a
     * second at most instead of once per request, keeping the writer from competing with requests for CPU.
     */
    private static final long COALESCE_MILLIS = 250;

    private final java.util.concurrent.ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "usage-ledger-writer");
        thread.setDaemon(true);
        return thread;
    });
    private volatile Supplier<Map<String, KeyRecord>> snapshot = Map::of;

    public UsageLedger(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /**
     * The saved records; empty when there is no file yet. A file of the ledger's own that cannot be read (cut short
     * by a crash, say) is moved aside (so nothing is lost) with a warning, and the ledger starts fresh. Any other
     * file at that path is refused ({@link #refuseForeign}): never moved, never overwritten.
     */
    public Map<String, KeyRecord> load() {
        Optional<String> text = refuseForeign(file);
        if (text.isEmpty()) {
            return Map.of();
        }
        try {
            JsonNode root = json.readTree(text.get());
            if (!(root instanceof ObjectNode object)) {
                throw new IOException("not a JSON object");
            }
            object.remove(FORMAT_FIELD);
            Map<String, KeyRecord> records = json.convertValue(object, FORMAT);
            return records == null ? Map.of() : records;
        } catch (IOException | RuntimeException e) {
            Path aside = file.resolveSibling(file.getFileName() + ".corrupt-" + Instant.now().toEpochMilli());
            try {
                Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
                log.warn("Key usage file {} could not be read ({}); moved it to {} and started a fresh ledger",
                        file, e.getClass().getSimpleName(), aside);
            } catch (IOException moveFailed) {
                log.warn("Key usage file {} could not be read ({}) nor moved aside ({}); starting a fresh ledger",
                        file, e.getClass().getSimpleName(), moveFailed.toString());
            }
            return Map.of();
        }
    }

    /**
     * Checks that {@code file} is absent or the ledger's own, and returns its text when it exists. Its own means: it
     * carries the {@value #FORMAT_FIELD} marker (every file written since the marker came), or it is an older ledger
     * (a JSON object of key fingerprints, {@code "openai:…a1b2#3f9c2e": {...}}), whole or cut short, or it is empty
     * (a crash before the first write reached the disk). Anything else (a prompt file, another program's JSON, a
     * folder, a device such as {@code /dev/full}) stops start-up with a {@link ConfigException} naming
     * {@code ROTATOR_USAGE_FILE_PATH}, and is left as it is.
     */
    public static Optional<String> refuseForeign(Path file) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        if (Files.isDirectory(file)) {
            throw foreign(file, "it is a folder");
        }
        if (!Files.isRegularFile(file)) {
            throw foreign(file, "it is not a regular file");
        }
        String text;
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw foreign(file, "it is larger than any key usage file");
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.nio.charset.MalformedInputException e) {
            throw foreign(file, "it is not text");
        } catch (IOException e) {
            throw foreign(file, "it cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        if (text.isBlank() || MARKED_LEDGER_START.matcher(text).lookingAt()
                || OLDER_LEDGER_START.matcher(text).lookingAt()) {
            return Optional.of(text);
        }
        JsonNode root;
        try {
            root = READER.readTree(text);
        } catch (IOException e) {
            throw foreign(file, "it is not JSON");
        }
        if (root instanceof ObjectNode object && object.isEmpty()) {
            return Optional.of(text); // an older ledger that never recorded a key
        }
        throw foreign(file, "it is JSON of another shape");
    }

    private static ConfigException foreign(Path file, String what) {
        return ConfigException.invalid("ROTATOR_USAGE_FILE_PATH", file.toString(), "the key usage file Cortana "
                + "writes (JSON), or a path where it may create one; " + what + ", so Cortana leaves it alone");
    }

    /** Where {@link #changed()} reads the current state from. */
    public void source(Supplier<Map<String, KeyRecord>> snapshot) {
        this.snapshot = snapshot;
    }

    /** Something changed: save soon, off the caller's thread. */
    public void changed() {
        if (pending.compareAndSet(false, true)) {
            try {
                writer.schedule(this::saveNow, COALESCE_MILLIS, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                pending.set(false);
            }
        }
    }

    /** Writes the current state now (temp file + atomic rename). */
    public synchronized void saveNow() {
        pending.set(false);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path temp = Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName() + ".", ".tmp");
            try {
                ObjectNode root = json.createObjectNode();
                root.put(FORMAT_FIELD, FORMAT_MARKER);
                root.setAll((ObjectNode) json.valueToTree(new TreeMap<>(snapshot.get())));
                json.writeValue(temp.toFile(), root);
                try {
                    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException | RuntimeException e) {
            log.warn("Key usage file {} could not be saved: {}", file, e.toString());
        }
    }

    /** Waits for a pending write, then writes the final state. */
    @Override
    public void close() {
        writer.shutdown();
        try {
            writer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        saveNow();
    }
}
