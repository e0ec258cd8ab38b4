//! [`SqliteDedup`]: the duplicate store in a SQLite file, shared by the processes of one
//! machine (several receivers, or a receiver and its restarts).
//!
//! The same table and statements as [`PgDedup`](crate::dedup::PgDedup) (when that backend is
//! compiled): a claim is one upsert that inserts the key or takes over a row whose deadline
//! has passed; `complete` and `abandon` act only on the row holding the caller's token. The
//! file is opened in WAL mode with a 5 second busy timeout; each statement is its own write
//! transaction, so none upgrades a read lock. Expired keys are purged by the store itself, a
//! bounded batch every 500 claims (see [`SqliteDedup::purge_every`]).

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::Row;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};

use crate::Timestamp;
use crate::dedup::backend::{duration_millis, millis, random_token, settled, token_i64};
use crate::dedup::sweep::{self, Sweep};
use crate::dedup::{BoxFuture, Claim, ClaimToken, DedupError, DedupKey, Settled};
use crate::sqlite_pool;

const SCHEMA: &str = "
-- Keys of the duplicate store; times are Unix milliseconds from the receiver's clock.
CREATE TABLE IF NOT EXISTS hw_dedup (
    namespace  TEXT    NOT NULL,
    id         TEXT    NOT NULL,
    token      INTEGER NOT NULL,
    done       INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (namespace, id)
) WITHOUT ROWID;
-- Serves purge_expired.
CREATE INDEX IF NOT EXISTS hw_dedup_expires ON hw_dedup (expires_at);
";

/// Inserts the key, or takes over a row whose lease or time to live has passed.
const CLAIM: &str = "
INSERT INTO hw_dedup (namespace, id, token, done, expires_at) VALUES (?1, ?2, ?3, 0, ?4)
ON CONFLICT (namespace, id) DO UPDATE
    SET token = excluded.token, done = 0, expires_at = excluded.expires_at
    WHERE hw_dedup.expires_at <= ?5
RETURNING token";

const STATE: &str = "SELECT done, expires_at FROM hw_dedup WHERE namespace = ?1 AND id = ?2";

const COMPLETE: &str = "
UPDATE hw_dedup SET done = 1, expires_at = ?4
WHERE namespace = ?1 AND id = ?2 AND token = ?3 AND done = 0";

const ABANDON: &str =
    "DELETE FROM hw_dedup WHERE namespace = ?1 AND id = ?2 AND token = ?3 AND done = 0";

const PURGE: &str = "DELETE FROM hw_dedup WHERE expires_at <= ?1";

/// One sweep (`dedup::sweep`): at most ?2 of the keys expired at ?1.
const SWEEP: &str = "
DELETE FROM hw_dedup WHERE (namespace, id) IN
    (SELECT namespace, id FROM hw_dedup WHERE expires_at <= ?1 LIMIT ?2)";

/// The duplicate store in a SQLite file (feature `sqlite`). Cheap to clone: clones share the
/// pool.
///
/// ```
/// use std::time::Duration;
/// use hookwire::Timestamp;
/// use hookwire::dedup::{Claim, DedupKey, DedupStore, SqliteDedup};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let store = SqliteDedup::open("sqlite::memory:").await?;
/// let key = DedupKey::new("standard:/hooks", "msg_1");
/// let now = Timestamp::from_unix(1_700_000_000);
/// let Claim::New(token) = store.claim(&key, now, Duration::from_secs(60)).await? else { panic!() };
/// store.complete(&key, token, now, Duration::from_secs(3_600)).await?;
/// assert_eq!(store.claim(&key, now, Duration::from_secs(60)).await?, Claim::Done);
/// # Ok::<(), hookwire::dedup::DedupError>(())
/// # }).unwrap();
/// ```
#[derive(Clone)]
pub struct SqliteDedup {
    pool: SqlitePool,
    sweep: Arc<Sweep>,
}

impl fmt::Debug for SqliteDedup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqliteDedup").finish_non_exhaustive()
    }
}

fn unavailable(error: sqlx::Error) -> DedupError {
    DedupError::new(format!("SQLite: {error}"))
}

impl SqliteDedup {
    /// Opens (creating it if missing) the database at `url` (`sqlite://PATH`, `sqlite:PATH`,
    /// `sqlite::memory:`) and creates the `hw_dedup` table if it is missing.
    ///
    /// # Errors
    /// The URL is malformed or the file cannot be opened or written.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), hookwire::dedup::DedupError> {
    /// let store = hookwire::dedup::SqliteDedup::open("sqlite://receiver.db").await?;
    /// # Ok(()) }
    /// ```
    pub async fn open(url: &str) -> Result<Self, DedupError> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| {
                DedupError::new(format!(
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
    /// # async fn demo() -> Result<(), hookwire::dedup::DedupError> {
    /// let options = sqlx::sqlite::SqliteConnectOptions::new().filename("receiver.db").create_if_missing(true);
    /// let store = hookwire::dedup::SqliteDedup::open_with(options).await?;
    /// # Ok(()) }
    /// ```
    pub async fn open_with(options: SqliteConnectOptions) -> Result<Self, DedupError> {
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
    /// # async fn demo(pool: sqlx::SqlitePool) -> Result<(), hookwire::dedup::DedupError> {
    /// let store = hookwire::dedup::SqliteDedup::from_pool(pool).await?;
    /// # Ok(()) }
    /// ```
    pub async fn from_pool(pool: SqlitePool) -> Result<Self, DedupError> {
        sqlx::raw_sql(SCHEMA)
            .execute(&pool)
            .await
            .map_err(unavailable)?;
        Ok(SqliteDedup {
            pool,
            sweep: Sweep::new(sweep::EVERY),
        })
    }

    /// Deletes the keys whose lease or time to live ended at `now`, all of them at once;
    /// returns how many. The store also purges on its own, a bounded batch at a time (see
    /// [`purge_every`](Self::purge_every)).
    ///
    /// # Errors
    /// The database could not be written.
    ///
    /// ```no_run
    /// # async fn demo(store: hookwire::dedup::SqliteDedup) -> Result<(), hookwire::dedup::DedupError> {
    /// let removed = store.purge_expired(hookwire::Timestamp::now()).await?;
    /// # Ok(()) }
    /// ```
    pub async fn purge_expired(&self, now: Timestamp) -> Result<u64, DedupError> {
        let done = sqlx::query(PURGE)
            .bind(millis(now))
            .execute(&self.pool)
            .await
            .map_err(unavailable)?;
        Ok(done.rows_affected())
    }

    /// Sets how often the store purges expired ids on its own: one bounded sweep (at most
    /// 1 000 rows, beside the claim, never failing it) every `claims` claims, counted across
    /// the store's clones, as of the time those claims carry; 0 turns it off (then run
    /// [`purge_expired`](Self::purge_expired) yourself). The default is every 500 claims,
    /// which keeps up with any rate (each claim adds at most one row). Expired ids are
    /// harmless (a claim takes them over): purging only keeps the table small.
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let store = hookwire::dedup::SqliteDedup::open("sqlite::memory:").await?.purge_every(10_000);
    /// # Ok::<(), hookwire::dedup::DedupError>(())
    /// # }).unwrap();
    /// ```
    #[must_use]
    pub fn purge_every(mut self, claims: u32) -> Self {
        self.sweep = Sweep::new(claims);
        self
    }
}

crate::dedup::backend::sql_dedup_store!(SqliteDedup, "SQLite");
