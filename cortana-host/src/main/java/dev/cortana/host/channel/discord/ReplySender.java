package dev.cortana.host.channel.discord;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import net.dv8tion.jda.api.entities.channel.middleman.MessageChannel;
import net.dv8tion.jda.api.requests.RestAction;
import net.dv8tion.jda.api.utils.FileUpload;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts replies into a DM: split at line boundaries into messages of up to 2,000 characters, or, past
 * {@link #MAX_CHUNKS} messages, one short message with the whole reply attached as a Markdown file. A post that fails
 * is retried a few times with growing pauses (scheduled, no thread waits); Discord's rate limits are JDA's business.
 */
final class ReplySender {

    private static final Logger log = LoggerFactory.getLogger(ReplySender.class);

    /** More chunks than this and the reply goes as a file: a wall of messages is harder to read than one file. */
    static final int MAX_CHUNKS = 4;

    private static final int ATTEMPTS = 4;

    private final ScheduledExecutorService retries;

    ReplySender(ScheduledExecutorService retries) {
        this.retries = retries;
    }

    /** Sends {@code reply}; {@code done} runs once every part is posted or given up on. */
    void send(MessageChannel channel, String reply, Runnable done) {
        List<String> chunks = ReplySplitter.split(reply, ReplySplitter.DISCORD_LIMIT);
        if (chunks.size() > MAX_CHUNKS) {
            String summary = firstLine(reply) + "\n\n*The full reply (" + reply.length()
                    + " characters) is attached as reply.md.*";
            byte[] file = reply.getBytes(StandardCharsets.UTF_8);
            post(() -> channel.sendMessage(summary).addFiles(FileUpload.fromData(file, "reply.md")), 1, done);
            return;
        }
        sendChunk(channel, chunks, 0, done);
    }

    private void sendChunk(MessageChannel channel, List<String> chunks, int index, Runnable done) {
        if (index == chunks.size()) {
            done.run();
            return;
        }
        post(() -> channel.sendMessage(chunks.get(index)), 1, () -> sendChunk(channel, chunks, index + 1, done));
    }

    private void post(Supplier<RestAction<?>> action, int attempt, Runnable next) {
        action.get().queue(sent -> next.run(), failure -> {
            if (attempt >= ATTEMPTS) {
                log.error("Giving up on a reply after {} attempts: {}", attempt, failure.toString());
                next.run();
                return;
            }
            long delayMs = 500L << attempt;
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
