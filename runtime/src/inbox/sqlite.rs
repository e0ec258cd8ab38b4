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

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use sqlx::Row;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};

use crate::Timestamp;
use crate::dedup::backend::settled;
use crate::inbox::backend::{
    DEAD, StoredClaim, WAITING, dead_letter, encode_headers, lease_end, new_token, sql_limit,
    stats, token_i64,
};
use crate::inbox::{
    BoxFuture, ClaimToken, Claimed, DeadLetter, Failure, InboxError, InboxStats, NewItem, Pushed,
    Settled, duration_millis, millis,
};
use crate::sqlite_pool;

const SCHEMA: &str = "
-- Deliveries of the durable inbox; times are Unix milliseconds from the receiver's clock.
-- run_at: due (waiting), lease end (running), retention end (done), given up (dead).
CREATE TABLE IF NOT EXISTS hw_inbox (
    seq         INTEGER PRIMARY KEY,
    queue       TEXT    NOT NULL,
    id          TEXT    NOT NULL,
    event_type  TEXT    NOT NULL,
    signed_at   INTEGER,
    headers     TEXT    NOT NULL,
    body        BLOB    NOT NULL,
    stage       TEXT    NOT NULL,
    run_at      INTEGER NOT NULL,
    token       INTEGER NOT NULL DEFAULT 0,
    attempts    INTEGER NOT NULL DEFAULT 0,
    error       TEXT    NOT NULL DEFAULT '',
    received_at INTEGER NOT NULL,
    UNIQUE (queue, id)
);
-- Serves claim: the due rows of a queue, oldest first.
CREATE INDEX IF NOT EXISTS hw_inbox_due ON hw_inbox (queue, run_at, seq)
    WHERE stage IN ('waiting', 'running');
-- Serves dead and stats.
CREATE INDEX IF NOT EXISTS hw_inbox_stage ON hw_inbox (queue, stage, run_at, seq);
-- Serves purge.
CREATE INDEX IF NOT EXISTS hw_inbox_purge ON hw_inbox (run_at) WHERE stage = 'done';
";

const PUSH: &str = "
INSERT INTO hw_inbox (queue, id, event_type, signed_at, headers, body, stage, run_at, received_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'waiting', ?7, ?7)
ON CONFLICT (queue, id) DO NOTHING";

const DUE: &str = "
SELECT seq, id, event_type, signed_at, headers, body, attempts, received_at FROM hw_inbox
WHERE queue = ?1 AND stage IN ('waiting', 'running') AND run_at <= ?2
ORDER BY run_at, seq LIMIT ?3";

const TAKE: &str =
    "UPDATE hw_inbox SET stage = 'running', run_at = ?1, token = ?2, attempts = ?3 WHERE seq = ?4";

const COMPLETE: &str = "
UPDATE hw_inbox SET stage = 'done', run_at = ?4
WHERE queue = ?1 AND id = ?2 AND token = ?3 AND stage = 'running'";

const FAIL: &str = "
UPDATE hw_inbox SET stage = ?4, run_at = ?5, error = ?6
WHERE queue = ?1 AND id = ?2 AND token = ?3 AND stage = 'running'";

const DEAD_LETTERS: &str = "
SELECT id, event_type, attempts, error, received_at, run_at FROM hw_inbox
WHERE queue = ?1 AND stage = 'dead' ORDER BY run_at, seq LIMIT ?2";

const REVIVE: &str = "
UPDATE hw_inbox SET stage = 'waiting', run_at = ?3, attempts = 0
WHERE queue = ?1 AND id = ?2 AND stage = 'dead'";

const STATS: &str = "SELECT stage, COUNT(*) FROM hw_inbox WHERE queue = ?1 GROUP BY stage";

const PURGE: &str = "DELETE FROM hw_inbox WHERE stage = 'done' AND run_at <= ?1";

/// The inbox in a SQLite file (feature `sqlite`): a crash or a restart loses nothing. Cheap to
/// clone: clones share the pool.
///
/// ```
/// use std::time::Duration;
/// use hookwire::Timestamp;
/// use hookwire::inbox::{InboxStore, NewItem, Pushed, SqliteInbox};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let inbox = SqliteInbox::open("sqlite::memory:").await?;
/// let now = Timestamp::from_unix(1_700_000_000);
/// let item = NewItem::new("shop", "msg_1", "order.created", b"{}".to_vec());
/// assert_eq!(inbox.push(&item, now).await?, Pushed::New);
/// let claimed = inbox.claim("shop", now, Duration::from_secs(60), 10).await?;
/// assert_eq!(claimed[0].item, item);
/// # Ok::<(), hookwire::inbox::InboxError>(())
/// # }).unwrap();
/// ```
#[derive(Clone)]
pub struct SqliteInbox {
    pool: SqlitePool,
}

impl fmt::Debug for SqliteInbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqliteInbox").finish_non_exhaustive()
    }
}

fn unavailable(error: sqlx::Error) -> InboxError {
    InboxError::new(format!("SQLite: {error}"))
}

impl SqliteInbox {
    /// Opens (creating it if missing) the database at `url` (`sqlite://PATH`, `sqlite:PATH`,
    /// `sqlite::memory:`) and creates the `hw_inbox` table if it is missing.
    ///
    /// # Errors
    /// The URL is malformed or the file cannot be opened or written.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), hookwire::inbox::InboxError> {
    /// let inbox = hookwire::inbox::SqliteInbox::open("sqlite://receiver.db").await?;
    /// # Ok(()) }
    /// ```
    pub async fn open(url: &str) -> Result<Self, InboxError> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| {
                InboxError::new(format!(
                    "invalid SQLite URL `{}`: {e}",
                    crate::redact_url(url)
                ))
            })?
            .create_if_missing(true);
        Self::open_with(options).await
    }

    /// Opens with your options; WAL, `synchronous = NORMAL` and a 5 second busy timeout are
    /// set on top of them.
    ///
    /// # Errors
    /// As [`open`](Self::open).
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), hookwire::inbox::InboxError> {
    /// let options = sqlx::sqlite::SqliteConnectOptions::new().filename("receiver.db").create_if_missing(true);
    /// let inbox = hookwire::inbox::SqliteInbox::open_with(options).await?;
    /// # Ok(()) }
    /// ```
    pub async fn open_with(options: SqliteConnectOptions) -> Result<Self, InboxError> {
        let pool = sqlite_pool::connect(sqlite_pool::tuned(options), 4)
            .await
            .map_err(unavailable)?;
        Self::from_pool(pool).await
    }

    /// Uses an existing pool (the outbox's, say), creating the table.
    ///
    /// # Errors
    /// The table cannot be created.
    ///
    /// ```no_run
    /// # async fn demo(pool: sqlx::SqlitePool) -> Result<(), hookwire::inbox::InboxError> {
    /// let inbox = hookwire::inbox::SqliteInbox::from_pool(pool).await?;
    /// # Ok(()) }
    /// ```
    pub async fn from_pool(pool: SqlitePool) -> Result<Self, InboxError> {
        sqlx::raw_sql(SCHEMA)
            .execute(&pool)
            .await
            .map_err(unavailable)?;
        Ok(SqliteInbox { pool })
    }

    /// The pool, shared with the inbox.
    ///
    /// ```no_run
    /// # fn demo(inbox: hookwire::inbox::SqliteInbox) {
    /// let pool: &sqlx::SqlitePool = inbox.pool();
    /// # }
    /// ```
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    async fn claim_now(
        &self,
        queue: &str,
        now: Timestamp,
        lease: Duration,
        limit: usize,
    ) -> Result<Vec<Claimed>, InboxError> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let until = lease_end(now, lease);
        let mut tx = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(unavailable)?;
        let rows = sqlx::query(DUE)
            .bind(queue)
            .bind(millis(now))
            .bind(sql_limit(limit))
            .fetch_all(&mut *tx)
            .await
            .map_err(unavailable)?;
        let mut claimed = Vec::with_capacity(rows.len());
        for row in rows {
            let seq: i64 = row.try_get(0).map_err(unavailable)?;
            let attempts = row
                .try_get::<i64, _>(6)
                .map_err(unavailable)?
                .saturating_add(1);
            let token = new_token()?;
            sqlx::query(TAKE)
                .bind(until)
                .bind(token_i64(token))
                .bind(attempts)
                .bind(seq)
                .execute(&mut *tx)
                .await
                .map_err(unavailable)?;
            let stored = StoredClaim {
                queue: queue.to_owned(),
                id: row.try_get(1).map_err(unavailable)?,
                event_type: row.try_get(2).map_err(unavailable)?,
                signed_at: row.try_get(3).map_err(unavailable)?,
                headers: row.try_get(4).map_err(unavailable)?,
                body: row.try_get(5).map_err(unavailable)?,
                token,
                attempts,
                received_at: row.try_get(7).map_err(unavailable)?,
            };
            claimed.push(stored.into_claimed()?);
        }
        tx.commit().await.map_err(unavailable)?;
        Ok(claimed)
    }
}

crate::inbox::backend::sql_inbox_store!(SqliteInbox);
