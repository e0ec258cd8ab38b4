-- The outbox (`hookwire::store`): events, endpoints and their subscriptions, deliveries and
-- the attempt log, in the connection's current schema. Times are Unix seconds from the
-- injected clock. A schema made before the migration line (the outbox's `hw_meta` version 1
-- or 2) already has these tables.

-- One row per published event: the envelope, serialized once, kept as text (byte-exact).
CREATE TABLE IF NOT EXISTS hw_event (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id   TEXT NOT NULL UNIQUE,
    event_type TEXT NOT NULL,
    payload    TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS hw_endpoint (
    id                   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    url                  TEXT NOT NULL,
    secrets              TEXT NOT NULL,              -- JSON list, newest first
    all_types            BOOLEAN NOT NULL,           -- no filter: every event
    allow_private        BOOLEAN NOT NULL,
    max_in_flight        BIGINT NOT NULL,
    rate_per_second      BIGINT,
    description          TEXT NOT NULL,
    disabled             TEXT,                       -- NULL, 'manual', 'gone', 'failing'
    consecutive_failures BIGINT NOT NULL DEFAULT 0,
    failing_since        BIGINT,
    paused_until         BIGINT NOT NULL DEFAULT 0,
    rate_window          BIGINT NOT NULL DEFAULT 0,  -- the second rate_count counts
    rate_count           BIGINT NOT NULL DEFAULT 0,
    created_at           BIGINT NOT NULL
);

-- Subscriptions: exact names and prefixes (`order.*` is stored as `order.`).
CREATE TABLE IF NOT EXISTS hw_endpoint_type (
    endpoint_id BIGINT NOT NULL REFERENCES hw_endpoint (id) ON DELETE CASCADE,
    is_prefix   BOOLEAN NOT NULL,
    value       TEXT NOT NULL,
    PRIMARY KEY (endpoint_id, is_prefix, value)
);

-- One row per event and subscribed endpoint. `run_at` is when it may next be claimed: the
-- next attempt while pending, the end of the lease while in flight (an expired lease makes
-- it due again, no reaper needed).
CREATE TABLE IF NOT EXISTS hw_delivery (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    webhook_id  TEXT NOT NULL,
    event_pk    BIGINT NOT NULL REFERENCES hw_event (id),
    endpoint_id BIGINT NOT NULL REFERENCES hw_endpoint (id),
    state       TEXT NOT NULL,
    attempts    BIGINT NOT NULL DEFAULT 0,
    run_at      BIGINT NOT NULL,
    lease_token BIGINT,
    last_status BIGINT,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);

-- Claims: an endpoint's due deliveries in run_at order.
CREATE INDEX IF NOT EXISTS hw_delivery_due
    ON hw_delivery (endpoint_id, run_at, id) WHERE state IN ('pending', 'in_flight');
-- Claims: an endpoint's deliveries in flight (few rows: at most its limit plus expired ones).
CREATE INDEX IF NOT EXISTS hw_delivery_in_flight
    ON hw_delivery (endpoint_id, run_at) WHERE state = 'in_flight';
-- Listing by state, by endpoint (and recover), by event.
CREATE INDEX IF NOT EXISTS hw_delivery_state ON hw_delivery (state, id);
CREATE INDEX IF NOT EXISTS hw_delivery_endpoint ON hw_delivery (endpoint_id, id);
CREATE INDEX IF NOT EXISTS hw_delivery_event ON hw_delivery (event_pk);

-- The attempt log.
CREATE TABLE IF NOT EXISTS hw_attempt (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    delivery_id BIGINT NOT NULL,
    attempt     BIGINT NOT NULL,
    at          BIGINT NOT NULL,
    outcome     TEXT NOT NULL,
    status      BIGINT,
    duration_ms BIGINT NOT NULL,
    excerpt     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS hw_attempt_delivery ON hw_attempt (delivery_id);
