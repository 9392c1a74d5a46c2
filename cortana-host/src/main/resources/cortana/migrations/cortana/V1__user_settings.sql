-- Cortana's own tables (the host's), version 1: as schema.sql had them before migrations.
-- Every statement is idempotent, so a database where schema.sql was run by hand is not harmed if this runs.

-- Per-user settings: the active model, time zone, ... (one row per user and key).
CREATE TABLE IF NOT EXISTS user_settings (
    user_id    TEXT        NOT NULL,
    key        TEXT        NOT NULL,
    value      TEXT        NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, key)
);
