package dev.cortana.host.llm;

import dev.cortana.api.llm.LlmProvider;
import dev.cortana.api.llm.ModelSetup;
import dev.cortana.api.llm.ModelInfo;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models each provider offers: its own live listing where it has one (cached, since {@code /settings models}
 * and autocomplete ask often and the answer changes rarely), else its built-in catalog.
 */
final class ModelListings {

    private static final Logger log = LoggerFactory.getLogger(ModelListings.class);
    static final Duration TTL = Duration.ofMinutes(30);

    /** @param live whether the list came from the provider's listing (false: the built-in catalog) */
    record Listing(List<ModelInfo> models, boolean live, Instant fetchedAt) {
    }

    private final Clock clock;
    private final SecretRedactor redactor;
    private final Map<String, Listing> cache = new ConcurrentHashMap<>();

    ModelListings(Clock clock, SecretRedactor redactor) {
        this.clock = clock;
        this.redactor = redactor;
    }

    Listing list(String providerName, LlmProvider provider, Optional<ModelSetup> setup) {
        Listing cached = cache.get(providerName);
        Instant now = clock.instant();
        if (cached != null && cached.fetchedAt().plus(TTL).isAfter(now)) {
            return cached;
        }
        if (setup.isPresent()) {
            try {
                List<ModelInfo> live = provider.listModels(setup.get()).stream()
                        .map(m -> new ModelInfo(providerName, m.name(), m.contextWindow(), m.maxOutputTokens())).toList();
                Listing listing = new Listing(refine(live, catalog(provider, providerName)), true, now);
                cache.put(providerName, listing);
                return listing;
            } catch (Exception | LinkageError e) {
                log.info("Model listing of {} failed, using its catalog: {}", providerName, redactor.redact(e.toString()));
            }
        }
        // A failed listing is not cached: the next ask tries the network again.
        return new Listing(catalog(provider, providerName), false, now);
    }

    /** The cached listing's entry for a model, when a listing ran. */
    Optional<ModelInfo> cached(String providerName, String model) {
        Listing listing = cache.get(providerName);
        return listing == null ? Optional.empty()
                : listing.models().stream().filter(m -> m.name().equals(model)).findFirst();
    }

    static List<ModelInfo> catalog(LlmProvider provider, String providerName) {
        try {
            // A family plugin (openai-compatible) carries entries of several providers: keep this provider's.
            return provider.catalog().stream().filter(m -> m.provider().equals(providerName))
                    .map(m -> new ModelInfo(providerName, m.name(), m.contextWindow(), m.maxOutputTokens())).toList();
        } catch (RuntimeException | LinkageError e) {
            return List.of();
        }
    }

    /** A listing that reports no limits (0) borrows them from the catalog. */
    private static List<ModelInfo> refine(List<ModelInfo> live, List<ModelInfo> catalog) {
        return live.stream().map(m -> {
            if (m.contextWindow() > 0) {
                return m;
            }
            return catalog.stream().filter(c -> c.name().equals(m.name())).findFirst().orElse(m);
        }).toList();
    }
}
