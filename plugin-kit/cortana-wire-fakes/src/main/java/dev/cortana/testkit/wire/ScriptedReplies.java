package dev.cortana.testkit.wire;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The replies a fake provider gives, in order: those scripted for the request's API key first, then the shared
 * ones. Thread-safe.
 */
final class ScriptedReplies<R> {

    private final Queue<R> shared = new ConcurrentLinkedQueue<>();
    private final Map<String, Queue<R>> byKey = new ConcurrentHashMap<>();

    void enqueue(List<R> replies) {
        shared.addAll(replies);
    }

    void forKey(String apiKey, List<R> replies) {
        byKey.computeIfAbsent(apiKey, k -> new ConcurrentLinkedQueue<>()).addAll(replies);
    }

    /** The next reply for a request carrying {@code apiKey} (may be null), or empty when nothing is scripted. */
    Optional<R> next(String apiKey) {
        Queue<R> own = apiKey == null ? null : byKey.get(apiKey);
        R reply = own == null ? null : own.poll();
        return Optional.ofNullable(reply != null ? reply : shared.poll());
    }
}
