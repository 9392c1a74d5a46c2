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

-- ----------------------------------------------------------------------------------------- plugin websearch-exa

-- Exa calls per day in the master user's time zone and what Exa said they cost (costDollars.total), for
-- /settings status ("web searches today: 3 · pages read: 1 · $0.016"); kept across restarts.
CREATE TABLE IF NOT EXISTS websearch_exa_usage (
    day          DATE          PRIMARY KEY,
    searches     INTEGER       NOT NULL DEFAULT 0,
    pages        INTEGER       NOT NULL DEFAULT 0,
    cost_dollars NUMERIC(14,6) NOT NULL DEFAULT 0
);
-- ------------------------------------------------------------------------------------------ plugin memory-local

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
-- ------------------------------------------------------------------------------------------------ plugin memory-zep

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
-- ------------------------------------------------------------------------------------------------ plugin calendar
-- (plugins/calendar/src/main/resources/cortana/migrations/calendar/V1__calendar.sql)
-- The calendar plugin's tables. Every event, single or recurring, is one row of calendar_events; what is busy when is
-- in calendar_occurrences, one row per occurrence with its [start, end) range, searched with && through a GiST
-- index. A single event has one occurrence; a series is expanded up to its end, or, without an end, up to a horizon
-- (CALENDAR_HORIZON_DAYS, 730 days ahead by default) that a daily durable job and every search beyond it extend.

CREATE TABLE IF NOT EXISTS calendar_events (
    id             BIGSERIAL PRIMARY KEY,
    user_id        TEXT        NOT NULL,
    title          TEXT        NOT NULL,
    starts_at      TIMESTAMPTZ NOT NULL,          -- the (first) start
    ends_at        TIMESTAMPTZ NOT NULL,          -- the (first) end, exclusive; all-day: midnight after the last day
    zone           TEXT        NOT NULL,          -- the event's time zone (IANA id): a series keeps its local time
    local_start    TIMESTAMP   NOT NULL,          -- the start as wall-clock time in zone (a series' DTSTART)
    all_day        BOOLEAN     NOT NULL DEFAULT FALSE,
    rrule          TEXT,                          -- RFC 5545 RRULE without "RRULE:", null for a single event
    series_end     TIMESTAMPTZ,                   -- the last occurrence's end; null: a series without end
    expanded_until TIMESTAMPTZ,                   -- occurrences of the series are stored up to here
    parent_id      BIGINT REFERENCES calendar_events (id) ON DELETE CASCADE, -- an override of one series occurrence
    recurrence_id  TIMESTAMP,                     -- the overridden occurrence's original local start
    location       TEXT,
    notes          TEXT,
    reminders      TEXT,                          -- minutes before the start, comma separated ("15,60")
    uid            TEXT,                          -- iCalendar UID (imported events keep theirs)
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (ends_at > starts_at)
);

CREATE INDEX IF NOT EXISTS calendar_events_user ON calendar_events (user_id);
CREATE INDEX IF NOT EXISTS calendar_events_series ON calendar_events (expanded_until) WHERE rrule IS NOT NULL;
CREATE UNIQUE INDEX IF NOT EXISTS calendar_events_uid ON calendar_events (user_id, uid, COALESCE(recurrence_id, '-infinity'))
    WHERE uid IS NOT NULL;

-- Occurrences of a series that were cancelled or moved (an override event replaces a moved one).
CREATE TABLE IF NOT EXISTS calendar_exdates (
    event_id    BIGINT    NOT NULL REFERENCES calendar_events (id) ON DELETE CASCADE,
    local_start TIMESTAMP NOT NULL,
    PRIMARY KEY (event_id, local_start)
);

CREATE TABLE IF NOT EXISTS calendar_occurrences (
    event_id       BIGINT    NOT NULL REFERENCES calendar_events (id) ON DELETE CASCADE,
    user_id        TEXT      NOT NULL,
    original_local TIMESTAMP NOT NULL,            -- the occurrence's local start by the rule (its RECURRENCE-ID)
    during         TSTZRANGE NOT NULL,            -- [start, end): back-to-back events do not overlap
    PRIMARY KEY (event_id, original_local)
);

-- The conflict and free-time searches: during && '[from, to)'. With btree_gist the index leads with the user; a
-- server where Cortana's user may not create the extension gets a GiST index on the range alone (the plugin logs
-- which one it found when it starts).
DO $$
BEGIN
    BEGIN
        CREATE EXTENSION IF NOT EXISTS btree_gist;
    EXCEPTION WHEN OTHERS THEN
        RAISE WARNING 'calendar: cannot create extension btree_gist (%): conflict search uses a GiST index on the time range alone', SQLERRM;
    END;
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'btree_gist') THEN
        CREATE INDEX IF NOT EXISTS calendar_occurrences_user_during ON calendar_occurrences USING gist (user_id, during);
    ELSE
        CREATE INDEX IF NOT EXISTS calendar_occurrences_during ON calendar_occurrences USING gist (during);
    END IF;
END
$$;

-- Event reminders: the durable job of each (event, minutes before), and the runs that already sent their message.
CREATE TABLE IF NOT EXISTS calendar_reminder_jobs (
    event_id BIGINT  NOT NULL REFERENCES calendar_events (id) ON DELETE CASCADE,
    minutes  INTEGER NOT NULL,
    job_id   TEXT    NOT NULL,
    PRIMARY KEY (event_id, minutes)
);

CREATE TABLE IF NOT EXISTS calendar_reminders_sent (
    run_key          TEXT PRIMARY KEY,
    event_id         BIGINT      NOT NULL,
    minutes          INTEGER     NOT NULL,
    occurrence_start TIMESTAMPTZ NOT NULL,
    sent_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (event_id, minutes, occurrence_start)
);
