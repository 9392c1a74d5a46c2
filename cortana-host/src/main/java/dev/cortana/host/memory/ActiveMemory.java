package dev.cortana.host.memory;

import dev.cortana.api.memory.MemoryFact;
import dev.cortana.api.memory.MemoryProvider;
import dev.langchain4j.data.message.ChatMessage;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The memory provider in use: the one named by {@code MEMORY_PROVIDER} (if it is active), else the first active
 * provider that is not a fallback, else the first active fallback (the local memory), else none. Every call of the
 * turn is isolated: a failing or slow memory plugin costs the turn its memory context, never the answer.
 */
public final class ActiveMemory {

    private static final Logger log = LoggerFactory.getLogger(ActiveMemory.class);

    private final Supplier<List<MemoryProvider>> providers;
    private final Optional<String> preferred;
    private final ExecutorService executor;
    private final Duration contextTimeout;
    private final java.util.Map<String, CompletableFuture<Void>> learning = new java.util.concurrent.ConcurrentHashMap<>();
    /** The provider last told it is the one in use. */
    private final java.util.concurrent.atomic.AtomicReference<MemoryProvider> selected =
            new java.util.concurrent.atomic.AtomicReference<>();

    public ActiveMemory(Supplier<List<MemoryProvider>> providers, Optional<String> preferred, ExecutorService executor,
                        Duration contextTimeout) {
        this.providers = providers;
        this.preferred = preferred;
        this.executor = executor;
        this.contextTimeout = contextTimeout;
    }

    /** No memory at all. */
    public static ActiveMemory none(ExecutorService executor) {
        return new ActiveMemory(List::of, Optional.empty(), executor, Duration.ofSeconds(1));
    }

    /** Facts for the system prompt about {@code message}, or an empty string. */
    public String context(String userId, String message) {
        Optional<MemoryProvider> provider = provider();
        if (provider.isEmpty()) {
            return "";
        }
        try {
            String context = withinContextTime(() -> provider.get().context(userId, message));
            return context == null ? "" : context.strip();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        } catch (Exception | LinkageError e) {
            log.warn("Memory provider {} gave no context: {}", provider.get().id(), rootCause(e));
            return "";
        }
    }

    /**
     * Hands a finished turn to memory in the background, so the reply does not wait for it. One user's turns reach
     * memory in the order they happened: each waits for the user's previous one (the pool alone may swap two).
     */
    public void learn(String userId, List<ChatMessage> turn) {
        provider().ifPresent(memory -> {
            List<ChatMessage> copy = List.copyOf(turn);
            CompletableFuture<Void> done = new CompletableFuture<>();
            CompletableFuture<Void> previous = learning.put(userId, done);
            Runnable task = () -> {
                try {
                    if (previous != null) {
                        previous.join();
                    }
                    memory.learn(userId, copy);
                } catch (Exception | LinkageError e) {
                    log.warn("Memory provider {} could not learn from a turn: {}", memory.id(), e.toString());
                } finally {
                    done.complete(null);
                    learning.remove(userId, done);
                }
            };
            try {
                executor.execute(task);
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                done.complete(null);
                learning.remove(userId, done);
                log.warn("Memory provider {} missed a turn: Cortana is stopping", memory.id());
            }
        });
    }

    /**
     * Hands messages about to be summarised away to memory and waits for it, so compaction never drops anything
     * memory has not seen. Returns false when memory failed (compaction goes on: the summary still keeps the gist).
     */
    public boolean beforeForget(String userId, List<ChatMessage> messages) {
        Optional<MemoryProvider> provider = provider();
        if (provider.isEmpty() || messages.isEmpty()) {
            return true;
        }
        try {
            provider.get().beforeForget(userId, List.copyOf(messages));
            return true;
        } catch (Exception | LinkageError e) {
            log.warn("Memory provider {} failed before compaction: {}", provider.get().id(), e.toString());
            return false;
        }
    }

    /**
     * The provider in use now, if any (the tools and {@code /memory} are offered only then). A provider that becomes
     * the one in use hears it ({@link MemoryProvider#selected()}) at the first call that picks it: Cortana makes that
     * call right after the plugins start.
     */
    public Optional<MemoryProvider> provider() {
        List<MemoryProvider> available;
        try {
            available = providers.get();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        List<MemoryProvider> active = available.stream().filter(ActiveMemory::isActive).toList();
        Optional<MemoryProvider> chosen = preferred.isPresent()
                ? active.stream().filter(p -> preferred.get().equalsIgnoreCase(p.id())).findFirst()
                : active.stream().filter(p -> !isFallback(p)).findFirst().or(() -> active.stream().findFirst());
        chosen.ifPresent(this::tellSelected);
        return chosen;
    }

    /**
     * Runs the warm-up of the provider in use ({@link MemoryProvider#warmUp()}) on the memory threads, as a message's
     * context would run, waiting for it at most the context's time limit. Returns the provider's id; empty when no
     * provider is in use (nothing ran). Throws what the warm-up threw, or on the time limit.
     */
    public Optional<String> warmUp() throws Exception {
        Optional<MemoryProvider> provider = provider();
        if (provider.isEmpty()) {
            return Optional.empty();
        }
        withinContextTime(() -> {
            provider.get().warmUp();
            return null;
        });
        return Optional.of(provider.get().id());
    }

    /**
     * Runs {@code work} on the memory threads and waits for it at most the context's time limit, cancelling it past
     * that ({@link TimeoutException}); throws what it threw (an {@link Error} comes wrapped in an
     * {@link ExecutionException}).
     */
    private <T> T withinContextTime(Callable<T> work) throws Exception {
        CompletableFuture<T> call = CompletableFuture.supplyAsync(() -> {
            try {
                return work.call();
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        }, executor);
        try {
            return call.get(contextTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } catch (TimeoutException e) {
            call.cancel(true);
            throw e;
        }
    }

    /** Tells a provider once that it is now the one in use (again if another was in use meanwhile). */
    private void tellSelected(MemoryProvider provider) {
        MemoryProvider before = selected.get();
        if (before == provider || !selected.compareAndSet(before, provider)) {
            return;
        }
        try {
            provider.selected();
        } catch (RuntimeException | LinkageError e) {
            log.warn("Memory provider {} failed when it was chosen: {}", provider.id(), e.toString());
        }
    }

    /** The user's facts most relevant to {@code query}, best first. */
    public List<MemoryFact> recall(String userId, String query, int limit) throws Exception {
        return List.copyOf(required().recall(userId, query, limit));
    }

    /** The user's newest facts. */
    public List<MemoryFact> facts(String userId, int limit) throws Exception {
        return List.copyOf(required().facts(userId, limit));
    }

    /** Stores a fact the user asked to be remembered. */
    public MemoryFact remember(String userId, String fact) throws Exception {
        return required().remember(userId, fact);
    }

    /** Forgets one of the user's facts; false when the user has no fact with that id. */
    public boolean forget(String userId, String factId) throws Exception {
        return required().forget(userId, factId);
    }

    /** What the provider says about forgetting ({@code ""} when nothing). */
    public String forgetNote() {
        return provider().map(p -> {
            try {
                String note = p.forgetNote();
                return note == null ? "" : note.strip();
            } catch (RuntimeException | LinkageError e) {
                return "";
            }
        }).orElse("");
    }

    private MemoryProvider required() {
        return provider().orElseThrow(() -> new IllegalStateException(
                "No memory plugin is active: add memory-local to the plugins folder, or set ZEP_API_KEY for Zep."));
    }

    private static boolean isActive(MemoryProvider provider) {
        try {
            return provider.active();
        } catch (RuntimeException | LinkageError e) {
            log.warn("Memory provider {} skipped: active() failed: {}", provider.id(), e.toString());
            return false;
        }
    }

    private static boolean isFallback(MemoryProvider provider) {
        try {
            return provider.fallback();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private static String rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.toString();
    }
}
