package dev.cortana.host.channel.discord;

import dev.cortana.host.agent.ReplyStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import net.dv8tion.jda.api.entities.channel.middleman.MessageChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A reply on Discord while the model writes it: posted once its first sentence (or {@link #FIRST_POST_WAIT_MS} of
 * text) is there, then edited as it grows, at most once per {@link #UPDATE_INTERVAL_MS}; past 2,000 characters it
 * continues in new messages, however many (the {@code reply.md} file is for replies that arrive whole). Each message
 * is cut as {@link ReplySplitter} cuts, and the last one, still being written, has an open code block closed, so every
 * message renders on its own. Updates go out one at a time; text that arrives meanwhile waits for the next.
 */
final class LiveReply implements ReplyStream {

    private static final Logger log = LoggerFactory.getLogger(LiveReply.class);

    /** Discord allows about five edits per 5 s in a channel: one update a second stays well inside. */
    static final long UPDATE_INTERVAL_MS = 1_000;
    /** Text without a finished sentence is posted after this long anyway. */
    static final long FIRST_POST_WAIT_MS = 1_000;
    /** Updates that fail in a row before the reply is given up on. */
    private static final int MAX_FAILED_UPDATES = 4;

    private static final String FENCE = "```";
    private static final Pattern SENTENCE_END = Pattern.compile("[.!?:][\"')\\]*_]*\\s|\\n");

    private final MessageChannel channel;
    private final ScheduledExecutorService timers;
    private final Runnable firstShown;

    // Guarded by this.
    private final StringBuilder text = new StringBuilder();
    private final List<Posted> messages = new ArrayList<>();
    private long firstTextAt;
    private long lastUpdateAt;
    private boolean updating;
    private boolean finished;
    private int failedUpdates;
    private ScheduledFuture<?> scheduled;
    private Runnable done;

    /** @param firstShown runs once, when the first message is posted (the typing indicator stops there) */
    LiveReply(MessageChannel channel, ScheduledExecutorService timers, Runnable firstShown) {
        this.channel = channel;
        this.timers = timers;
        this.firstShown = firstShown;
    }

    /** A message of the reply: its id once Discord created it, and the content it shows. */
    private static final class Posted {
        String id;
        String content;
    }

    @Override
    public synchronized void text(String piece) {
        if (finished) {
            return;
        }
        text.append(piece);
        if (firstTextAt == 0) {
            firstTextAt = System.nanoTime();
        }
        update();
    }

    /** Whether any text arrived (then this reply, not a whole post, shows the answer). */
    synchronized boolean started() {
        return firstTextAt != 0;
    }

    /**
     * The reply is complete: {@code whole} is all of it. The last update goes out (still at most one a second), then
     * {@code done} runs.
     */
    synchronized void finish(String whole, Runnable done) {
        text.setLength(0);
        text.append(whole);
        finished = true;
        this.done = done;
        update();
    }

    /** Sends an update now, or schedules one for when it is due; nothing while one is on its way. */
    private void update() {
        if (updating) {
            return;
        }
        List<String> wanted = render(text.toString());
        if (isShown(wanted)) {
            if (finished) {
                complete();
            }
            return;
        }
        long now = System.nanoTime();
        long due = messages.isEmpty()
                ? (finished || SENTENCE_END.matcher(text).find() ? now : firstTextAt + ms(FIRST_POST_WAIT_MS))
                : lastUpdateAt + ms(UPDATE_INTERVAL_MS);
        if (due - now > 0) {
            if (scheduled == null) {
                scheduled = timers.schedule(this::scheduledUpdate, due - now, TimeUnit.NANOSECONDS);
            }
            return;
        }
        if (scheduled != null) {
            scheduled.cancel(false);
            scheduled = null;
        }
        updating = true;
        lastUpdateAt = now;
        boolean first = messages.isEmpty();
        apply(wanted, 0, first);
    }

    private synchronized void scheduledUpdate() {
        scheduled = null;
        update();
    }

    private boolean isShown(List<String> wanted) {
        if (wanted.size() != messages.size()) {
            return false;
        }
        for (int i = 0; i < wanted.size(); i++) {
            if (messages.get(i).id == null || !wanted.get(i).equals(messages.get(i).content)) {
                return false;
            }
        }
        return true;
    }

    /** Brings message {@code index} and those after it to {@code wanted}, one REST call after the other. */
    private void apply(List<String> wanted, int index, boolean first) {
        if (index == wanted.size()) {
            updated(true, first);
            return;
        }
        String content = wanted.get(index);
        Posted message;
        synchronized (this) {
            if (index < messages.size() && messages.get(index).id != null) {
                message = messages.get(index);
                if (content.equals(message.content)) {
                    apply(wanted, index + 1, first);
                    return;
                }
            } else {
                message = null;
            }
        }
        if (message != null) {
            channel.editMessageById(message.id, content).queue(edited -> {
                synchronized (this) {
                    message.content = content;
                }
                apply(wanted, index + 1, first);
            }, failure -> failed(failure, first));
        } else {
            channel.sendMessage(content).queue(sent -> {
                synchronized (this) {
                    Posted posted = new Posted();
                    posted.id = sent.getId();
                    posted.content = content;
                    if (index < messages.size()) {
                        messages.set(index, posted);
                    } else {
                        messages.add(posted);
                    }
                }
                if (index == 0 && first) {
                    firstShown.run();
                }
                apply(wanted, index + 1, first);
            }, failure -> failed(failure, first));
        }
    }

    private void failed(Throwable failure, boolean first) {
        log.warn("Updating a streamed reply failed: {}", failure.toString());
        updated(false, first);
    }

    private synchronized void updated(boolean ok, boolean first) {
        updating = false;
        failedUpdates = ok ? 0 : failedUpdates + 1;
        if (failedUpdates >= MAX_FAILED_UPDATES) {
            log.error("Giving up on a streamed reply after {} failed updates", failedUpdates);
            finished = true;
            complete();
            return;
        }
        update();
    }

    private void complete() {
        Runnable then = done;
        done = null;
        if (then != null) {
            timers.execute(then);
        }
    }

    /** The messages showing {@code text}: cut as {@link ReplySplitter} cuts, an open code block closed in the last. */
    static List<String> render(String text) {
        List<String> chunks = ReplySplitter.split(text, ReplySplitter.DISCORD_LIMIT - FENCE.length() - 1);
        List<String> rendered = new ArrayList<>(chunks.size());
        for (String chunk : chunks) {
            rendered.add(opensFence(chunk) ? chunk + "\n" + FENCE : chunk);
        }
        return rendered;
    }

    private static boolean opensFence(String chunk) {
        boolean open = false;
        for (String line : chunk.split("\n", -1)) {
            if (line.strip().startsWith(FENCE)) {
                open = !open;
            }
        }
        return open;
    }

    private static long ms(long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }
}
