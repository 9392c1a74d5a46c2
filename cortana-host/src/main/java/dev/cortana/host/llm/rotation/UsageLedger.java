package dev.cortana.host.llm.rotation;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
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
     * The saved records; empty when there is no file yet. A file that cannot be read is moved aside (so nothing is
     * lost) with a warning, and the ledger starts fresh.
     */
    public Map<String, KeyRecord> load() {
        if (!Files.exists(file)) {
            return Map.of();
        }
        try {
            Map<String, KeyRecord> records = json.readValue(file.toFile(), FORMAT);
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
                json.writeValue(temp.toFile(), new TreeMap<>(snapshot.get()));
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
