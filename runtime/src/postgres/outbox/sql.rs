//! The PostgreSQL dialect's own statements (the shared ones are `outbox/sql/statements.rs`).
//! Times are bound parameters from the injected clock, never `now()`. Lists are arrays. The
//! index serving each claim statement is named beside it (see `runtime/src/postgres/migrations/`).

use crate::outbox::sql::Statements;
use crate::outbox::sql::statements::{health, in_order, lanes};

/// What the shared code runs in PostgreSQL's words. Lanes are locked in id order (no deadlock
/// between claimers) so an endpoint's in-flight limit holds across every worker; health is
/// read locked.
pub(super) const STATEMENTS: Statements = Statements {
    lanes: concat!(lanes!(), "\nORDER BY e.id\nFOR NO KEY UPDATE OF e"),
    busy: BUSY,
    endpoint_types: ENDPOINT_TYPES,
    release: RELEASE,
    health: concat!(health!(), "\nFOR NO KEY UPDATE"),
};

pub(super) const CURRENT_SCHEMA: &str = "SELECT current_schema()";

/// Publish, in one round trip: the event; its fan-out, one delivery per endpoint subscribed
/// to the type, held for a disabled endpoint, whose `webhook-id` is the event id (so the
/// events feed and the webhooks deduplicate by one key); and a
/// `pg_notify` on channel $5 (sent at commit, only when there is a delivery to make). Only
/// endpoints of the event's application ($6; NULL: endpoints of none) receive it. The event and
/// each delivery carry its ordering key ($9).
pub(super) const PUBLISH: &str = "\
WITH ev AS (
    INSERT INTO hw_event (event_id, event_type, payload, created_at, app_id, dedupe_key, is_message,
                          ordering_key, traceparent, tracestate)
    VALUES ($1, $2, $3, $4, $6, $7, $8, $9, $10, $11) RETURNING id
), notified AS (
    SELECT pg_notify($5, '') AS sent
)
INSERT INTO hw_delivery (webhook_id, event_pk, endpoint_id, state, attempts, run_at, created_at, updated_at,
                         ordering_key)
SELECT $1, ev.id, e.id,
       CASE WHEN e.disabled IS NULL THEN 'pending' ELSE 'disabled' END, 0, $4, $4, $4, $9
FROM ev CROSS JOIN notified CROSS JOIN hw_endpoint e
WHERE e.app_id IS NOT DISTINCT FROM $6
  AND (e.all_types
   OR EXISTS (SELECT 1 FROM hw_endpoint_type t
              WHERE t.endpoint_id = e.id
                AND ((NOT t.is_prefix AND t.value = $2)
                  OR (t.is_prefix AND starts_with($2, t.value)))))";

/// What the locked lanes have in flight (index `hw_delivery_in_flight`), read after locking.
pub(super) const BUSY: &str = "\
SELECT endpoint_id, count(*) FROM hw_delivery
WHERE endpoint_id = ANY($1) AND state = 'in_flight' AND run_at > $2
GROUP BY endpoint_id";

/// Claims each lane's share ($1 endpoints, $2 counts) in one statement (index
/// `hw_delivery_due`), skipping rows another transaction holds, and never a delivery whose
/// expired lease was its schedule's last ($6: the policy's attempts; `ABANDON` fails those).
/// Keeps per-key order ($7: whether a failed delivery holds its key; see `in_order!`): the
/// lanes' locks serialize the claims of one endpoint, so two claims never both take a key.
/// Returns the attempt's number as the log will show it (see `LEASED`).
pub(super) const CLAIM: &str = concat!("\
WITH picked AS (
    SELECT x.id
    FROM unnest($1::bigint[], $2::bigint[]) AS l (endpoint_id, take)
    CROSS JOIN LATERAL (
        SELECT d.id FROM hw_delivery d
        WHERE d.endpoint_id = l.endpoint_id AND d.state IN ('pending', 'in_flight') AND d.run_at <= $3
          AND (d.state = 'pending' OR d.attempts < $6)
          AND ", in_order!(), "
        ORDER BY d.run_at, d.id
        LIMIT l.take
        FOR UPDATE SKIP LOCKED
    ) x
)
UPDATE hw_delivery d
SET state = 'in_flight', run_at = $4, lease_token = $5, attempts = d.attempts + 1, updated_at = $3
FROM picked, hw_event v
WHERE d.id = picked.id AND v.id = d.event_pk
RETURNING d.id, d.webhook_id, d.endpoint_id,
          greatest(d.attempts, coalesce((SELECT max(a.attempt) FROM hw_attempt a WHERE a.delivery_id = d.id), 0) + 1),
          v.event_id, v.event_type, v.payload, v.traceparent, v.tracestate");

/// Poison work ends: deliveries in flight whose lease ran out after as many claims as the
/// schedule allows ($2) are failed, each with an `abandoned` entry in its log (at most 100 per
/// claim). Run in the claim's transaction once its lanes are locked (so no record in progress
/// holds their deliveries; see `claim.rs`); it only takes delivery rows nobody holds (`SKIP
/// LOCKED`), so it never waits and cannot deadlock.
pub(super) const ABANDON: &str = "\
WITH gone AS (
    SELECT id FROM hw_delivery
    WHERE state = 'in_flight' AND run_at <= $1 AND attempts >= $2
    ORDER BY id LIMIT 100
    FOR UPDATE SKIP LOCKED
), failed AS (
    UPDATE hw_delivery d SET state = 'failed', lease_token = NULL, run_at = $1, updated_at = $1
    FROM gone WHERE d.id = gone.id
    RETURNING d.id, d.attempts,
              greatest(d.attempts, coalesce((SELECT max(a.attempt) FROM hw_attempt a WHERE a.delivery_id = d.id), 0) + 1) AS number
)
INSERT INTO hw_attempt (delivery_id, attempt, at, outcome, status, duration_ms, excerpt)
SELECT id, number, $1, 'abandoned', NULL, 0,
       'abandoned: claimed ' || attempts || ' times, all its retry schedule allows, and the last ' ||
       'lease ran out with no result recorded (a worker crashed or hung on it, or its result could ' ||
       'not be stored)'
FROM failed";

/// The endpoints of a record batch's deliveries ($1), locked in id order before anything
/// else, as claims lock their lanes: concurrent batches and claims then never wait for each
/// other in a cycle.
pub(super) const LOCK_ENDPOINTS: &str = "\
SELECT e.id FROM hw_endpoint e
WHERE e.id IN (SELECT endpoint_id FROM hw_delivery WHERE id = ANY($1))
ORDER BY e.id
FOR NO KEY UPDATE OF e";

/// Successes, all at once: fenced by lease token, the attempts logged. The endpoints' health
/// (the breaker's window) is written after, one endpoint at a time in id order.
pub(super) const DELIVERED: &str = "\
WITH input AS (
    SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::text[])
        AS i (id, token, status, ms, excerpt)
), done AS (
    UPDATE hw_delivery d
    SET state = 'delivered', lease_token = NULL, last_status = i.status, run_at = $6, updated_at = $6
    FROM input i
    WHERE d.id = i.id AND d.lease_token = i.token AND d.state = 'in_flight'
    RETURNING d.id, d.endpoint_id,
              greatest(d.attempts, coalesce((SELECT max(a.attempt) FROM hw_attempt a WHERE a.delivery_id = d.id), 0) + 1) AS number,
              i.status, i.ms, i.excerpt
), logged AS (
    INSERT INTO hw_attempt (delivery_id, attempt, at, outcome, status, duration_ms, excerpt)
    SELECT id, number, $6, 'delivered', status, ms, excerpt FROM done
)
SELECT id, endpoint_id FROM done";

/// The leased delivery, locked; no row: the lease is stale. Column 2 is the attempt's number
/// in the log: the claims of this schedule, or one more than the last logged when a retry or
/// recover started a fresh schedule (numbers never restart).
pub(super) const LEASED: &str = "\
SELECT d.attempts, d.endpoint_id,
       greatest(d.attempts, coalesce((SELECT max(a.attempt) FROM hw_attempt a WHERE a.delivery_id = d.id), 0) + 1)
FROM hw_delivery d
WHERE d.id = $1 AND d.lease_token = $2 AND d.state = 'in_flight'
FOR UPDATE OF d";

pub(super) const RELEASE: &str = "\
UPDATE hw_delivery d SET state = 'pending', run_at = $3, lease_token = NULL,
       attempts = greatest(d.attempts - 1, 0), updated_at = $3
FROM unnest($1::bigint[], $2::bigint[]) AS l (id, token)
WHERE d.id = l.id AND d.lease_token = l.token AND d.state = 'in_flight'";

pub(super) const ENDPOINT_TYPES: &str = "\
SELECT endpoint_id, is_prefix, value FROM hw_endpoint_type
WHERE endpoint_id = ANY($1) ORDER BY endpoint_id, is_prefix, value";
