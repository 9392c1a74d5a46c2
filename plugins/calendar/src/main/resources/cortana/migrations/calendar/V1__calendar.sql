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
