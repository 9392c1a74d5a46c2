-- Cortana's own tables, version 2: messages to the master that belong to the conversation (Notifier.send).
-- One row per message, written before it is posted. "nonce" is what JDA sends with enforce_nonce, so a re-send
-- after a crash returns Discord's first message instead of creating a second. state: 'sending' (outcome not known
-- yet), 'delivered', 'failed'; "recorded": appended to the master's conversation.
CREATE TABLE IF NOT EXISTS master_deliveries (
    id          BIGSERIAL   PRIMARY KEY,
    text        TEXT        NOT NULL,
    nonce       TEXT        NOT NULL UNIQUE,
    state       TEXT        NOT NULL DEFAULT 'sending' CHECK (state IN ('sending', 'delivered', 'failed')),
    recorded    BOOLEAN     NOT NULL DEFAULT FALSE,
    failure     TEXT,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at TIMESTAMPTZ
);
CREATE INDEX IF NOT EXISTS master_deliveries_unfinished_idx ON master_deliveries (id)
    WHERE state = 'sending' OR (state = 'delivered' AND NOT recorded);
