-- memory-zep: what waits to be sent to Zep (in order, durable across restarts), the users whose Zep user and
-- thread exist, and the facts the user told Cortana to forget (hidden from recall and the prompt).
CREATE TABLE IF NOT EXISTS memory_zep_outbox (
    id          BIGSERIAL PRIMARY KEY,
    user_id     TEXT        NOT NULL,
    kind        TEXT        NOT NULL,            -- message: a thread message; fact: data for the user's graph
    role        TEXT        NOT NULL,            -- user | assistant (messages); user (facts)
    content     TEXT        NOT NULL,
    created_at  TIMESTAMPTZ,                     -- when it was said (null: unknown, e.g. handed over at compaction)
    digest      TEXT,                            -- same exchange and words: queued once (compaction hands turns again)
    queued_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    sent_at     TIMESTAMPTZ
);
CREATE UNIQUE INDEX IF NOT EXISTS memory_zep_outbox_digest ON memory_zep_outbox (user_id, digest);
CREATE INDEX IF NOT EXISTS memory_zep_outbox_pending ON memory_zep_outbox (id) WHERE sent_at IS NULL;

CREATE TABLE IF NOT EXISTS memory_zep_users (
    user_id     TEXT PRIMARY KEY,
    thread_id   TEXT        NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS memory_zep_forgotten (
    user_id      TEXT        NOT NULL,
    fact_id      TEXT        NOT NULL,
    fact         TEXT        NOT NULL,
    forgotten_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, fact_id)
);
