//! The SQLite backend's statements. Times are bound parameters from the injected clock, never
//! `unixepoch()`. The index serving each claim statement is named beside it (see
//! `schema.sql`).

pub(super) const SCHEMA: &str = include_str!("schema.sql");

pub(super) const SCHEMA_VERSION: &str = "SELECT value FROM hw_meta WHERE key = 'schema_version'";

/// The migrations after `schema.sql` (version 1), each run once when the database is older.
pub(super) const MIGRATIONS: &[(i64, &str)] = &[(2, include_str!("migrate_2.sql"))];

pub(super) const SET_SCHEMA_VERSION: &str =
    "UPDATE hw_meta SET value = ?1 WHERE key = 'schema_version'";

pub(super) const INSERT_EVENT: &str = "INSERT INTO hw_event (event_id, event_type, payload, created_at) \
     VALUES (?1, ?2, ?3, ?4) RETURNING id";

/// Fan-out: one delivery per endpoint subscribed to the type (?3), held (`disabled`) for a
/// disabled endpoint. Its `webhook-id` is the event id (as Svix's message id and Stripe's
/// `evt_` id are), so a receiver that also reads the events feed deduplicates both by one key.
pub(super) const FAN_OUT: &str = "\
INSERT INTO hw_delivery (webhook_id, event_pk, endpoint_id, state, attempts, run_at, created_at, updated_at)
SELECT (SELECT event_id FROM hw_event WHERE id = ?1), ?1, e.id,
       CASE WHEN e.disabled IS NULL THEN 'pending' ELSE 'disabled' END, 0, ?2, ?2, ?2
FROM hw_endpoint e
WHERE e.all_types = 1
   OR EXISTS (SELECT 1 FROM hw_endpoint_type t
              WHERE t.endpoint_id = e.id
                AND ((t.is_prefix = 0 AND t.value = ?3)
                  OR (t.is_prefix = 1 AND substr(?3, 1, length(t.value)) = t.value)))";

/// Lanes: enabled, unpaused endpoints with a due delivery (index `hw_delivery_due`), with
/// what they have in flight (index `hw_delivery_in_flight`). The repeated state term lets
/// SQLite match the partial index.
pub(super) const LANES: &str = "\
SELECT e.id, e.url, e.secrets, e.allow_private, e.max_in_flight, e.breaker_opens,
       e.rate_per_second, e.rate_window, e.rate_count,
       (SELECT count(*) FROM hw_delivery f
         WHERE f.endpoint_id = e.id AND f.state = 'in_flight' AND f.run_at > ?1) AS busy
FROM hw_endpoint e
WHERE e.disabled IS NULL AND e.paused_until <= ?1
  AND EXISTS (SELECT 1 FROM hw_delivery d
              WHERE d.endpoint_id = e.id AND d.state IN ('pending', 'in_flight') AND d.run_at <= ?1)";

/// Claims up to ?5 due deliveries of endpoint ?4 (index `hw_delivery_due`), never one whose
/// expired lease was its schedule's last (?6: the policy's attempts; `ABANDON` fails those).
/// Returns the attempt's number as the log will show it (see `LEASED`).
pub(super) const CLAIM_LANE: &str = "\
UPDATE hw_delivery
SET state = 'in_flight', run_at = ?1, lease_token = ?2, attempts = attempts + 1, updated_at = ?3
WHERE id IN (SELECT id FROM hw_delivery
             WHERE endpoint_id = ?4 AND state IN ('pending', 'in_flight') AND run_at <= ?3
               AND (state = 'pending' OR attempts < ?6)
             ORDER BY run_at, id LIMIT ?5)
RETURNING id, webhook_id, event_pk,
          max(attempts, coalesce((SELECT max(a.attempt) FROM hw_attempt a
                                  WHERE a.delivery_id = hw_delivery.id), 0) + 1)";

/// Poison work ends: a delivery in flight whose lease ran out after as many claims as the
/// schedule allows (?2) is failed, with an `abandoned` entry in its log (first `ABANDON_LOG`,
/// then `ABANDON`, in the claim's transaction; at most 100 per claim).
pub(super) const ABANDON_LOG: &str = "\
INSERT INTO hw_attempt (delivery_id, attempt, at, outcome, status, duration_ms, excerpt)
SELECT d.id,
       max(d.attempts, coalesce((SELECT max(a.attempt) FROM hw_attempt a WHERE a.delivery_id = d.id), 0) + 1),
       ?1, 'abandoned', NULL, 0,
       'abandoned: claimed ' || d.attempts || ' times, all its retry schedule allows, and the last ' ||
       'lease ran out with no result recorded (a worker crashed or hung on it, or its result could ' ||
       'not be stored)'
FROM hw_delivery d
WHERE d.state = 'in_flight' AND d.run_at <= ?1 AND d.attempts >= ?2
ORDER BY d.id LIMIT 100";

pub(super) const ABANDON: &str = "\
UPDATE hw_delivery SET state = 'failed', lease_token = NULL, run_at = ?1, updated_at = ?1
WHERE id IN (SELECT id FROM hw_delivery
             WHERE state = 'in_flight' AND run_at <= ?1 AND attempts >= ?2
             ORDER BY id LIMIT 100)";

pub(super) const CLAIMED_EVENTS: &str = "\
SELECT id, event_id, event_type, payload FROM hw_event
WHERE id IN (SELECT value FROM json_each(?1))";

pub(super) const UPDATE_RATE: &str =
    "UPDATE hw_endpoint SET rate_window = ?2, rate_count = ?3 WHERE id = ?1";

/// The leased delivery and its endpoint's health; no row: the lease is stale. The last column
/// is the attempt's number in the log: the claims of this schedule, or one more than the last logged
/// when a retry or recover started a fresh schedule (numbers never restart).
pub(super) const LEASED: &str = "\
SELECT d.attempts, d.endpoint_id, e.consecutive_failures, e.failing_since, e.paused_until,
       e.window_start, e.window_attempts, e.window_failures, e.breaker_opens,
       max(d.attempts, coalesce((SELECT max(a.attempt) FROM hw_attempt a WHERE a.delivery_id = d.id), 0) + 1)
FROM hw_delivery d JOIN hw_endpoint e ON e.id = d.endpoint_id
WHERE d.id = ?1 AND d.lease_token = ?2 AND d.state = 'in_flight'";

pub(super) const FINISH: &str = "\
UPDATE hw_delivery SET state = ?2, run_at = ?3, lease_token = NULL, last_status = ?4, updated_at = ?5
WHERE id = ?1";

/// The endpoint's health after a result, as the policy decided it.
pub(super) const SET_HEALTH: &str = "\
UPDATE hw_endpoint SET consecutive_failures = ?2, failing_since = ?3, paused_until = ?4,
       window_start = ?5, window_attempts = ?6, window_failures = ?7, breaker_opens = ?8
WHERE id = ?1";

/// An operator's `retry`/`recover`: the breaker closes with a fresh window and the pause
/// lifts, so the deliveries scheduled now are attempted now.
pub(super) const RESET_BREAKER: &str = "\
UPDATE hw_endpoint SET paused_until = 0, breaker_opens = 0, window_start = 0, window_attempts = 0,
       window_failures = 0
WHERE id = ?1";

/// [`RESET_BREAKER`] for the endpoint of delivery ?1.
pub(super) const RESET_BREAKER_OF: &str = "\
UPDATE hw_endpoint SET paused_until = 0, breaker_opens = 0, window_start = 0, window_attempts = 0,
       window_failures = 0
WHERE id = (SELECT endpoint_id FROM hw_delivery WHERE id = ?1)";

pub(super) const DISABLE: &str =
    "UPDATE hw_endpoint SET disabled = ?2 WHERE id = ?1 AND disabled IS NULL";

pub(super) const HOLD: &str = "\
UPDATE hw_delivery SET state = 'disabled', lease_token = NULL, updated_at = ?2
WHERE endpoint_id = ?1 AND state IN ('pending', 'in_flight')";

pub(super) const ENABLE: &str = "\
UPDATE hw_endpoint SET disabled = NULL, consecutive_failures = 0, failing_since = NULL, paused_until = 0,
       window_start = 0, window_attempts = 0, window_failures = 0, breaker_opens = 0
WHERE id = ?1";

pub(super) const UNHOLD: &str = "\
UPDATE hw_delivery SET state = 'pending', run_at = ?2, updated_at = ?2
WHERE endpoint_id = ?1 AND state = 'disabled'";

pub(super) const LOG_ATTEMPT: &str = "\
INSERT INTO hw_attempt (delivery_id, attempt, at, outcome, status, duration_ms, excerpt)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";

pub(super) const RELEASE: &str = "\
UPDATE hw_delivery SET state = 'pending', run_at = ?3, lease_token = NULL,
       attempts = max(attempts - 1, 0), updated_at = ?3
WHERE id = ?1 AND lease_token = ?2 AND state = 'in_flight'";

pub(super) const INSERT_ENDPOINT: &str = "\
INSERT INTO hw_endpoint (url, secrets, all_types, allow_private, max_in_flight, rate_per_second,
                         description, created_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id";

pub(super) const UPDATE_ENDPOINT: &str = "\
UPDATE hw_endpoint SET url = ?2, secrets = ?3, all_types = ?4, allow_private = ?5,
       max_in_flight = ?6, rate_per_second = ?7, description = ?8
WHERE id = ?1";

pub(super) const DELETE_TYPES: &str = "DELETE FROM hw_endpoint_type WHERE endpoint_id = ?1";

pub(super) const INSERT_TYPE: &str = "\
INSERT INTO hw_endpoint_type (endpoint_id, is_prefix, value) VALUES (?1, ?2, ?3)
ON CONFLICT DO NOTHING";

pub(super) const ENDPOINTS: &str = "\
SELECT id, url, secrets, allow_private, max_in_flight, rate_per_second, description, disabled,
       consecutive_failures, failing_since, paused_until, breaker_opens, created_at
FROM hw_endpoint WHERE id > ?1 ORDER BY id LIMIT ?2";

pub(super) const ENDPOINT: &str = "\
SELECT id, url, secrets, allow_private, max_in_flight, rate_per_second, description, disabled,
       consecutive_failures, failing_since, paused_until, breaker_opens, created_at
FROM hw_endpoint WHERE id = ?1";

pub(super) const ENDPOINT_TYPES: &str = "\
SELECT endpoint_id, is_prefix, value FROM hw_endpoint_type
WHERE endpoint_id IN (SELECT value FROM json_each(?1)) ORDER BY endpoint_id, is_prefix, value";

/// Listing: each filter applies when its parameter is not NULL (indexes `hw_delivery_state`,
/// `hw_delivery_endpoint`, `hw_event.event_id`).
pub(super) const DELIVERIES: &str = "\
SELECT d.id, d.webhook_id, v.event_id, v.event_type, d.endpoint_id, d.state, d.attempts,
       d.run_at, d.last_status, d.created_at, d.updated_at
FROM hw_delivery d JOIN hw_event v ON v.id = d.event_pk
WHERE d.id > ?1
  AND (?2 IS NULL OR d.state = ?2)
  AND (?3 IS NULL OR d.endpoint_id = ?3)
  AND (?4 IS NULL OR v.event_id = ?4)
ORDER BY d.id LIMIT ?5";

pub(super) const ATTEMPTS: &str = "\
SELECT delivery_id, attempt, at, outcome, status, duration_ms, excerpt FROM hw_attempt
WHERE delivery_id = ?1 ORDER BY id LIMIT 100";

/// Retry one: a fresh schedule now; held again if its endpoint is disabled.
pub(super) const RETRY: &str = "\
UPDATE hw_delivery
SET state = CASE WHEN (SELECT disabled FROM hw_endpoint e WHERE e.id = hw_delivery.endpoint_id) IS NULL
                 THEN 'pending' ELSE 'disabled' END,
    attempts = 0, run_at = ?2, lease_token = NULL, updated_at = ?2
WHERE id = ?1 AND state <> 'in_flight'";

pub(super) const RECOVER: &str = "\
UPDATE hw_delivery SET state = 'pending', attempts = 0, run_at = ?3, updated_at = ?3
WHERE endpoint_id = ?1 AND state = 'failed' AND created_at >= ?2";

pub(super) const PURGE_ATTEMPTS: &str = "\
DELETE FROM hw_attempt WHERE delivery_id IN
  (SELECT id FROM hw_delivery WHERE state IN ('delivered', 'failed') AND created_at < ?1)";

pub(super) const PURGE_DELIVERIES: &str =
    "DELETE FROM hw_delivery WHERE state IN ('delivered', 'failed') AND created_at < ?1";

pub(super) const PURGE_EVENTS: &str = "\
DELETE FROM hw_event WHERE created_at < ?1
  AND NOT EXISTS (SELECT 1 FROM hw_delivery d WHERE d.event_pk = hw_event.id)";

pub(super) const STATS: &str =
    "SELECT endpoint_id, state, count(*) FROM hw_delivery GROUP BY endpoint_id, state";

pub(super) const STATS_ENDPOINTS: &str =
    "SELECT id, url, disabled, paused_until, breaker_opens FROM hw_endpoint ORDER BY id";
