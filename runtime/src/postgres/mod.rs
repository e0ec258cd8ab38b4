//! PostgreSQL: [`PgStore`], one handle on a database (and schema) that owns the pool and
//! hands out the stores it supports: the duplicate store ([`PgStore::dedup`] -> [`PgDedup`]),
//! the inbox ([`PgStore::inbox`] -> [`PgInbox`]) and, with feature `outbox`, the outbox
//! (`PgStore::outbox` -> `PgOutbox`) and its events feed (`PgStore::feed` -> `PgFeed`).
//! Feature `postgres` (the driver, with TLS: rustls, the system's roots and `SSL_CERT_FILE`).
//!
//! The tables live in the connection's current schema: the first schema of its `search_path`
//! (`postgres://host/db?options=-csearch_path%3Dhooks`, or `options.options([("search_path",
//! "hooks")])`), which must exist. Every constructor brings that schema to this build's
//! migrations before it returns (see [`PgStore::migrate`]); replicas starting at once wait for
//! each other on an advisory lock. The pool holds up to 10 connections, checks each before
//! use (after `pg_terminate_backend` or a server restart the next call runs on a new one) and
//! makes the first at once, so a wrong host, port, password or TLS setting fails with its own
//! reason.
//!
//! ```no_run
//! use std::time::Duration;
//! use hookwire::Timestamp;
//! use hookwire::dedup::{DedupKey, DedupStore};
//! use hookwire::postgres::PgStore;
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let db = PgStore::open("postgres://postgres@127.0.0.1:5432/shop").await?;
//! let dedup = db.dedup();
//! let claim = dedup.claim(&DedupKey::new("standard:/hooks", "msg_1"), Timestamp::now(), Duration::from_secs(60)).await?;
//! let inbox = db.inbox();
//! # Ok(()) }
//! ```

mod dedup;
#[cfg(feature = "outbox")]
mod feed;
mod inbox;
mod migrate;
#[cfg(feature = "outbox")]
mod outbox;
pub(crate) mod pool;

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool};
use sqlx::{Postgres, Transaction};

pub use dedup::PgDedup;
#[cfg(feature = "outbox")]
#[cfg_attr(docsrs, doc(cfg(feature = "outbox")))]
pub use feed::PgFeed;
pub use inbox::PgInbox;
#[cfg(feature = "outbox")]
#[cfg_attr(docsrs, doc(cfg(feature = "outbox")))]
pub use outbox::PgOutbox;

use crate::BackendError;

const BACKEND: &str = "PostgreSQL";

/// One PostgreSQL database and schema: owns the pool, hands out the stores (feature
/// `postgres`). Cheap to clone: clones share the pool.
///
/// ```no_run
/// # async fn demo() -> Result<(), hookwire::BackendError> {
/// let db = hookwire::postgres::PgStore::open("postgres://postgres@127.0.0.1:5432/shop").await?;
/// let (dedup, inbox) = (db.dedup(), db.inbox());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct PgStore {
    pool: PgPool,
}

fn options(url: &str) -> Result<PgConnectOptions, BackendError> {
    PgConnectOptions::from_str(url).map_err(|e| BackendError::invalid_url(BACKEND, url, e))
}

impl PgStore {
    /// Connects to `url` (`postgres://...` or `postgresql://...`) and migrates its schema.
    ///
    /// # Errors
    /// The URL is malformed, the server cannot be reached, or the schema is missing or newer
    /// than this build's.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), hookwire::BackendError> {
    /// let db = hookwire::postgres::PgStore::open("postgres://127.0.0.1/shop?options=-csearch_path%3Dhooks").await?;
    /// # Ok(()) }
    /// ```
    pub async fn open(url: &str) -> Result<Self, BackendError> {
        Self::open_with(options(url)?).await
    }

    /// Connects with your options (set `search_path` there to choose the schema).
    ///
    /// # Errors
    /// As [`open`](Self::open).
    ///
    /// ```no_run
    /// # async fn demo(options: hookwire::sqlx::postgres::PgConnectOptions) -> Result<(), hookwire::BackendError> {
    /// let db = hookwire::postgres::PgStore::open_with(options.options([("search_path", "hooks")])).await?;
    /// # Ok(()) }
    /// ```
    pub async fn open_with(options: PgConnectOptions) -> Result<Self, BackendError> {
        let pool = pool::connect(options, 10, Duration::from_secs(5))
            .await
            .map_err(unavailable)?;
        Self::from_pool(pool).await
    }

    /// Begins a transaction: for your change and what you store with it.
    ///
    /// # Errors
    /// The database is unavailable.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), hookwire::BackendError> {
    /// let db = hookwire::postgres::PgStore::open("postgres://127.0.0.1/shop").await?;
    /// let tx = db.begin().await?;
    /// tx.commit().await.unwrap();
    /// # Ok(()) }
    /// ```
    pub async fn begin(&self) -> Result<Transaction<'static, Postgres>, BackendError> {
        self.pool.begin().await.map_err(unavailable)
    }

    /// Connects to `url` as [`open`](Self::open) does, on one connection, but does not migrate:
    /// for tools that list or apply the migrations themselves (`hookwire migrate`). Use the
    /// stores only once [`migrate`](Self::migrate) ran.
    ///
    /// # Errors
    /// The URL is malformed or the server cannot be reached.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), hookwire::BackendError> {
    /// let db = hookwire::postgres::PgStore::open_unmigrated("postgres://127.0.0.1/shop").await?;
    /// assert!(db.migrations().await?.iter().all(|m| m.applied_at.is_none()));
    /// assert_eq!(db.migrate().await?.len(), db.migrations().await?.len());
    /// # Ok(()) }
    /// ```
    pub async fn open_unmigrated(url: &str) -> Result<Self, BackendError> {
        let pool = pool::connect(options(url)?, 1, Duration::from_secs(5))
            .await
            .map_err(unavailable)?;
        Ok(PgStore { pool })
    }

    /// The outbox's pool ([`outbox`](Self::outbox)): the handle's.
    #[cfg(feature = "outbox")]
    #[allow(clippy::unused_async)]
    async fn outbox_pool(&self) -> Result<PgPool, crate::outbox::StoreError> {
        Ok(self.pool.clone())
    }
}

crate::sql::handle::sql_handle!(
    PgStore,
    PgPool,
    PgDedup,
    PgInbox,
    PgOutbox,
    PgFeed,
    "postgres://127.0.0.1/app"
);
