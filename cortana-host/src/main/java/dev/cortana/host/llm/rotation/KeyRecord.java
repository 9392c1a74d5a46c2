package dev.cortana.host.llm.rotation;

import java.time.Instant;
import java.util.Map;

/**
 * One key in the ledger file, named by fingerprint only.
 *
 * @param provider         the provider the key belongs to
 * @param keyCooldownUntil a key-wide rest (after 401/403), null when none
 * @param models           usage per model name
 */
public record KeyRecord(String provider, Instant keyCooldownUntil, Map<String, UsageRecord> models) {

    public KeyRecord {
        models = Map.copyOf(models);
    }
}
