//! The SQLite dialect's own statements (the shared ones are `outbox/sql/statements.rs`).
//! Times are bound parameters from the injected clock, never `unixepoch()`. Lists are JSON
//! arrays read with `json_each`. The index serving each claim statement is named beside it
//! (see `runtime/src/sqlite/migrations/`).

use crate::outbox::sql::Statements;
use crate::outbox::sql::statements::{health, in_order, lanes};

/// What the shared code runs in SQLite's words.
pub(super) const STATEMENTS: Statements = Statements {
    lanes: lanes!(),
    busy: BUSY,
    endpoint_types: ENDPOINT_TYPES,
    release: RELEASE,
    health: health!(),
};

pub(super) const INSERT_EVENT: &str = "INSERT INTO hw_event \
     (event_id, event_type, payload, created_at, app_id, dedupe_key, is_message, ordering_key, \
      traceparent, tracestate) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id";

/// Fan-out: one delivery per endpoint subscribed to the type ($3), held (`disabled`) for a
/// disabled endpoint. Its `webhook-id` is the event id (as Svix's message id and Stripe's
/// `evt_` id are), so a receiver that also reads the events feed deduplicates both by one key.
/// Only endpoints of the event's application ($4; NULL: endpoints of none) receive it. Each
/// delivery carries the event's ordering key ($5).
pub(super) const FAN_OUT: &str = "\
INSERT INTO hw_delivery (webhook_id, event_pk, endpoint_id, state, attempts, run_at, created_at, updated_at,
                         ordering_key)
SELECT (SELECT event_id FROM hw_event WHERE id = $1), $1, e.id,
       CASE WHEN e.disabled IS NULL THEN 'pending' ELSE 'disabled' END, 0, $2, $2, $2, $5
FROM hw_endpoint e
WHERE e.app_id IS $4
  AND (e.all_types = 1
   OR EXISTS (SELECT 1 FROM hw_endpoint_type t
              WHERE t.endpoint_id = e.id
                AND ((t.is_prefix = 0 AND t.value = $3)
                  OR (t.is_prefix = 1 AND substr($3, 1, length(t.value)) = t.value))))";

/// What the lanes ($1) have in flight (index `hw_delivery_in_flight`).
pub(super) const BUSY: &str = "\
SELECT l.value,
       (SELECT count(*) FROM hw_delivery f
         WHERE f.endpoint_id = l.value AND f.state = 'in_flight' AND f.run_at > $2)
FROM json_each($1) l";

/// Claims up to $5 due deliveries of endpoint $4 (index `hw_delivery_due`), never one whose
/// expired lease was its schedule's last ($6: the policy's attempts; `ABANDON` fails those).
/// Keeps per-key order ($7: whether a failed delivery holds its key; see `in_order!`).
/// Returns the attempt's number as the log will show it (see `LEASED`).
pub(super) const CLAIM_LANE: &str = concat!(
    "\
UPDATE hw_delivery
SET state = 'in_flight', run_at = $1, lease_token = $2, attempts = attempts + 1, updated_at = $3
WHERE id IN (SELECT d.id FROM hw_delivery d
             WHERE d.endpoint_id = $4 AND d.state IN ('pending', 'in_flight') AND d.run_at <= $3
               AND (d.state = 'pending' OR d.attempts < $6)
               AND ",
    in_order!(),
    "
             ORDER BY d.run_at, d.id LIMIT $5)
RETURNING id, webhook_id, event_pk,
          max(attempts, coalesce((SELECT max(a.attempt) FROM hw_attempt a
                                  WHERE a.delivery_id = hw_delivery.id), 0) + 1)"
);

/// Poison work ends: a delivery in flight whose lease ran out after as many claims as the
/// schedule allows ($2) is failed, with an `abandoned` entry in its log (first `ABANDON_LOG`,
/// then `ABANDON`, in the claim's transaction; at most 100 per claim).
pub(super) const ABANDON_LOG: &str = "\
INSERT INTO hw_attempt (delivery_id, attempt, at, outcome, status, duration_ms, excerpt)
SELECT d.id,
       max(d.attempts, coalesce((SELECT max(a.attempt) FROM hw_attempt a WHERE a.delivery_id = d.id), 0) + 1),
       $1, 'abandoned', NULL, 0,
       'abandoned: claimed ' || d.attempts || ' times, all its retry schedule allows, and the last ' ||
       'lease ran out with no result recorded (a worker crashed or hung on it, or its result could ' ||
       'not be stored)'
FROM hw_delivery d
WHERE d.state = 'in_flight' AND d.run_at <= $1 AND d.attempts >= $2
ORDER BY d.id LIMIT 100";

pub(super) const ABANDON: &str = "\
UPDATE hw_delivery SET state = 'failed', lease_token = NULL, run_at = $1, updated_at = $1
WHERE id IN (SELECT id FROM hw_delivery
             WHERE state = 'in_flight' AND run_at <= $1 AND attempts >= $2
             ORDER BY id LIMIT 100)";

pub(super) const CLAIMED_EVENTS: &str = "\
SELECT id, event_id, event_type, payload, traceparent, tracestate FROM hw_event
WHERE id IN (SELECT value FROM json_each($1))";

/// The leased delivery and its endpoint's health; no row: the lease is stale. The last column
/// is the attempt's number in the log: the claims of this schedule, or one more than the last logged
/// when a retry or recover started a fresh schedule (numbers never restart).
pub(super) const LEASED: &str = "\
SELECT d.attempts, d.endpoint_id, e.consecutive_failures, e.failing_since, e.paused_until,
       e.window_start, e.window_attempts, e.window_failures, e.breaker_opens,
       max(d.attempts, coalesce((SELECT max(a.attempt) FROM hw_attempt a WHERE a.delivery_id = d.id), 0) + 1)
FROM hw_delivery d JOIN hw_endpoint e ON e.id = d.endpoint_id
WHERE d.id = $1 AND d.lease_token = $2 AND d.state = 'in_flight'";

pub(super) const ENDPOINT_TYPES: &str = "\
SELECT endpoint_id, is_prefix, value FROM hw_endpoint_type
WHERE endpoint_id IN (SELECT value FROM json_each($1)) ORDER BY endpoint_id, is_prefix, value";

/// Gives leases back: ids $1 and tokens $2, pairwise.
pub(super) const RELEASE: &str = "\
UPDATE hw_delivery SET state = 'pending', run_at = $3, lease_token = NULL,
       attempts = max(attempts - 1, 0), updated_at = $3
WHERE state = 'in_flight' AND (id, lease_token) IN
      (SELECT i.value, t.value FROM json_each($1) i JOIN json_each($2) t ON t.key = i.key)";
