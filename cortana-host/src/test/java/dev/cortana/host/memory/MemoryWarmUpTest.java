package dev.cortana.host.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cortana.api.memory.MemoryProvider;
import dev.langchain4j.data.message.ChatMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Only the memory provider in use hears that it is ({@code selected}) and warms up ({@code warmUp}): a loaded
 * provider that is not in use (another comes first, or {@code MEMORY_PROVIDER} names another or {@code none}) is
 * never asked to load or warm anything.
 */
class MemoryWarmUpTest {

    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    @Test
    void theProviderInUseIsToldOnceAndWarmedUpAndTheOthersAreLeftAlone() throws Exception {
        Recording zep = new Recording("zep", true, false);
        Recording local = new Recording("memory-local", true, true);
        Recording unconfigured = new Recording("other", false, false);
        ActiveMemory memory = memory(Optional.empty(), List.of(local, unconfigured, zep));

        memory.provider(); // as Cortana does once the plugins have started
        memory.provider();
        memory.context("alice", "hello");

        assertThat(zep.selected).hasValue(1);
        assertThat(memory.warmUp()).contains("zep");
        assertThat(zep.warmUps).hasValue(1);
        assertThat(local.selected).hasValue(0);
        assertThat(local.warmUps).hasValue(0);
        assertThat(unconfigured.selected).hasValue(0);
        assertThat(unconfigured.warmUps).hasValue(0);
    }

    @Test
    void memoryProviderNamesTheOneThatWarmsUpAndNoneMeansNobodyDoes() throws Exception {
        Recording zep = new Recording("zep", true, false);
        Recording local = new Recording("memory-local", true, true);
        ActiveMemory chosenLocal = memory(Optional.of("memory-local"), List.of(zep, local));
        assertThat(chosenLocal.warmUp()).contains("memory-local");
        assertThat(local.selected).hasValue(1);
        assertThat(local.warmUps).hasValue(1);
        assertThat(zep.selected).hasValue(0);
        assertThat(zep.warmUps).hasValue(0);

        Recording otherLocal = new Recording("memory-local", true, true);
        ActiveMemory none = memory(Optional.of("none"), List.of(otherLocal));
        none.provider();
        assertThat(none.warmUp()).isEmpty();
        assertThat(otherLocal.selected).hasValue(0);
        assertThat(otherLocal.warmUps).hasValue(0);
    }

    @Test
    void aProviderReplacedByAReloadedOneIsToldAgainTheNewOne() {
        Recording before = new Recording("memory-local", true, true);
        Recording reloaded = new Recording("memory-local", true, true);
        List<MemoryProvider> loaded = new ArrayList<>(List.of(before));
        ActiveMemory memory = memory(Optional.empty(), loaded);
        memory.provider();

        loaded.set(0, reloaded); // the plugin's JAR was replaced
        memory.provider();
        memory.provider();

        assertThat(before.selected).hasValue(1);
        assertThat(reloaded.selected).hasValue(1);
    }

    @Test
    void aFailingWarmUpIsReportedToTheCallerAndTheProviderStaysInUse() {
        Recording failing = new Recording("memory-local", true, true) {
            @Override
            public void warmUp() {
                throw new IllegalStateException("the database is away");
            }
        };
        ActiveMemory memory = memory(Optional.empty(), List.of(failing));

        assertThatThrownBy(memory::warmUp).hasMessage("the database is away");
        assertThat(memory.provider()).containsSame(failing);
    }

    private ActiveMemory memory(Optional<String> preferred, List<MemoryProvider> providers) {
        return new ActiveMemory(() -> List.copyOf(providers), preferred, threads, Duration.ofSeconds(5));
    }

    /** A provider that counts how often the host told it it is in use and asked it to warm up. */
    private static class Recording implements MemoryProvider {
        final AtomicInteger selected = new AtomicInteger();
        final AtomicInteger warmUps = new AtomicInteger();
        private final String id;
        private final boolean active;
        private final boolean fallback;

        Recording(String id, boolean active, boolean fallback) {
            this.id = id;
            this.active = active;
            this.fallback = fallback;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public boolean active() {
            return active;
        }

        @Override
        public boolean fallback() {
            return fallback;
        }

        @Override
        public void selected() {
            selected.incrementAndGet();
        }

        @Override
        public void warmUp() throws Exception {
            warmUps.incrementAndGet();
        }

        @Override
        public String context(String userId, String message) {
            return "";
        }

        @Override
        public void learn(String userId, List<ChatMessage> turn) {
        }
    }
}
