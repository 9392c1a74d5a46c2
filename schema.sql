-- Cortana's complete PostgreSQL schema: the host's tables and the bundled plugins', for pasting into Supabase's SQL
-- editor (or psql) before or after the first start.
--
-- Cortana itself applies migrations at start-up, not this file: the host's own in
-- cortana-host/src/main/resources/cortana/migrations/cortana/, each bundled plugin's in
-- plugins/<name>/src/main/resources/cortana/migrations/<plugin id>/. On a database where this file was run, Cortana
-- finds the tables and records the matching migrations as applied (baseline), then runs only later ones.
--
-- Every statement is idempotent, so running it again changes nothing that exists. A new table or column goes into a
-- new migration (idempotent too: IF NOT EXISTS) AND here; MigrationsTest (cortana-host) fails when the two disagree.

-- ---------------------------------------------------------------------------------------------- host (cortana)

-- Per-user settings: the active model, time zone, ... (one row per user and key).
CREATE TABLE IF NOT EXISTS user_settings (
    user_id    TEXT        NOT NULL,
    key        TEXT        NOT NULL,
    value      TEXT        NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, key)
);

-- Messages to the master that belong to the conversation (Notifier.send). One row per message, written before it
-- is posted. "nonce" is what JDA sends with enforce_nonce, so a re-send
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

-- Durable jobs (CortanaContext.jobs(); cortana-host/src/main/java/dev/cortana/host/jobs/): db-scheduler's table, one
-- row per scheduled job run; "picked"/"picked_by"/"last_heartbeat" say which Cortana runs it right now.
CREATE TABLE IF NOT EXISTS scheduled_tasks (
    task_name            TEXT        NOT NULL,
    task_instance        TEXT        NOT NULL,
    task_data            BYTEA,
    execution_time       TIMESTAMPTZ NOT NULL,
    picked               BOOLEAN     NOT NULL,
    picked_by            TEXT,
    last_success         TIMESTAMPTZ,
    last_failure         TIMESTAMPTZ,
    consecutive_failures INT,
    last_heartbeat       TIMESTAMPTZ,
    version              BIGINT      NOT NULL,
    priority             SMALLINT,
    PRIMARY KEY (task_name, task_instance)
);

CREATE INDEX IF NOT EXISTS scheduled_tasks_execution_time_idx ON scheduled_tasks (execution_time);
CREATE INDEX IF NOT EXISTS scheduled_tasks_last_heartbeat_idx ON scheduled_tasks (last_heartbeat);
CREATE INDEX IF NOT EXISTS scheduled_tasks_priority_execution_time_idx ON scheduled_tasks (priority DESC, execution_time ASC);

-- ------------------------------------------------------------------------------------------------ plugin todos

-- Todos (plugins/todos). "number" is the todo's number in its owner's list: stable, never reused,
-- and what the user and the model refer to ("complete 3").
CREATE TABLE IF NOT EXISTS todos (
    id           BIGSERIAL   PRIMARY KEY,
    user_id      TEXT        NOT NULL,
    number       INTEGER     NOT NULL,
    title        TEXT        NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
    notes        TEXT,
    due_date     DATE,
    due_time     TIME,
    priority     TEXT        NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high')),
    done         BOOLEAN     NOT NULL DEFAULT FALSE,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    completed_at TIMESTAMPTZ,
    UNIQUE (user_id, number),
    CHECK (due_time IS NULL OR due_date IS NOT NULL)
);

-- The highest number each user's todos ever had, so a deleted todo's number is never handed out again.
CREATE TABLE IF NOT EXISTS todo_counters (
    user_id     TEXT    PRIMARY KEY,
    last_number INTEGER NOT NULL
);

CREATE INDEX IF NOT EXISTS todos_user_open_idx ON todos (user_id, done, due_date);

-- ------------------------------------------------------------------------------------------------ plugin reminders

-- Reminders (plugins/reminders). One row per reminder the user set. A one-time reminder has due_at; a recurring one has rrule and start_local
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
