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
//! synced to disk: the inbox opens its connections with `synchronous = FULL`, so an
//! acknowledged delivery survives a crash of the process, of the OS, and a power loss.
//! `synchronous = NORMAL` (`?synchronous=normal` in the URL, or
//! [`open_with_synchronous`](SqliteInbox::open_with_synchronous)) survives a crash of the
//! process only: in WAL mode the last commits may roll back on a power loss, after the sender
//! saw `200`. A pool given to [`from_pool`](SqliteInbox::from_pool) keeps its own settings.
//! The price, on the inbox bench (`runtime/benches/inbox.rs`, a loaded 2-core machine): time to
//! `200` 204 µs with `FULL` against 70 µs with `NORMAL` one request at a time, and 1,257 against
//! 12,122 requests a second with 16 in flight (SQLite's one writer waits for each sync).

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use sqlx::Row;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqliteSynchronous};

use crate::Timestamp;
use crate::dedup::backend::settled;
use crate::inbox::backend::{
    DEAD, RUNNING, StoredClaim, WAITING, attempts, dead_letter, encode_headers, lease_end,
    new_token, sql_limit, stats, token_i64,
};
use crate::inbox::{
    BoxFuture, ClaimToken, Claimed, DeadLetter, Failure, InboxError, InboxStats, NewItem, Pushed,
    Settled, duration_millis, gave_up, millis,
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
SELECT seq, id, event_type, signed_at, headers, body, attempts, received_at, stage, error
FROM hw_inbox
WHERE queue = ?1 AND stage IN ('waiting', 'running') AND run_at <= ?2
ORDER BY run_at, seq LIMIT ?3";

const TAKE: &str =
    "UPDATE hw_inbox SET stage = 'running', run_at = ?1, token = ?2, attempts = ?3 WHERE seq = ?4";

/// Gives up on a due delivery claimed as often as its schedule allows.
const GIVE_UP: &str = "UPDATE hw_inbox SET stage = 'dead', run_at = ?1, error = ?2 WHERE seq = ?3";

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
/// let claimed = inbox.claim("shop", now, Duration::from_secs(60), 10, 8).await?;
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
        let (url, synchronous) = take_synchronous(url)?;
        let options = SqliteConnectOptions::from_str(&url)
            .map_err(|e| {
                InboxError::new(format!(
                    "invalid SQLite URL `{}`: {e}",
                    crate::redact_url(&url)
                ))
            })?
            .create_if_missing(true);
        Self::open_with_synchronous(options, synchronous).await
    }

    /// Opens with your options; WAL, `synchronous = FULL` (every acknowledged push survives a
    /// power loss) and a 5 second busy timeout are set on top of them.
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
        Self::open_with_synchronous(options, SqliteSynchronous::Full).await
    }

    /// [`open_with`](Self::open_with) at another `synchronous` level: `Normal` trades power
    /// loss safety (the last acknowledged pushes may roll back) for pushes that do not wait
    /// for the disk (see the module's notes for the numbers).
    ///
    /// # Errors
    /// As [`open`](Self::open).
    ///
    /// ```no_run
    /// use sqlx::sqlite::{SqliteConnectOptions, SqliteSynchronous};
    /// # async fn demo() -> Result<(), hookwire::inbox::InboxError> {
    /// let options = SqliteConnectOptions::new().filename("receiver.db").create_if_missing(true);
    /// let inbox = hookwire::inbox::SqliteInbox::open_with_synchronous(options, SqliteSynchronous::Normal).await?;
    /// # Ok(()) }
    /// ```
    pub async fn open_with_synchronous(
        options: SqliteConnectOptions,
        synchronous: SqliteSynchronous,
    ) -> Result<Self, InboxError> {
        let pool = sqlite_pool::connect(sqlite_pool::tuned_with(options, synchronous), 4)
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
        max_attempts: u32,
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
        let mut recovered_one = false;
        for row in rows {
            let seq: i64 = row.try_get(0).map_err(unavailable)?;
            let before = row.try_get::<i64, _>(6).map_err(unavailable)?;
            let recovered = row.try_get::<String, _>(8).map_err(unavailable)? == RUNNING;
            if attempts(before) >= max_attempts {
                let error: String = row.try_get(9).map_err(unavailable)?;
                sqlx::query(GIVE_UP)
                    .bind(millis(now))
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
            let token = new_token()?;
            sqlx::query(TAKE)
                .bind(until)
                .bind(token_i64(token))
                .bind(after)
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
                attempts: after,
                received_at: row.try_get(7).map_err(unavailable)?,
                recovered,
            };
            claimed.push(stored.into_claimed()?);
        }
        tx.commit().await.map_err(unavailable)?;
        Ok(claimed)
    }
}

crate::inbox::backend::sql_inbox_store!(SqliteInbox);

/// Takes `synchronous=full|normal|extra` out of a SQLite URL's query (sqlx does not know it);
/// `FULL` without it.
fn take_synchronous(url: &str) -> Result<(String, SqliteSynchronous), InboxError> {
    let Some((base, query)) = url.split_once('?') else {
        return Ok((url.to_owned(), SqliteSynchronous::Full));
    };
    let mut synchronous = SqliteSynchronous::Full;
    let mut kept = Vec::new();
    for pair in query.split('&') {
        match pair.split_once('=') {
            Some((name, value)) if name.eq_ignore_ascii_case("synchronous") => {
                synchronous = match value.to_ascii_lowercase().as_str() {
                    "full" => SqliteSynchronous::Full,
                    "normal" => SqliteSynchronous::Normal,
                    "extra" => SqliteSynchronous::Extra,
                    _ => {
                        return Err(InboxError::new(format!(
                            "the SQLite URL's `synchronous` must be `full`, `normal` or \
                             `extra`, not `{value}`"
                        )));
                    }
                };
            }
            _ => kept.push(pair),
        }
    }
    let url = if kept.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    Ok((url, synchronous))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synchronous_comes_out_of_the_url() {
        let (url, level) = take_synchronous("sqlite://r.db?mode=rwc&synchronous=normal").unwrap();
        assert_eq!(url, "sqlite://r.db?mode=rwc");
        assert!(matches!(level, SqliteSynchronous::Normal));
        let (url, level) = take_synchronous("sqlite://r.db").unwrap();
        assert_eq!(url, "sqlite://r.db");
        assert!(matches!(level, SqliteSynchronous::Full));
        let (url, _) = take_synchronous("sqlite://r.db?synchronous=FULL").unwrap();
        assert_eq!(url, "sqlite://r.db");
        assert!(take_synchronous("sqlite://r.db?synchronous=off").is_err());
    }
}
