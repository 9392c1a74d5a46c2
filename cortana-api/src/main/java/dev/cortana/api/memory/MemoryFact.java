package dev.cortana.api.memory;

import java.time.Instant;
import java.util.Objects;

/**
 * One fact a {@link MemoryProvider} knows about a user, as {@code /memory} lists it and the {@code recall} tool returns
 * it.
 *
 * @param id        the provider's own id for the fact, shown in {@code /memory} and accepted by
 *                  {@link MemoryProvider#forget}
 * @param text      the fact in one sentence ({@code "Lives in Porto"})
 * @param learnedAt when the provider learned it
 * @param source    where it came from, for the user ({@code "said on 2026-11-30"}), or {@code ""}
 * @since 0.2.0
 */
public record MemoryFact(String id, String text, Instant learnedAt, String source) {

    public MemoryFact {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(learnedAt, "learnedAt");
        source = source == null ? "" : source;
    }
}
