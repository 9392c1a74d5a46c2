-- The reminders plugin's tables, version 1 (also in schema.sql).

-- One row per reminder the user set. A one-time reminder has due_at; a recurring one has rrule and start_local
-- (its RFC 5545 DTSTART, a local time in zone). job_id is its durable job; extra_job_id a one-time extra run of it
-- (a snooze of a recurring reminder, or a retry after a failed delivery). skip_at is an occurrence cancelled alone.
CREATE TABLE IF NOT EXISTS reminders (
    id           BIGSERIAL   PRIMARY KEY,
    text         TEXT        NOT NULL CHECK (length(text) BETWEEN 1 AND 1000),
    zone         TEXT        NOT NULL,
    rrule        TEXT,
    start_local  TIMESTAMP,
    due_at       TIMESTAMPTZ,
    job_id       TEXT,
    extra_job_id TEXT,
    skip_at      TIMESTAMPTZ,
    state        TEXT        NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'failed', 'done', 'cancelled')),
    failure      TEXT,
    failed_due   TIMESTAMPTZ,
    attempts     INTEGER     NOT NULL DEFAULT 0,
    unannounced  BOOLEAN     NOT NULL DEFAULT FALSE,
    created_at   TIMESTAMPTZ NOT NULL,
    CHECK ((rrule IS NULL) = (start_local IS NULL))
);

-- Every run of a reminder's job that is to be delivered, keyed by the run's idempotency key: a run delivered again
-- after a crash finds its row and sends nothing. queued -> sending (one message, batch) -> delivered | failed.
CREATE TABLE IF NOT EXISTS reminder_sends (
    run_key      TEXT        PRIMARY KEY,
    reminder_id  BIGINT      NOT NULL REFERENCES reminders (id) ON DELETE CASCADE,
    due_at       TIMESTAMPTZ NOT NULL,
    missed       INTEGER     NOT NULL DEFAULT 1,
    state        TEXT        NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sending', 'delivered', 'failed')),
    batch        BIGINT,
    reason       TEXT,
    queued_at    TIMESTAMPTZ NOT NULL,
    settled_at   TIMESTAMPTZ
);

CREATE INDEX IF NOT EXISTS reminder_sends_open_idx ON reminder_sends (state) WHERE state IN ('queued', 'sending');
CREATE INDEX IF NOT EXISTS reminders_state_idx ON reminders (state);
CREATE SEQUENCE IF NOT EXISTS reminder_batches;
