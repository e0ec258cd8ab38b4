//! [`SqliteInbox`]: the inbox in a SQLite file, for receivers on one machine (several
//! processes, or one process and its restarts).
//!
//! One row per delivery in `hw_inbox`, `(queue, id)` unique. `run_at` is the row's next
//! moment: when it is due (waiting), its lease end (running), its retention end (done) or when
//! it was given up (dead); `seq` (the rowid) is push order. A push is one
//! `INSERT .. ON CONFLICT DO NOTHING`; a claim is one `BEGIN IMMEDIATE` transaction that picks
//! the oldest due rows and gives each a fresh random token; `complete` and `fail` change a row
//! only while it is running under the caller's token. The file is opened in WAL mode with a 5
//! second busy timeout.
//!
//! **What it promises.** A push is answered (and the sender told `200`) once its commit is
//! synced to disk: [`SqliteStore`](super::SqliteStore) opens its connections with `synchronous = FULL`, so an
//! acknowledged delivery survives a crash of the process, of the OS, and a power loss.
//! `synchronous = NORMAL` (`?synchronous=normal` in the URL, or
//! [`SqliteStore::open_with_synchronous`](super::SqliteStore::open_with_synchronous)) survives a crash of the
//! process only: in WAL mode the last commits may roll back on a power loss, after the sender
//! saw `200`. A pool given to [`SqliteStore::from_pool`](super::SqliteStore::from_pool) keeps its own
//! settings.
//! The price, on the inbox bench (`runtime/benches/inbox.rs`, a loaded 2-core machine): time to
//! `200` 204 µs with `FULL` against 70 µs with `NORMAL` one request at a time, and 1,257 against
//! 12,122 requests a second with 16 in flight (SQLite's one writer waits for each sync).

use sqlx::Row;
use sqlx::sqlite::SqlitePool;

use crate::inbox::stored::{Batch, RUNNING, attempts, sql_limit};
use crate::inbox::{ClaimedDelivery, InboxError, gave_up};
use crate::plumbing::{random_token, token_i64};
use crate::sql::inbox::stored_claim;

const DUE: &str = "
SELECT id, event_type, signed_at, headers, body, seq, attempts, received_at, stage, error
FROM hw_inbox
WHERE queue = ?1 AND stage IN ('waiting', 'running') AND run_at <= ?2
ORDER BY run_at, seq LIMIT ?3";

const TAKE: &str =
    "UPDATE hw_inbox SET stage = 'running', run_at = ?1, token = ?2, attempts = ?3 WHERE seq = ?4";

/// One claim takes every row it may in one transaction: SQLite's one writer holds its lock.
const CLAIM_BATCH: usize = usize::MAX;

/// Gives up on a due delivery claimed as often as its schedule allows.
const GIVE_UP: &str = "UPDATE hw_inbox SET stage = 'dead', run_at = ?1, error = ?2 WHERE seq = ?3";

crate::sql::inbox::sql_inbox_store! {
    /// The inbox in a SQLite file (feature `sqlite`): a crash or a restart loses nothing. Cheap to
    /// clone: clones share the pool.
    ///
    /// ```
    /// use std::time::Duration;
    /// use hookwire::Timestamp;
    /// use hookwire::inbox::{InboxStore, NewItem, Pushed};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let inbox = hookwire::sqlite::SqliteStore::open("sqlite::memory:").await?.inbox();
    /// let now = Timestamp::from_unix(1_700_000_000);
    /// let item = NewItem::new("shop", "msg_1", "order.created", b"{}".to_vec());
    /// assert_eq!(inbox.push(&item, now).await?, Pushed::New);
    /// let claimed = inbox.claim("shop", now, Duration::from_secs(60), 10, 8).await?;
    /// assert_eq!(claimed[0].item, item);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # }).unwrap();
    /// ```
    pub struct SqliteInbox {
        pool: SqlitePool,
    }
    database: "SQLite",
}

/// Claims in one `BEGIN IMMEDIATE` transaction.
async fn claim_batch(
    pool: &SqlitePool,
    batch: Batch<'_>,
) -> Result<Vec<ClaimedDelivery>, InboxError> {
    let mut tx = crate::plumbing::begin(pool, super::migrate::LINE.begin)
        .await
        .map_err(unavailable)?;
    let rows = sqlx::query(DUE)
        .bind(batch.queue)
        .bind(batch.now)
        .bind(sql_limit(batch.limit))
        .fetch_all(&mut *tx)
        .await
        .map_err(unavailable)?;
    let mut claimed = Vec::with_capacity(rows.len());
    let mut recovered_one = false;
    for row in rows {
        let seq: i64 = row.try_get(5).map_err(unavailable)?;
        let before = row.try_get::<i64, _>(6).map_err(unavailable)?;
        let recovered = row.try_get::<String, _>(8).map_err(unavailable)? == RUNNING;
        if attempts(before) >= batch.max_attempts {
            let error: String = row.try_get(9).map_err(unavailable)?;
            sqlx::query(GIVE_UP)
                .bind(batch.now)
                .bind(gave_up(attempts(before), recovered, &error))
                .bind(seq)
                .execute(&mut *tx)
                .await
                .map_err(unavailable)?;
            continue;
        }
        if recovered && std::mem::replace(&mut recovered_one, true) {
            continue;
        }
        let after = before.saturating_add(1);
        let token = random_token().map_err(InboxError::new)?;
        sqlx::query(TAKE)
            .bind(batch.until)
            .bind(token_i64(token))
            .bind(after)
            .bind(seq)
            .execute(&mut *tx)
            .await
            .map_err(unavailable)?;
        let stored =
            stored_claim(&row, batch.queue, token, after, recovered).map_err(unavailable)?;
        claimed.push(stored.into_claimed()?);
    }
    tx.commit().await.map_err(unavailable)?;
    Ok(claimed)
}
