package dev.cortana.api;

import java.time.Duration;
import java.util.Optional;

/**
 * The API keys of one service a plugin calls (web search, a memory service), rotated and cooled down by the host
 * exactly as it rotates LLM keys: {@code EXA_API_KEY}, {@code EXA_API_KEY_1}, {@code EXA_API_KEY_2}, ... (read through
 * the plugin's {@link PluginSettings}, so the plugin must be allowed to see them) form one pool. The host picks the
 * least-used key that is not resting; the plugin reports how each call went, and a rate-limited key rests for the
 * {@code Retry-After} it was given (60 s when none), a refused key for 5 minutes, and the next {@link #next()} picks
 * another. Usage and rests are saved in the host's usage ledger under the key's fingerprint, never the key, and
 * survive a restart.
 *
 * <pre>{@code
 * ApiKeyPool exa = context.apiKeys("EXA_API_KEY");
 * for (int attempt = 0; attempt < exa.size(); attempt++) {
 *     ApiKeyPool.Key key = exa.next().orElseThrow(() -> new IllegalStateException(exa.unavailableReason()));
 *     HttpResponse<String> answer = http.send(searchRequest(key.value()));
 *     switch (answer.statusCode()) {
 *         case 200 -> { key.succeeded(); return parse(answer.body()); }
 *         case 429 -> key.rateLimited(HostHttp.retryAfter(answer));
 *         case 401, 403 -> key.authFailed();
 *         default -> { key.failed(); throw new IOException("Exa answered HTTP " + answer.statusCode()); }
 *     }
 * }
 * }</pre>
 *
 * <p>Thread-safe. Report each key once per call; a key you never report counts as not used.
 *
 * @since 0.1.0
 */
public interface ApiKeyPool {

    /** The variable the keys are named after ({@code EXA_API_KEY}). */
    String name();

    /** How many keys are configured (0 when none). */
    int size();

    /** A key to use now: the least used one that is not resting; empty when none is configured or all rest. */
    Optional<Key> next();

    /**
     * Why {@link #next()} is empty, in words for the user: which variable to set, or when the first key is free again.
     */
    String unavailableReason();

    /** One key of the pool for one call. Its {@code toString()} shows the fingerprint only. */
    interface Key {

        /** The secret, for the request's header; never log it or put it in a reply. */
        String value();

        /** A stable non-secret name for the key ({@code exa:…a1b2#3f9c2e}), for logs and messages. */
        String fingerprint();

        /** The call worked: counts one use of this key. */
        void succeeded();

        /** HTTP 429: rests this key for {@code retryAfter} (60 s when null). */
        void rateLimited(Duration retryAfter);

        /** The service says this key's quota is used up: rests the key for at least 10 minutes. */
        void quotaExhausted(Duration retryAfter);

        /** HTTP 401 / 403: the key is bad or lacks access; it rests for 5 minutes. */
        void authFailed();

        /** A server error or timeout: rests this key a little (10 s, growing when it repeats). */
        void failed();
    }
}
