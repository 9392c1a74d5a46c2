package dev.cortana.host.services;

import dev.cortana.api.ApiKeyPool;
import dev.cortana.api.PluginSettings;
import dev.cortana.api.llm.LlmCredential;
import dev.cortana.api.llm.LlmFailure;
import dev.cortana.host.llm.rotation.KeyPool;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * A plugin's {@link ApiKeyPool}: its keys in one of the host's {@link KeyPool}s (the LLM keys' selection, cooldowns
 * and ledger), each call's outcome reported as the LLM failover reports a model call's.
 */
final class HostKeyPool implements ApiKeyPool {

    /** The "model" the pool's usage is counted under: a service key serves one API. */
    static final String USE = "api";
    /** Numbered keys looked for: {@code _1} to {@code _50}, gaps allowed (as for LLM keys). */
    static final int MAX_NUMBER = 50;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private final String name;
    private final KeyPool pool;
    private final Clock clock;

    private HostKeyPool(String name, KeyPool pool, Clock clock) {
        this.name = name;
        this.pool = pool;
        this.clock = clock;
    }

    /**
     * The pool of {@code name}, {@code name_1}, {@code name_2}, ... as {@code settings} shows them; {@code pools} makes
     * (or returns) the host pool for a provider name and its keys.
     */
    static HostKeyPool of(String name, PluginSettings settings, BiFunction<String, List<LlmCredential>, KeyPool> pools,
                          Clock clock) {
        if (name == null || !name.matches("[A-Z][A-Z0-9_]*")) {
            throw new IllegalArgumentException("A key pool is named by an upper-case variable such as EXA_API_KEY, got "
                    + name);
        }
        String provider = name.replaceFirst("_API_KEY$", "").replaceFirst("_KEY$", "").toLowerCase(Locale.ROOT);
        Set<String> keys = new LinkedHashSet<>();
        settings.get(name).map(String::strip).filter(k -> !k.isEmpty()).ifPresent(keys::add);
        for (int n = 1; n <= MAX_NUMBER; n++) {
            settings.get(name + "_" + n).map(String::strip).filter(k -> !k.isEmpty()).ifPresent(keys::add);
        }
        List<LlmCredential> credentials = new ArrayList<>();
        for (String key : keys) {
            credentials.add(new LlmCredential(provider, key, Optional.empty()));
        }
        return new HostKeyPool(name, pools.apply(provider, credentials), clock);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int size() {
        return pool.size();
    }

    @Override
    public Optional<Key> next() {
        return pool.select(USE, Set.of(), clock.instant()).map(LeasedKey::new);
    }

    @Override
    public String unavailableReason() {
        if (pool.size() == 0) {
            return "No " + name + " is set: set " + name + " (or " + name + "_1, " + name + "_2, ... for several keys) "
                    + "in the environment or in .env, then restart Cortana.";
        }
        Instant now = clock.instant();
        return pool.nextFree(USE, Set.of(), now).filter(free -> free.isAfter(now))
                .map(free -> "Every " + name + " key is resting after errors or rate limits; the first is free again at "
                        + TIME.format(free) + ".")
                .orElse("A " + name + " key is free now.");
    }

    @Override
    public String toString() {
        return "ApiKeyPool[" + name + ", " + pool.size() + " keys]";
    }

    private final class LeasedKey implements Key {

        private final LlmCredential credential;

        LeasedKey(LlmCredential credential) {
            this.credential = credential;
        }

        @Override public String value() { return credential.apiKey(); }
        @Override public String fingerprint() { return credential.fingerprint(); }

        @Override
        public void succeeded() {
            pool.recordSuccess(credential, USE, 0, 0, clock.instant());
        }

        @Override
        public void rateLimited(Duration retryAfter) {
            fail(LlmFailure.Kind.RATE_LIMIT, retryAfter, "rate limited");
        }

        @Override
        public void quotaExhausted(Duration retryAfter) {
            fail(LlmFailure.Kind.QUOTA, retryAfter, "quota exhausted");
        }

        @Override
        public void authFailed() {
            fail(LlmFailure.Kind.AUTH, null, "key refused");
        }

        @Override
        public void failed() {
            fail(LlmFailure.Kind.TRANSIENT, null, "server error");
        }

        private void fail(LlmFailure.Kind kind, Duration retryAfter, String detail) {
            pool.recordFailure(credential, USE, new LlmFailure(kind, Optional.ofNullable(retryAfter), detail),
                    clock.instant());
        }

        @Override
        public String toString() {
            return "Key[" + credential.fingerprint() + "]";
        }
    }
}
