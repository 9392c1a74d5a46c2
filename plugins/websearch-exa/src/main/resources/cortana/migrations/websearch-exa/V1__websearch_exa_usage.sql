-- Exa calls per day in the master user's time zone and what Exa said they cost (costDollars.total), so
-- /settings status shows today's count and spend across restarts.
CREATE TABLE IF NOT EXISTS websearch_exa_usage (
    day          DATE          PRIMARY KEY,
    searches     INTEGER       NOT NULL DEFAULT 0,
    pages        INTEGER       NOT NULL DEFAULT 0,
    cost_dollars NUMERIC(14,6) NOT NULL DEFAULT 0
);
