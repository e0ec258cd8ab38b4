//! [`PgInbox`]: the inbox on PostgreSQL, shared by every replica of a receiver.
//!
//! One row per delivery in `hw_inbox` (in the connection's current schema, see `PgStore`), primary key `(queue, id)`. `run_at` is the row's next moment: when it is due
//! (waiting), its lease end (running), its retention end (done) or when it was given up
//! (dead); `seq` is push order. A push is one `INSERT .. ON CONFLICT DO NOTHING`; a claim is
//! one `UPDATE` of the oldest due rows picked with `FOR UPDATE SKIP LOCKED`, so replicas
//! claiming at once never wait for nor share a row; `complete` and `fail` change a row only
//! while it is running under the caller's token. The pool checks each connection before use,
//! so after `pg_terminate_backend` or a server restart the next call runs on a new connection.
//!
//! **What it promises.** A push is answered once its `INSERT` committed: it survives a crash of
//! the receiver, of PostgreSQL and a power loss when the server runs with `fsync = on` and
//! `synchronous_commit` not `off` (the defaults; `off` may lose the last commits on a server
//! crash, after the sender saw `200`). On a replica set, `synchronous_commit` and
//! `synchronous_standby_names` say whether a failover can lose it.

use sqlx::Row;
use sqlx::postgres::PgPool;

use crate::ClaimToken;
use crate::inbox::stored::{Batch, CLAIM_BATCH, sql_limit};
use crate::inbox::{ClaimedDelivery, InboxError};
use crate::plumbing::{random_tokens, token_i64};
use crate::sql::inbox::stored_claim;

/// Takes the oldest due rows no other claim holds: those claimed `$6` times already become
/// dead letters (the words of [`gave_up`](crate::inbox::gave_up)), the others are claimed, at
/// most one of them recovered from an ended lease; each gets one of the tokens in `$5`.
/// Returns each row's due time before the claim, to order them, and whether it was recovered.
const CLAIM: &str = "
WITH due AS (
    SELECT queue, id, run_at, seq, stage, attempts, error FROM hw_inbox
    WHERE queue = $1 AND stage IN ('waiting', 'running') AND run_at <= $2
    ORDER BY run_at, seq
    LIMIT $3
    FOR UPDATE SKIP LOCKED
), ranked AS (
    SELECT due.*, row_number() OVER (
        PARTITION BY stage = 'running' AND attempts < $6 ORDER BY run_at, seq
    ) AS rank
    FROM due
), given_up AS (
    UPDATE hw_inbox AS h
    SET stage = 'dead', run_at = $2, error = CASE WHEN ranked.stage = 'running'
        THEN 'abandoned after ' || ranked.attempts || ' runs without a recorded result: the '
            || 'worker crashed or was killed, or the handler outlived its lease'
        ELSE 'gave up after ' || ranked.attempts || ' runs, as many as the retry schedule '
            || 'allows: ' || ranked.error
        END
    FROM ranked
    WHERE ranked.attempts >= $6 AND h.queue = ranked.queue AND h.id = ranked.id
    RETURNING h.id
), picked AS (
    SELECT queue, id, run_at, seq, stage, row_number() OVER (ORDER BY run_at, seq) AS n
    FROM ranked
    WHERE attempts < $6 AND (stage = 'waiting' OR rank = 1)
)
UPDATE hw_inbox AS h
SET stage = 'running', run_at = $4, token = ($5::BIGINT[])[picked.n], attempts = h.attempts + 1
FROM picked
WHERE h.queue = picked.queue AND h.id = picked.id
RETURNING h.id, h.event_type, h.signed_at, h.headers, h.body, h.token, h.attempts,
    h.received_at, picked.run_at, picked.seq, picked.stage = 'running'";

crate::sql::inbox::sql_inbox_store! {
    /// The inbox on PostgreSQL (feature `postgres`): every replica of a receiver pushes to and
    /// claims from one table. Cheap to clone: clones share the pool.
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use hookwire::Timestamp;
    /// use hookwire::inbox::{InboxStore, NewItem};
    ///
    /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// let inbox = hookwire::postgres::PgStore::open("postgres://postgres@127.0.0.1:5432/shop").await?.inbox();
    /// inbox.push(&NewItem::new("shop", "msg_1", "order.created", b"{}".to_vec()), Timestamp::now()).await?;
    /// let claimed = inbox.claim("shop", Timestamp::now(), Duration::from_secs(60), 10, 8).await?;
    /// # Ok(()) }
    /// ```
    pub struct PgInbox {
        pool: PgPool,
    }
    database: "PostgreSQL",
}

/// One claim statement for up to `limit` (at most [`CLAIM_BATCH`]) rows, oldest first.
async fn claim_batch(pool: &PgPool, batch: Batch<'_>) -> Result<Vec<ClaimedDelivery>, InboxError> {
    let tokens: Vec<i64> = random_tokens(batch.limit)
        .map_err(InboxError::new)?
        .into_iter()
        .map(token_i64)
        .collect();
    let rows = sqlx::query(CLAIM)
        .bind(batch.queue)
        .bind(batch.now)
        .bind(sql_limit(batch.limit))
        .bind(batch.until)
        .bind(tokens)
        .bind(i32::try_from(batch.max_attempts).unwrap_or(i32::MAX))
        .fetch_all(pool)
        .await
        .map_err(unavailable)?;
    let mut claimed = Vec::with_capacity(rows.len());
    for row in rows {
        let token: i64 = row.try_get(5).map_err(unavailable)?;
        let token = ClaimToken::new(u64::try_from(token).unwrap_or(0));
        let attempts = i64::from(row.try_get::<i32, _>(6).map_err(unavailable)?);
        let recovered = row.try_get(10).map_err(unavailable)?;
        let stored =
            stored_claim(&row, batch.queue, token, attempts, recovered).map_err(unavailable)?;
        let order: (i64, i64) = (
            row.try_get(8).map_err(unavailable)?,
            row.try_get(9).map_err(unavailable)?,
        );
        claimed.push((order, stored.into_claimed()?));
    }
    claimed.sort_by_key(|(order, _)| *order);
    Ok(claimed.into_iter().map(|(_, claimed)| claimed).collect())
}
