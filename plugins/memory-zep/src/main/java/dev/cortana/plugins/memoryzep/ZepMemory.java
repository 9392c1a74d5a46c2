package dev.cortana.plugins.memoryzep;

import dev.cortana.api.CortanaContext;
import dev.cortana.api.StatusLines;
import dev.cortana.api.StatusNote;
import dev.cortana.api.memory.MemoryFact;
import dev.cortana.api.memory.MemoryProvider;
import dev.langchain4j.data.message.ChatMessage;
import java.io.IOException;
import java.net.URI;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.pf4j.Extension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Long-term memory on Zep. Each finished turn's messages are written to {@code memory_zep_outbox} first (durable, in
 * order) and sent from there by a background drain, so a reply never waits for Zep and nothing is lost while Zep is
 * away or Cortana restarts; the drain retries with a doubling back-off (2 s up to {@code ZEP_RETRY_MAX_SECONDS}).
 * {@link #context} asks Zep for the thread's context block within {@code ZEP_CONTEXT_TIMEOUT_MS} and returns
 * {@code ""} on timeout or error. One Zep user per Cortana user (same id) with one thread, {@code cortana-<user id>},
 * both created on first use.
 */
@Extension
public final class ZepMemory implements MemoryProvider, StatusLines, StatusNote {

    private static final Logger log = LoggerFactory.getLogger(ZepMemory.class);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(2);
    private static final Duration KEEP_SENT = Duration.ofDays(30);

    private final CortanaContext context;
    private final Optional<String> key;
    private final String baseUrl;
    private final Duration contextTimeout;
    private final Duration maxRetry;
    private final ZepClient zep;
    private final ZepOutbox outbox;
    private final Map<String, String> threads = new ConcurrentHashMap<>();
    private final Map<String, Map<String, String>> forgotten = new ConcurrentHashMap<>();
    private final ReentrantLock draining = new ReentrantLock();
    private final AtomicInteger queued = new AtomicInteger();
    private volatile boolean pending = true;
    private volatile long retryAtNanos = System.nanoTime();
    private volatile Duration backoff = FIRST_RETRY;
    private volatile String lastError;
    private volatile Instant lastErrorAt;
    private volatile Instant lastSentAt;
    private volatile boolean unreachable;

    public ZepMemory(CortanaContext context) {
        this.context = context;
        this.key = context.settings().get("ZEP_API_KEY").map(String::strip).filter(k -> !k.isEmpty());
        this.baseUrl = context.settings().get("ZEP_API_URL", ZepClient.DEFAULT_URL).strip();
        this.contextTimeout = Duration.ofMillis(context.settings().getInt("ZEP_CONTEXT_TIMEOUT_MS", 800, 50, 950));
        this.maxRetry = context.settings().getSeconds("ZEP_RETRY_MAX_SECONDS", 300, 1, 3600);
        try {
            URI parsed = URI.create(baseUrl);
            if (parsed.getScheme() == null || parsed.getHost() == null) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            throw dev.cortana.api.SettingException.invalid("ZEP_API_URL", baseUrl,
                    "an http(s) URL such as " + ZepClient.DEFAULT_URL);
        }
        this.outbox = new ZepOutbox(context.dataSource());
        if (key.isEmpty()) {
            this.zep = null;
            return;
        }
        this.zep = new ZepClient(context.http(), baseUrl, key.get(), Duration.ofSeconds(10));
        try {
            threads.putAll(outbox.knownUsers());
            queued.set(outbox.pendingCount());
        } catch (SQLException e) {
            throw new IllegalStateException("memory-zep cannot read its tables: " + e.getMessage(), e);
        }
        pending = queued.get() > 0;
        context.scheduler().every(Duration.ofSeconds(1), this::drainIfDue);
    }

    @Override
    public String id() {
        return "zep";
    }

    @Override
    public boolean active() {
        return key.isPresent();
    }

    @Override
    public String context(String userId, String message) {
        String thread = threads.get(userId);
        if (zep == null || thread == null) {
            return ""; // no thread yet: Zep knows nothing of this user
        }
        if (unreachable && System.nanoTime() - retryAtNanos < 0) {
            return ""; // Zep is known to be away: don't spend the turn's time finding out again
        }
        try {
            String block = zep.context(thread, contextTimeout);
            unreachable = false;
            return hideForgotten(userId, block);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        } catch (Exception e) {
            failed("context", e);
            return "";
        }
    }

    @Override
    public void learn(String userId, List<ChatMessage> turn) throws SQLException {
        queue(userId, ZepTurns.of(turn, context.clock().instant()));
    }

    /** Queued like a turn (durably, before compaction goes on); messages Zep already has are recognised and skipped. */
    @Override
    public void beforeForget(String userId, List<ChatMessage> messages) throws SQLException {
        queue(userId, ZepTurns.of(messages, null));
    }

    @Override
    public List<MemoryFact> recall(String userId, String query, int limit) throws Exception {
        if (zep == null || limit < 1) {
            return List.of();
        }
        Set<String> hidden = forgottenOf(userId).keySet();
        List<MemoryFact> facts = new ArrayList<>();
        for (ZepClient.Edge edge : zep.search(userId, query, limit + hidden.size())) {
            if (!edge.invalid() && !hidden.contains(edge.uuid()) && facts.size() < limit) {
                facts.add(fact(edge));
            }
        }
        return facts;
    }

    @Override
    public List<MemoryFact> facts(String userId, int limit) throws Exception {
        if (zep == null || limit < 1) {
            return List.of();
        }
        Set<String> hidden = forgottenOf(userId).keySet();
        return zep.userEdges(userId, Math.min(500, limit * 2 + hidden.size())).stream()
                .filter(e -> !e.invalid() && !hidden.contains(e.uuid()))
                .sorted(Comparator.comparing(ZepClient.Edge::createdAt).reversed())
                .limit(limit).map(ZepMemory::fact).toList();
    }

    /** Queued for the user's Zep graph (durably); Zep extracts the fact from it within a minute or so. */
    @Override
    public MemoryFact remember(String userId, String fact) throws Exception {
        if (zep == null) {
            throw new UnsupportedOperationException("Zep memory is off: set ZEP_API_KEY");
        }
        if (fact == null || fact.isBlank()) {
            throw new IllegalArgumentException("Send the fact to remember as one sentence, such as \"I live in Porto\".");
        }
        Instant now = context.clock().instant();
        List<Long> ids = queue(userId, List.of(ZepTurns.fact(fact, now)));
        return new MemoryFact("queued-" + ids.get(0), fact.strip(), now, "sent to Zep, which learns it shortly");
    }

    @Override
    public boolean forget(String userId, String factId) throws Exception {
        if (zep == null || factId == null || factId.isBlank()) {
            return false;
        }
        String id = factId.strip();
        if (id.startsWith("queued-")) {
            long queuedId;
            try {
                queuedId = Long.parseLong(id.substring("queued-".length()));
            } catch (NumberFormatException e) {
                return false;
            }
            draining.lock(); // not while a drain may be sending it: then it is either still queued or on Zep
            try {
                return outbox.dropQueuedFact(userId, queuedId) && queued.decrementAndGet() >= 0;
            } finally {
                draining.unlock();
            }
        }
        // Only a fact of this user's graph: another user's id is "no such fact".
        Optional<ZepClient.Edge> edge = zep.userEdges(userId, 500).stream().filter(e -> e.uuid().equals(id)).findFirst();
        if (edge.isEmpty()) {
            return false;
        }
        outbox.forgotten(userId, id, edge.get().fact());
        forgotten.remove(userId);
        try {
            zep.deleteEdge(id);
        } catch (IOException e) {
            failed("forget", e); // hidden here all the same
        }
        return true;
    }

    @Override
    public String forgetNote() {
        return "Zep keeps the messages it learned this from and may learn it again if you say it again; "
                + "Cortana keeps it out of recall and the prompt.";
    }

    @Override
    public Optional<String> statusNote() {
        if (key.isEmpty()) {
            return Optional.of("inactive: set ZEP_API_KEY to keep long-term memory on Zep"
                    + " (ZEP_API_URL for another Zep server)");
        }
        return baseUrl.equals(ZepClient.DEFAULT_URL) ? Optional.empty()
                : Optional.of("memory on the Zep server at " + URI.create(baseUrl).getHost());
    }

    @Override
    public List<String> statusLines() {
        if (key.isEmpty()) {
            return List.of("no key: set ZEP_API_KEY to use Zep memory");
        }
        List<String> lines = new ArrayList<>();
        int count = queued.get();
        lines.add(count == 0 ? "nothing queued for Zep" : count + (count == 1 ? " message" : " messages")
                + " queued for Zep" + (unreachable ? " (Zep unreachable, retrying)" : ""));
        if (lastSentAt != null) {
            lines.add("last sent: " + lastSentAt);
        }
        if (lastError != null) {
            lines.add("last error: " + lastError + " at " + lastErrorAt);
        }
        lines.add("context timeout: " + contextTimeout.toMillis() + " ms");
        return lines;
    }

    private List<Long> queue(String userId, List<ZepTurns.Queued> items) throws SQLException {
        if (zep == null || items.isEmpty()) {
            return List.of();
        }
        List<Long> ids = outbox.add(userId, items);
        if (!ids.isEmpty()) {
            queued.addAndGet(ids.size());
            pending = true;
            context.scheduler().after(Duration.ZERO, this::drainIfDue);
        }
        return ids;
    }

    /** Sends what is queued, oldest first, unless a drain runs already or the back-off has not passed. */
    void drainIfDue() {
        if (!pending || System.nanoTime() - retryAtNanos < 0 || !draining.tryLock()) {
            return;
        }
        try {
            drain();
        } finally {
            draining.unlock();
        }
    }

    private void drain() {
        try {
            while (true) {
                pending = false;
                List<ZepOutbox.Item> items = outbox.pending(ZepClient.MAX_MESSAGES_PER_CALL);
                if (items.isEmpty()) {
                    outbox.pruneSent(context.clock().instant().minus(KEEP_SENT));
                    queued.set(0);
                    return;
                }
                List<ZepOutbox.Item> batch = leadingRun(items);
                send(batch);
                outbox.markSent(batch, Instant.now());
                queued.set(outbox.pendingCount());
                lastSentAt = Instant.now();
                unreachable = false;
                backoff = FIRST_RETRY;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pending = true;
        } catch (Exception e) {
            pending = true;
            failed("send", e);
        }
    }

    /** The oldest items of one user and kind, in order: one call to Zep. */
    private static List<ZepOutbox.Item> leadingRun(List<ZepOutbox.Item> items) {
        ZepOutbox.Item first = items.get(0);
        List<ZepOutbox.Item> run = new ArrayList<>();
        for (ZepOutbox.Item item : items) {
            if (!item.userId().equals(first.userId()) || !item.kind().equals(first.kind())
                    || (item.kind().equals("fact") && !run.isEmpty())) {
                break;
            }
            run.add(item);
        }
        return run;
    }

    private void send(List<ZepOutbox.Item> batch) throws Exception {
        String userId = batch.get(0).userId();
        String thread = ensureThread(userId);
        try {
            if (batch.get(0).kind().equals("fact")) {
                zep.addData(userId, batch.get(0).content());
            } else {
                zep.addMessages(thread, batch.stream()
                        .map(i -> new ZepClient.Message(i.role(), i.content(), i.createdAt())).toList());
            }
        } catch (ZepClient.ZepException e) {
            if (e.status == 404) {
                // the thread or user was deleted on Zep's side: create them again on the next try
                threads.remove(userId);
                outbox.userGone(userId);
            } else if (!e.transientFailure() && e.status != 401 && e.status != 403) {
                // Zep will never take these (malformed): keep the queue moving, say so once
                log.warn("Zep refused {} queued item(s) of a user; they are dropped: {}", batch.size(), e.getMessage());
                outbox.markSent(batch, Instant.now());
                lastError = e.getMessage();
                lastErrorAt = Instant.now();
                return;
            }
            throw e;
        }
    }

    private String ensureThread(String userId) throws Exception {
        String thread = threads.get(userId);
        if (thread != null) {
            return thread;
        }
        String created = "cortana-" + userId;
        zep.ensureUser(userId);
        zep.ensureThread(created, userId);
        outbox.userCreated(userId, created);
        threads.put(userId, created);
        return created;
    }

    private void failed(String what, Exception e) {
        String message = zep == null ? e.toString() : zep.scrub(describe(e));
        boolean away = !(e instanceof ZepClient.ZepException z) || z.transientFailure();
        lastError = message;
        lastErrorAt = Instant.now();
        if (what.equals("send")) {
            Duration wait = e instanceof ZepClient.ZepException z && z.retryAfter != null && z.retryAfter.compareTo(backoff) > 0
                    ? z.retryAfter : backoff;
            retryAtNanos = System.nanoTime() + wait.toNanos();
            backoff = backoff.multipliedBy(2).compareTo(maxRetry) > 0 ? maxRetry : backoff.multipliedBy(2);
            unreachable = away;
            log.warn("Zep memory: {} queued, retrying in {} s: {}", queued.get(), wait.toSeconds(), message);
        } else {
            if (what.equals("context") && away) {
                // a slow or absent Zep costs one message its wait, not every message until the next try
                long retry = System.nanoTime() + backoff.toNanos();
                if (retry - retryAtNanos > 0) {
                    retryAtNanos = retry;
                }
                unreachable = true;
            }
            log.warn("Zep memory: {} failed: {}", what, message);
        }
    }

    private static String describe(Exception e) {
        if (e instanceof java.net.http.HttpTimeoutException) {
            return "Zep did not answer in time";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private Map<String, String> forgottenOf(String userId) throws SQLException {
        Map<String, String> known = forgotten.get(userId);
        if (known == null) {
            known = outbox.forgottenOf(userId);
            forgotten.put(userId, known);
        }
        return known;
    }

    /** Zep's block without the lines of facts the user told Cortana to forget. */
    private String hideForgotten(String userId, String block) throws SQLException {
        Map<String, String> hidden = forgottenOf(userId);
        if (hidden.isEmpty() || block.isEmpty()) {
            return block;
        }
        return block.lines().filter(line -> hidden.values().stream().noneMatch(line::contains))
                .collect(java.util.stream.Collectors.joining("\n"));
    }

    private static MemoryFact fact(ZepClient.Edge edge) {
        return new MemoryFact(edge.uuid(), edge.fact(), edge.createdAt(), "Zep");
    }
}
