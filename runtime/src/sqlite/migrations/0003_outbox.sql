-- The outbox (`hookwire::store`): events, endpoints and their subscriptions, deliveries and
-- the attempt log. Times are Unix seconds from the injected clock. A database made before
-- the migration line (the outbox's `hw_meta` version 1 or 2) already has these tables.

-- One row per published event: the envelope, serialized once.
CREATE TABLE IF NOT EXISTS hw_event (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id   TEXT NOT NULL UNIQUE,
    event_type TEXT NOT NULL,
    payload    TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS hw_endpoint (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    url                  TEXT NOT NULL,
    secrets              TEXT NOT NULL,              -- JSON list, newest first
    all_types            INTEGER NOT NULL,           -- 1: no filter, every event
    allow_private        INTEGER NOT NULL,
    max_in_flight        INTEGER NOT NULL,
    rate_per_second      INTEGER,
    description          TEXT NOT NULL,
    disabled             TEXT,                       -- NULL, 'manual', 'gone', 'failing'
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    failing_since        INTEGER,
    paused_until         INTEGER NOT NULL DEFAULT 0,
    rate_window          INTEGER NOT NULL DEFAULT 0,  -- the second rate_count counts
    rate_count           INTEGER NOT NULL DEFAULT 0,
    created_at           INTEGER NOT NULL
);

-- Subscriptions: exact names (is_prefix = 0) and prefixes (`order.*` is stored as `order.`).
CREATE TABLE IF NOT EXISTS hw_endpoint_type (
    endpoint_id INTEGER NOT NULL REFERENCES hw_endpoint (id) ON DELETE CASCADE,
    is_prefix   INTEGER NOT NULL,
    value       TEXT NOT NULL,
    PRIMARY KEY (endpoint_id, is_prefix, value)
);

-- One row per event and subscribed endpoint. `run_at` is when it may next be claimed: the
-- next attempt while pending, the end of the lease while in flight (so an expired lease makes
-- it due again, no reaper needed).
CREATE TABLE IF NOT EXISTS hw_delivery (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    webhook_id  TEXT NOT NULL,
    event_pk    INTEGER NOT NULL REFERENCES hw_event (id),
    endpoint_id INTEGER NOT NULL REFERENCES hw_endpoint (id),
    state       TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    run_at      INTEGER NOT NULL,
    lease_token INTEGER,
    last_status INTEGER,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

-- Claims: an endpoint's due deliveries in run_at order (rowid breaks ties).
CREATE INDEX IF NOT EXISTS hw_delivery_due
    ON hw_delivery (endpoint_id, run_at) WHERE state IN ('pending', 'in_flight');
-- Claims: an endpoint's deliveries in flight (few rows: at most its limit plus expired ones).
CREATE INDEX IF NOT EXISTS hw_delivery_in_flight
    ON hw_delivery (endpoint_id, run_at) WHERE state = 'in_flight';
-- Listing by state, by endpoint (and recover), by event.
CREATE INDEX IF NOT EXISTS hw_delivery_state ON hw_delivery (state, id);
CREATE INDEX IF NOT EXISTS hw_delivery_endpoint ON hw_delivery (endpoint_id, id);
CREATE INDEX IF NOT EXISTS hw_delivery_event ON hw_delivery (event_pk);

-- The attempt log.
CREATE TABLE IF NOT EXISTS hw_attempt (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery_id INTEGER NOT NULL,
    attempt     INTEGER NOT NULL,
    at          INTEGER NOT NULL,
    outcome     TEXT NOT NULL,
    status      INTEGER,
    duration_ms INTEGER NOT NULL,
    excerpt     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS hw_attempt_delivery ON hw_attempt (delivery_id);
