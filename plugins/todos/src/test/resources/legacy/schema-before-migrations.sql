-- Cortana's PostgreSQL schema.
--
-- Cortana applies this file at every start-up; every statement is idempotent, so running it again
-- (or by hand in Supabase's SQL editor, against an existing database) changes nothing that exists.
-- Later versions only add: new tables, and columns with ADD COLUMN IF NOT EXISTS.

-- Per-user settings: the active model, time zone, ... (one row per user and key).
CREATE TABLE IF NOT EXISTS user_settings (
    user_id    TEXT        NOT NULL,
    key        TEXT        NOT NULL,
    value      TEXT        NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, key)
);

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
