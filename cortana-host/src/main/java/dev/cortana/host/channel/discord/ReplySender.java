package dev.cortana.host.channel.discord;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import net.dv8tion.jda.api.entities.channel.middleman.MessageChannel;
import net.dv8tion.jda.api.requests.restaction.MessageCreateAction;
import net.dv8tion.jda.api.utils.FileUpload;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts replies into a DM: split at line boundaries into messages of up to 2,000 characters, or, past
 * {@link #MAX_CHUNKS} messages, one short message with the whole reply attached as a Markdown file. Files a tool
 * attached go on the last message. A post that fails is retried a few times with growing pauses (scheduled, no
 * thread waits); Discord's rate limits are JDA's business. With a nonce, part {@code n} carries {@code nonce.n}
 * (JDA always sets {@code enforce_nonce}), so the same message re-sent after a crash is not posted twice.
 */
final class ReplySender {

    private static final Logger log = LoggerFactory.getLogger(ReplySender.class);

    /** More chunks than this and the reply goes as a file: a wall of messages is harder to read than one file. */
    static final int MAX_CHUNKS = 4;

    /** Discord's upload limit for bots without boosts: larger files are named by path instead. */
    static final long MAX_UPLOAD_BYTES = 10L * 1024 * 1024;

    private static final int ATTEMPTS = 4;

    private final ScheduledExecutorService retries;
    private final long firstRetryMillis;

    ReplySender(ScheduledExecutorService retries) {
        this(retries, 1_000);
    }

    ReplySender(ScheduledExecutorService retries, long firstRetryMillis) {
        this.retries = retries;
        this.firstRetryMillis = firstRetryMillis;
    }

    /** Sends {@code reply}; {@code done} runs once every part is posted or given up on. */
    void send(MessageChannel channel, String reply, Runnable done) {
        send(channel, reply, List.of(), null, failure -> done.run());
    }

    /**
     * Sends {@code reply} with {@code files} attached; {@code done} gets empty when every part was posted, else the
     * reason the first part given up on failed.
     */
    void send(MessageChannel channel, String reply, List<Path> files, String nonce, Consumer<Optional<String>> done) {
        List<FileUpload> uploads = new ArrayList<>();
        StringBuilder notes = new StringBuilder();
        List<byte[]> contents = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Path file : files) {
            try {
                long size = Files.size(file);
                if (size > MAX_UPLOAD_BYTES) {
                    notes.append("\n\n(").append(file.getFileName()).append(" is too large to attach, ").append(size)
                            .append(" bytes; it is at ").append(file).append(')');
                    continue;
                }
                contents.add(Files.readAllBytes(file));
                names.add(file.getFileName().toString());
            } catch (IOException e) {
                notes.append("\n\n(").append(file.getFileName()).append(" could not be read to attach.)");
            }
        }
        String text = reply + notes;
        Supplier<List<FileUpload>> attachments = () -> {
            List<FileUpload> fresh = new ArrayList<>(); // an upload is consumed by a post: a retry needs new ones
            for (int i = 0; i < contents.size(); i++) {
                fresh.add(FileUpload.fromData(contents.get(i), names.get(i)));
            }
            return fresh;
        };
        AtomicReference<Optional<String>> firstFailure = new AtomicReference<>(Optional.empty());
        Consumer<Optional<String>> part = failure -> firstFailure.updateAndGet(seen -> seen.isPresent() ? seen : failure);
        List<String> chunks = ReplySplitter.split(text, ReplySplitter.DISCORD_LIMIT);
        if (chunks.size() > MAX_CHUNKS) {
            String summary = firstLine(text) + "\n\n*The full reply (" + text.length()
                    + " characters) is attached as reply.md.*";
            byte[] file = text.getBytes(StandardCharsets.UTF_8);
            post(() -> {
                List<FileUpload> all = new ArrayList<>(attachments.get());
                all.add(0, FileUpload.fromData(file, "reply.md"));
                return withNonce(channel.sendMessage(summary).addFiles(all), nonce, 0);
            }, 1, failure -> {
                part.accept(failure);
                done.accept(firstFailure.get());
            });
            return;
        }
        sendChunk(channel, chunks, 0, attachments, nonce, part, () -> done.accept(firstFailure.get()));
    }

    private void sendChunk(MessageChannel channel, List<String> chunks, int index,
                           Supplier<List<FileUpload>> attachments, String nonce, Consumer<Optional<String>> part,
                           Runnable done) {
        if (index == chunks.size()) {
            done.run();
            return;
        }
        boolean last = index == chunks.size() - 1;
        post(() -> {
            MessageCreateAction action = channel.sendMessage(chunks.get(index));
            if (last) {
                List<FileUpload> files = attachments.get();
                if (!files.isEmpty()) {
                    action = action.addFiles(files);
                }
            }
            return withNonce(action, nonce, index);
        }, 1, failure -> {
            part.accept(failure);
            sendChunk(channel, chunks, index + 1, attachments, nonce, part, done);
        });
    }

    private static MessageCreateAction withNonce(MessageCreateAction action, String nonce, int part) {
        return nonce == null ? action : action.setNonce(nonce + "." + part);
    }

    private void post(Supplier<MessageCreateAction> action, int attempt, Consumer<Optional<String>> next) {
        action.get().queue(sent -> next.accept(Optional.empty()), failure -> {
            if (attempt >= ATTEMPTS) {
                log.error("Giving up on a reply after {} attempts: {}", attempt, failure.toString());
                next.accept(Optional.of("Discord refused it " + attempt + " times: " + failure.getMessage()));
                return;
            }
            long delayMs = firstRetryMillis << (attempt - 1);
            log.warn("Sending a reply failed (attempt {} of {}), retrying in {} ms: {}", attempt, ATTEMPTS, delayMs,
                    failure.toString());
            retries.schedule(() -> post(action, attempt + 1, next), delayMs, TimeUnit.MILLISECONDS);
        });
    }

    private static String firstLine(String reply) {
        String line = reply.strip().lines().findFirst().orElse("");
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }
}
