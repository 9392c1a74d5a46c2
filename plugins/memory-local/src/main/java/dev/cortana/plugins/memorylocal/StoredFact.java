package dev.cortana.plugins.memorylocal;

import java.time.Instant;

/** A current fact as stored: its row id (the id the user sees), text, when and how it was learned. */
record StoredFact(long id, String text, Instant learnedAt, String origin) {
}
