//! The statements SQLite and PostgreSQL run with the same text. Parameters are `$N`, which
//! SQLite reads as `?N`; booleans are bound as booleans (SQLite stores 0 and 1). Times are
//! bound from the injected clock, never `now()` or `unixepoch()`. The statements whose text
//! differs are the dialect's (`sqlite/sql.rs`, `postgres/sql.rs`).

/// Lanes: enabled, unpaused endpoints with a due delivery (index `hw_delivery_due`); the
/// repeated state term lets SQLite match the partial index. PostgreSQL appends its lock
/// ([`Statements::lanes`](super::Statements)); a macro, as `concat!` takes only literals.
macro_rules! lanes {
    () => {
        "\
SELECT e.id, e.url, e.secrets, e.allow_private, e.max_in_flight, e.breaker_opens,
       e.rate_per_second, e.rate_window, e.rate_count, e.headers
FROM hw_endpoint e
WHERE e.disabled IS NULL AND e.paused_until <= $1
  AND EXISTS (SELECT 1 FROM hw_delivery d
              WHERE d.endpoint_id = e.id AND d.state IN ('pending', 'in_flight') AND d.run_at <= $1)"
    };
}
pub(crate) use lanes;

/// Per-key ordering (`outbox` docs, "Ordering"), a term of both claims over their delivery
/// `d`: a delivery with a key is claimable only when no earlier delivery (lower id) of its
/// endpoint and key is unfinished ($7: whether a failed one holds the key back; index
/// `hw_delivery_order`, where the head of a key finds nothing below its id at once) and none
/// of the key is in flight under a lease still running at $3 (index `hw_delivery_in_flight`:
/// the endpoint's few attempts in flight). The literal `state` terms let SQLite match the
/// partial indexes. A delivery without a key skips both checks.
macro_rules! in_order {
    () => {
        "(d.ordering_key IS NULL OR (
             NOT EXISTS (SELECT 1 FROM hw_delivery p
                         WHERE p.endpoint_id = d.endpoint_id AND p.ordering_key = d.ordering_key
                           AND p.state <> 'delivered' AND p.id < d.id
                           AND (p.state <> 'failed' OR $7))
             AND NOT EXISTS (SELECT 1 FROM hw_delivery p
                             WHERE p.endpoint_id = d.endpoint_id AND p.state = 'in_flight'
                               AND p.run_at > $3 AND p.ordering_key = d.ordering_key
                               AND p.id <> d.id)))"
    };
}
pub(crate) use in_order;

/// The endpoint's health ($1); PostgreSQL appends its lock.
macro_rules! health {
    () => {
        "\
SELECT consecutive_failures, failing_since, paused_until, window_start, window_attempts,
       window_failures, breaker_opens
FROM hw_endpoint WHERE id = $1"
    };
}
pub(crate) use health;

pub(crate) const UPDATE_RATE: &str =
    "UPDATE hw_endpoint SET rate_window = $2, rate_count = $3 WHERE id = $1";

pub(crate) const FINISH: &str = "\
UPDATE hw_delivery SET state = $2, run_at = $3, lease_token = NULL, last_status = $4, updated_at = $5
WHERE id = $1";

/// The endpoint's health after results, as the policy decided it.
pub(crate) const SET_HEALTH: &str = "\
UPDATE hw_endpoint SET consecutive_failures = $2, failing_since = $3, paused_until = $4,
       window_start = $5, window_attempts = $6, window_failures = $7, breaker_opens = $8
WHERE id = $1";

/// An operator's `retry`/`recover`: the breaker closes with a fresh window and the pause
/// lifts, so the deliveries scheduled now are attempted now.
pub(crate) const RESET_BREAKER: &str = "\
UPDATE hw_endpoint SET paused_until = 0, breaker_opens = 0, window_start = 0, window_attempts = 0,
       window_failures = 0
WHERE id = $1";

/// [`RESET_BREAKER`] for the endpoint of delivery $1.
pub(crate) const RESET_BREAKER_OF: &str = "\
UPDATE hw_endpoint SET paused_until = 0, breaker_opens = 0, window_start = 0, window_attempts = 0,
       window_failures = 0
WHERE id = (SELECT endpoint_id FROM hw_delivery WHERE id = $1)";

pub(crate) const DISABLE: &str =
    "UPDATE hw_endpoint SET disabled = $2 WHERE id = $1 AND disabled IS NULL";

pub(crate) const HOLD: &str = "\
UPDATE hw_delivery SET state = 'disabled', lease_token = NULL, updated_at = $2
WHERE endpoint_id = $1 AND state IN ('pending', 'in_flight')";

pub(crate) const ENABLE: &str = "\
UPDATE hw_endpoint SET disabled = NULL, consecutive_failures = 0, failing_since = NULL, paused_until = 0,
       window_start = 0, window_attempts = 0, window_failures = 0, breaker_opens = 0
WHERE id = $1";

pub(crate) const UNHOLD: &str = "\
UPDATE hw_delivery SET state = 'pending', run_at = $2, updated_at = $2
WHERE endpoint_id = $1 AND state = 'disabled'";

pub(crate) const LOG_ATTEMPT: &str = "\
INSERT INTO hw_attempt (delivery_id, attempt, at, outcome, status, duration_ms, excerpt)
VALUES ($1, $2, $3, $4, $5, $6, $7)";

/// A new endpoint; without a rate of its own it takes its application's default.
pub(crate) const INSERT_ENDPOINT: &str = "\
INSERT INTO hw_endpoint (url, secrets, all_types, allow_private, max_in_flight, rate_per_second,
                         description, uid, metadata, headers, created_at, updated_at, app_id)
VALUES ($1, $2, $3, $4, $5,
        coalesce(CAST($6 AS BIGINT), (SELECT rate_limit FROM hw_application WHERE id = $12)),
        $7, $8, $9, $10, $11, $11, $12) RETURNING id";

/// An endpoint's new settings (its application stays).
pub(crate) const UPDATE_ENDPOINT: &str = "\
UPDATE hw_endpoint SET url = $2, secrets = $3, all_types = $4, allow_private = $5,
       max_in_flight = $6, rate_per_second = $7, description = $8, uid = $9, metadata = $10,
       headers = $11, updated_at = $12
WHERE id = $1";

/// Deleting an endpoint: its attempt log, deliveries, subscriptions, then the endpoint.
pub(crate) const DELETE_ENDPOINT: [&str; 4] = [
    "DELETE FROM hw_attempt WHERE delivery_id IN (SELECT id FROM hw_delivery WHERE endpoint_id = $1)",
    "DELETE FROM hw_delivery WHERE endpoint_id = $1",
    "DELETE FROM hw_endpoint_type WHERE endpoint_id = $1",
    "DELETE FROM hw_endpoint WHERE id = $1",
];

pub(crate) const DELETE_TYPES: &str = "DELETE FROM hw_endpoint_type WHERE endpoint_id = $1";

pub(crate) const INSERT_TYPE: &str = "\
INSERT INTO hw_endpoint_type (endpoint_id, is_prefix, value) VALUES ($1, $2, $3)
ON CONFLICT DO NOTHING";

/// An endpoint's columns, in the order `ops.rs` reads them.
macro_rules! endpoint_columns {
    () => {
        "SELECT id, url, secrets, allow_private, max_in_flight, rate_per_second, description, \
         disabled, consecutive_failures, failing_since, paused_until, breaker_opens, created_at, \
         app_id, uid, metadata, headers, updated_at \
         FROM hw_endpoint "
    };
}
pub(crate) use endpoint_columns;

pub(crate) const ENDPOINTS: &str =
    concat!(endpoint_columns!(), "WHERE id > $1 ORDER BY id LIMIT $2");

pub(crate) const ENDPOINT: &str = concat!(endpoint_columns!(), "WHERE id = $1");

/// Listing: each filter applies when its parameter is not NULL (indexes `hw_delivery_state`,
/// `hw_delivery_endpoint`, `hw_event.event_id`); the casts tell PostgreSQL their types.
pub(crate) const DELIVERIES: &str = "\
SELECT d.id, d.webhook_id, v.event_id, v.event_type, d.endpoint_id, d.state, d.attempts,
       d.run_at, d.last_status, d.created_at, d.updated_at, d.ordering_key
FROM hw_delivery d JOIN hw_event v ON v.id = d.event_pk
WHERE d.id > $1
  AND (CAST($2 AS TEXT) IS NULL OR d.state = $2)
  AND (CAST($3 AS BIGINT) IS NULL OR d.endpoint_id = $3)
  AND (CAST($4 AS TEXT) IS NULL OR v.event_id = $4)
ORDER BY d.id LIMIT $5";

pub(crate) const ATTEMPTS: &str = "\
SELECT delivery_id, attempt, at, outcome, status, duration_ms, excerpt FROM hw_attempt
WHERE delivery_id = $1 ORDER BY id LIMIT 100";

/// Retry one: a fresh schedule now; held again if its endpoint is disabled.
pub(crate) const RETRY: &str = "\
UPDATE hw_delivery
SET state = CASE WHEN (SELECT disabled FROM hw_endpoint e WHERE e.id = hw_delivery.endpoint_id) IS NULL
                 THEN 'pending' ELSE 'disabled' END,
    attempts = 0, run_at = $2, lease_token = NULL, updated_at = $2
WHERE id = $1 AND state <> 'in_flight'";

pub(crate) const RECOVER: &str = "\
UPDATE hw_delivery SET state = 'pending', attempts = 0, run_at = $3, updated_at = $3
WHERE endpoint_id = $1 AND state = 'failed' AND created_at >= $2";

pub(crate) const PURGE_ATTEMPTS: &str = "\
DELETE FROM hw_attempt WHERE delivery_id IN
  (SELECT id FROM hw_delivery WHERE state IN ('delivered', 'failed') AND created_at < $1)";

pub(crate) const PURGE_DELIVERIES: &str =
    "DELETE FROM hw_delivery WHERE state IN ('delivered', 'failed') AND created_at < $1";

pub(crate) const PURGE_EVENTS: &str = "\
DELETE FROM hw_event WHERE created_at < $1
  AND NOT EXISTS (SELECT 1 FROM hw_delivery d WHERE d.event_pk = hw_event.id)";

pub(crate) const STATS: &str = "\
SELECT endpoint_id, state, count(*), min(created_at) FROM hw_delivery GROUP BY endpoint_id, state";

pub(crate) const STATS_ENDPOINTS: &str =
    "SELECT id, url, disabled, paused_until, breaker_opens FROM hw_endpoint ORDER BY id";
