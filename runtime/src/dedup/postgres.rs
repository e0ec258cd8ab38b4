//! [`PgDedup`]: the duplicate store on PostgreSQL, shared by every replica of a receiver.
//!
//! One row per key in `hw_dedup` (in the connection's current schema, created on first use):
//! a claim is one upsert that inserts the key or takes over a row whose deadline has passed
//! (`ON CONFLICT DO UPDATE ... WHERE expires_at <= now`), with a fresh random token;
//! `complete` and `abandon` act only on the row holding the caller's token. The pool checks
//! each connection before use, so after `pg_terminate_backend` or a server restart the next
//! call runs on a new connection. Expired keys are purged by the store itself, a bounded batch
//! every 500 claims (see [`PgDedup::purge_every`]).

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::Row;
use sqlx::postgres::{PgConnectOptions, PgPool};

use crate::Timestamp;
use crate::dedup::backend::{duration_millis, millis, random_token, settled, token_i64};
use crate::dedup::sweep::{self, Sweep};
use crate::dedup::{BoxFuture, Claim, ClaimToken, DedupError, DedupKey, Settled};

const SCHEMA: &str = "
SELECT pg_advisory_xact_lock(hashtext('hookwire.hw_dedup'));
-- Keys of the duplicate store; times are Unix milliseconds from the receiver's clock.
CREATE TABLE IF NOT EXISTS hw_dedup (
    namespace  TEXT    NOT NULL,
    id         TEXT    NOT NULL,
    token      BIGINT  NOT NULL,
    done       BOOLEAN NOT NULL,
    expires_at BIGINT  NOT NULL,
    PRIMARY KEY (namespace, id)
);
-- Serves purge_expired.
CREATE INDEX IF NOT EXISTS hw_dedup_expires ON hw_dedup (expires_at);
";

/// Inserts the key, or takes over a row whose lease or time to live has passed.
const CLAIM: &str = "
INSERT INTO hw_dedup (namespace, id, token, done, expires_at) VALUES ($1, $2, $3, FALSE, $4)
ON CONFLICT (namespace, id) DO UPDATE
    SET token = EXCLUDED.token, done = FALSE, expires_at = EXCLUDED.expires_at
    WHERE hw_dedup.expires_at <= $5
RETURNING token";

const STATE: &str = "SELECT done, expires_at FROM hw_dedup WHERE namespace = $1 AND id = $2";

const COMPLETE: &str = "
UPDATE hw_dedup SET done = TRUE, expires_at = $4
WHERE namespace = $1 AND id = $2 AND token = $3 AND NOT done";

const ABANDON: &str =
    "DELETE FROM hw_dedup WHERE namespace = $1 AND id = $2 AND token = $3 AND NOT done";

const PURGE: &str = "DELETE FROM hw_dedup WHERE expires_at <= $1";

/// One sweep (`dedup::sweep`): at most $2 of the keys expired at $1, skipping rows a claim
/// holds (so it never waits).
const SWEEP: &str = "
DELETE FROM hw_dedup d USING (
    SELECT namespace, id FROM hw_dedup WHERE expires_at <= $1 LIMIT $2 FOR UPDATE SKIP LOCKED
) x
WHERE d.namespace = x.namespace AND d.id = x.id AND d.expires_at <= $1";

/// The duplicate store on PostgreSQL (feature `postgres`). Cheap to clone: clones share the
/// pool.
///
/// ```no_run
/// use std::time::Duration;
/// use hookwire::Timestamp;
/// use hookwire::dedup::{Claim, DedupKey, DedupStore, PgDedup};
///
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// let store = PgDedup::connect("postgres://postgres@127.0.0.1:5432/shop").await?;
/// let key = DedupKey::new("standard:/hooks", "msg_1");
/// assert!(matches!(store.claim(&key, Timestamp::now(), Duration::from_secs(60)).await?, Claim::New(_)));
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct PgDedup {
    pool: PgPool,
    sweep: Arc<Sweep>,
}

impl fmt::Debug for PgDedup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PgDedup").finish_non_exhaustive()
    }
}

fn unavailable(error: sqlx::Error) -> DedupError {
    DedupError::new(format!("PostgreSQL: {error}"))
}

impl PgDedup {
    /// Connects to `url` (`postgres://...`) with a pool of 10 connections and creates the
    /// `hw_dedup` table in the connection's current schema if it is missing.
    ///
    /// # Errors
    /// The URL is malformed, the server cannot be reached or the table cannot be created.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), hookwire::dedup::DedupError> {
    /// let store = hookwire::dedup::PgDedup::connect("postgres://127.0.0.1/shop").await?;
    /// # Ok(()) }
    /// ```
    pub async fn connect(url: &str) -> Result<Self, DedupError> {
        let options = PgConnectOptions::from_str(url).map_err(|e| {
            DedupError::new(format!(
                "invalid PostgreSQL URL `{}`: {e}",
                crate::redact_url(url)
            ))
        })?;
        Self::connect_with(options).await
    }

    /// Connects with your options (set `search_path` there to choose the schema).
    ///
    /// # Errors
    /// As [`connect`](Self::connect).
    ///
    /// ```no_run
    /// # async fn demo(options: sqlx::postgres::PgConnectOptions) -> Result<(), hookwire::dedup::DedupError> {
    /// let store = hookwire::dedup::PgDedup::connect_with(options).await?;
    /// # Ok(()) }
    /// ```
    pub async fn connect_with(options: PgConnectOptions) -> Result<Self, DedupError> {
        let pool = crate::pg_pool::connect(options, 10, Duration::from_secs(5))
            .await
            .map_err(unavailable)?;
        Self::from_pool(pool).await
    }

    /// Uses an existing pool (an application's own, or the outbox's), creating the table.
    ///
    /// # Errors
    /// The table cannot be created.
    ///
    /// ```no_run
    /// # async fn demo(pool: sqlx::PgPool) -> Result<(), hookwire::dedup::DedupError> {
    /// let store = hookwire::dedup::PgDedup::from_pool(pool).await?;
    /// # Ok(()) }
    /// ```
    pub async fn from_pool(pool: PgPool) -> Result<Self, DedupError> {
        let mut tx = pool.begin().await.map_err(unavailable)?;
        sqlx::raw_sql(SCHEMA)
            .execute(&mut *tx)
            .await
            .map_err(unavailable)?;
        tx.commit().await.map_err(unavailable)?;
        Ok(PgDedup {
            pool,
            sweep: Sweep::new(sweep::EVERY),
        })
    }

    /// The pool, shared with the store.
    ///
    /// ```no_run
    /// # fn demo(store: hookwire::dedup::PgDedup) {
    /// let pool: &sqlx::PgPool = store.pool();
    /// # }
    /// ```
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Deletes the keys whose lease or time to live ended at `now`, all of them at once;
    /// returns how many. The store also purges on its own, a bounded batch at a time (see
    /// [`purge_every`](Self::purge_every)).
    ///
    /// # Errors
    /// The database could not be reached.
    ///
    /// ```no_run
    /// # async fn demo(store: hookwire::dedup::PgDedup) -> Result<(), hookwire::dedup::DedupError> {
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
    /// ```no_run
    /// # async fn demo() -> Result<(), hookwire::dedup::DedupError> {
    /// // Purged by a job of your own (`purge_expired`) instead.
    /// let store = hookwire::dedup::PgDedup::connect("postgres://127.0.0.1/shop").await?.purge_every(0);
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub fn purge_every(mut self, claims: u32) -> Self {
        self.sweep = Sweep::new(claims);
        self
    }
}

crate::dedup::backend::sql_dedup_store!(PgDedup, "PostgreSQL");
