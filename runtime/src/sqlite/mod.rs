//! SQLite: [`SqliteStore`], one handle on a database file that owns the pool and hands out the
//! stores it supports: the duplicate store ([`SqliteStore::dedup`] -> [`SqliteDedup`]), the
//! inbox ([`SqliteStore::inbox`] -> [`SqliteInbox`]) and, with feature `outbox`, the outbox
//! (`SqliteStore::outbox` -> `SqliteOutbox`) and its events feed (`SqliteStore::feed` ->
//! `SqliteFeed`). Feature `sqlite` (the driver, bundled: nothing to install).
//!
//! Every constructor brings the database to this build's schema before it returns (see
//! [`SqliteStore::migrate`]). The file is opened in WAL mode with a 5 second busy timeout and,
//! unless the URL or the options say otherwise, `synchronous = FULL`: each commit is synced, so
//! an inbox delivery acknowledged with `200` survives a power loss. `?synchronous=normal` in the
//! URL syncs only at checkpoints (a crash of the process loses nothing, a power loss may roll
//! the last commits back), for stores where that is enough (the duplicate store). The outbox
//! (`SqliteStore::outbox`, feature `outbox`) commits its own work at `NORMAL` whatever this
//! level.
//!
//! ```
//! use std::time::Duration;
//! use hookwire::Timestamp;
//! use hookwire::dedup::{Claim, DedupKey, DedupStore};
//! use hookwire::inbox::{InboxStore, NewItem, Pushed};
//! use hookwire::sqlite::SqliteStore;
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let db = SqliteStore::open("sqlite::memory:").await?;
//! let now = Timestamp::from_unix(1_700_000_000);
//!
//! let dedup = db.dedup();
//! let key = DedupKey::new("standard:/hooks", "msg_1");
//! assert!(matches!(dedup.claim(&key, now, Duration::from_secs(60)).await?, Claim::New(_)));
//!
//! let inbox = db.inbox();
//! let item = NewItem::new("shop", "msg_1", "order.created", b"{}".to_vec());
//! assert_eq!(inbox.push(&item, now).await?, Pushed::New);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # }).unwrap();
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

use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqliteSynchronous};
use sqlx::{Sqlite, Transaction};

pub use dedup::SqliteDedup;
#[cfg(feature = "outbox")]
#[cfg_attr(docsrs, doc(cfg(feature = "outbox")))]
pub use feed::SqliteFeed;
pub use inbox::SqliteInbox;
#[cfg(feature = "outbox")]
#[cfg_attr(docsrs, doc(cfg(feature = "outbox")))]
pub use outbox::SqliteOutbox;

use crate::BackendError;

const BACKEND: &str = "SQLite";

/// One SQLite database: owns the pool, hands out the stores (feature `sqlite`). Cheap to
/// clone: clones share the pool.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let db = hookwire::sqlite::SqliteStore::open("sqlite::memory:").await?;
/// let (dedup, inbox) = (db.dedup(), db.inbox());
/// # Ok::<(), hookwire::BackendError>(())
/// # }).unwrap();
/// ```
#[derive(Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

/// The options `url` names, tuned (`synchronous` when the URL does not say).
fn options(
    url: &str,
    synchronous: SqliteSynchronous,
) -> Result<SqliteConnectOptions, BackendError> {
    let (url, synchronous) = pool::take_synchronous(url, synchronous)
        .map_err(|reason| BackendError::invalid_url(BACKEND, url, reason))?;
    let options = SqliteConnectOptions::from_str(&url)
        .map_err(|e| BackendError::invalid_url(BACKEND, &url, e))?
        .create_if_missing(true);
    Ok(pool::tuned_with(options, synchronous).foreign_keys(true))
}

impl SqliteStore {
    /// Opens (creating it if missing) the database at `url` (`sqlite://PATH`, `sqlite:PATH`,
    /// `sqlite::memory:`; `?synchronous=full|normal|extra`, default `full`) and migrates it.
    ///
    /// # Errors
    /// The URL is malformed, the file cannot be opened or written, or its schema is newer
    /// than this build's.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), hookwire::BackendError> {
    /// let db = hookwire::sqlite::SqliteStore::open("sqlite://receiver.db").await?;
    /// # Ok(()) }
    /// ```
    pub async fn open(url: &str) -> Result<Self, BackendError> {
        Self::open_url(url, SqliteSynchronous::Full).await
    }

    /// [`open`](Self::open), with `synchronous` when the URL does not say.
    pub(crate) async fn open_url(
        url: &str,
        synchronous: SqliteSynchronous,
    ) -> Result<Self, BackendError> {
        let pool = pool::connect(options(url, synchronous)?, 8)
            .await
            .map_err(unavailable)?;
        Self::from_pool(pool).await
    }

    /// Opens with your options; WAL, `synchronous = FULL`, foreign keys and a 5 second busy
    /// timeout are set on top of them.
    ///
    /// # Errors
    /// As [`open`](Self::open).
    ///
    /// ```no_run
    /// use hookwire::sqlx::sqlite::SqliteConnectOptions;
    /// # async fn demo() -> Result<(), hookwire::BackendError> {
    /// let options = SqliteConnectOptions::new().filename("receiver.db").create_if_missing(true);
    /// let db = hookwire::sqlite::SqliteStore::open_with(options).await?;
    /// # Ok(()) }
    /// ```
    pub async fn open_with(options: SqliteConnectOptions) -> Result<Self, BackendError> {
        Self::open_with_synchronous(options, SqliteSynchronous::Full).await
    }

    /// [`open_with`](Self::open_with) at another `synchronous` level: `Normal` trades power
    /// loss safety (the last commits may roll back) for commits that do not wait for the disk.
    ///
    /// # Errors
    /// As [`open`](Self::open).
    ///
    /// ```no_run
    /// use hookwire::sqlx::sqlite::{SqliteConnectOptions, SqliteSynchronous};
    /// # async fn demo() -> Result<(), hookwire::BackendError> {
    /// let options = SqliteConnectOptions::new().filename("receiver.db").create_if_missing(true);
    /// let db = hookwire::sqlite::SqliteStore::open_with_synchronous(options, SqliteSynchronous::Normal).await?;
    /// # Ok(()) }
    /// ```
    pub async fn open_with_synchronous(
        options: SqliteConnectOptions,
        synchronous: SqliteSynchronous,
    ) -> Result<Self, BackendError> {
        let options = pool::tuned_with(options, synchronous).foreign_keys(true);
        let pool = pool::connect(options, 8).await.map_err(unavailable)?;
        Self::from_pool(pool).await
    }

    /// Begins a write transaction with `BEGIN IMMEDIATE` (it takes the writer lock at once, so
    /// it never fails on upgrading a read lock): for your change and what you store with it.
    ///
    /// # Errors
    /// The database is unavailable or stayed locked past the busy timeout.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let db = hookwire::sqlite::SqliteStore::open("sqlite::memory:").await?;
    /// let tx = db.begin().await?;
    /// tx.commit().await.unwrap();
    /// # Ok::<(), hookwire::BackendError>(())
    /// # }).unwrap();
    /// ```
    pub async fn begin(&self) -> Result<Transaction<'static, Sqlite>, BackendError> {
        self.pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(unavailable)
    }

    /// Opens `url` as [`open`](Self::open) does, on one connection, but does not migrate it:
    /// for tools that list or apply the migrations themselves (`hookwire migrate`). Use the
    /// stores only once [`migrate`](Self::migrate) ran.
    ///
    /// # Errors
    /// The URL is malformed or the file cannot be opened.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let db = hookwire::sqlite::SqliteStore::open_unmigrated("sqlite::memory:").await?;
    /// assert!(db.migrations().await?.iter().all(|m| m.applied_at.is_none()));
    /// assert_eq!(db.migrate().await?.len(), db.migrations().await?.len());
    /// # Ok::<(), hookwire::BackendError>(())
    /// # }).unwrap();
    /// ```
    pub async fn open_unmigrated(url: &str) -> Result<Self, BackendError> {
        let options = options(url, SqliteSynchronous::Full)?;
        let pool = pool::connect(options, 1).await.map_err(unavailable)?;
        Ok(SqliteStore { pool })
    }

    /// The outbox's pool ([`outbox`](Self::outbox)): its own transactions (claims, results,
    /// releases, `publish_raw`) commit at `synchronous = NORMAL` whatever the handle's level,
    /// as `SqliteOutbox::open` does. In WAL mode such a commit survives a crash of the
    /// process, which is what the outbox promises; a power loss can roll back only its last
    /// claims or results, which it then repeats (a delivery is sent at least once in any
    /// case). On a file that is a pool of its own on the same database (as many connections
    /// as the handle's); an in-memory database shares the handle's pool. An event published
    /// in your own transaction commits with it, at your connection's level. For the handle's
    /// level everywhere: `SqliteOutbox::from_pool(store.pool().clone())`.
    #[cfg(feature = "outbox")]
    async fn outbox_pool(&self) -> Result<SqlitePool, crate::outbox::StoreError> {
        let options = self.pool.connect_options();
        if pool::in_memory(&options) {
            return Ok(self.pool.clone());
        }
        // At `FULL` (the handle's default, for the inbox) each claim and each batch of results
        // waited for a sync of the log (see the `outbox_store` bench's `sqlite/full` row).
        let options = (*options).clone().synchronous(SqliteSynchronous::Normal);
        let connections = self.pool.options().get_max_connections();
        pool::connect(options, connections)
            .await
            .map_err(crate::outbox::StoreError::database)
    }
}

crate::sql::handle::sql_handle!(
    SqliteStore,
    SqlitePool,
    SqliteDedup,
    SqliteInbox,
    SqliteOutbox,
    SqliteFeed,
    "sqlite://app.db"
);
