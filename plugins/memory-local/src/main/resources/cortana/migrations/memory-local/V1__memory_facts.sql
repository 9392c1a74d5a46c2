-- memory-local's facts about each user, with their history: a fact the model updates or deletes is ended (ended_at,
-- ended_how, replaced_by), never overwritten; a fact the user forgets (/memory forget, the forget tool) is deleted
-- together with the facts it replaced.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE IF NOT EXISTS memory_facts (
    id             BIGSERIAL   PRIMARY KEY,
    user_id        TEXT        NOT NULL,
    text           TEXT        NOT NULL CHECK (length(text) BETWEEN 1 AND 500),
    search         tsvector    GENERATED ALWAYS AS (to_tsvector('english', text)) STORED,
    -- all-MiniLM-L6-v2 sentence embedding (384 numbers, unit length); NULL until computed
    embedding      REAL[],
    learned_at     TIMESTAMPTZ NOT NULL,
    -- how it was learned: from a finished turn, from messages about to be compacted, or because the user asked
    origin         TEXT        NOT NULL CHECK (origin IN ('turn', 'compaction', 'asked')),
    -- the user's words it was learned from (the start of the message)
    source_message TEXT        NOT NULL DEFAULT '',
    replaces       BIGINT      REFERENCES memory_facts (id) ON DELETE SET NULL,
    ended_at       TIMESTAMPTZ,
    ended_how      TEXT        CHECK (ended_how IN ('updated', 'deleted')),
    replaced_by    BIGINT      REFERENCES memory_facts (id) ON DELETE SET NULL,
    CHECK ((ended_at IS NULL) = (ended_how IS NULL))
);

CREATE INDEX IF NOT EXISTS memory_facts_current_idx ON memory_facts (user_id, learned_at DESC) WHERE ended_at IS NULL;
CREATE INDEX IF NOT EXISTS memory_facts_search_idx ON memory_facts USING gin (search) WHERE ended_at IS NULL;
CREATE INDEX IF NOT EXISTS memory_facts_trgm_idx ON memory_facts USING gin (text gin_trgm_ops) WHERE ended_at IS NULL;
