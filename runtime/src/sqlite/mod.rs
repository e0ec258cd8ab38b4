//! SQLite: [`SqliteStore`], one handle on a database file that owns the pool and hands out the
//! stores it supports: the duplicate store ([`SqliteStore::dedup`] -> [`SqliteDedup`]) and the
//! inbox ([`SqliteStore::inbox`] -> [`SqliteInbox`]). Feature `sqlite` (the driver, bundled:
//! nothing to install).
//!
//! Every constructor brings the database to this build's schema before it returns (see
//! [`SqliteStore::migrate`]). The file is opened in WAL mode with a 5 second busy timeout and,
//! unless the URL or the options say otherwise, `synchronous = FULL`: each commit is synced, so
//! an inbox delivery acknowledged with `200` survives a power loss. `?synchronous=normal` in the
//! URL syncs only at checkpoints (a crash of the process loses nothing, a power loss may roll
//! the last commits back), for stores where that is enough (the duplicate store).
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
mod inbox;
mod migrate;
#[cfg(feature = "outbox")]
mod outbox;
pub(crate) mod pool;

use std::fmt;
use std::str::FromStr;

use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqliteSynchronous};
use sqlx::{Sqlite, Transaction};

pub use dedup::SqliteDedup;
pub use inbox::SqliteInbox;
#[cfg(feature = "outbox")]
#[cfg_attr(docsrs, doc(cfg(feature = "outbox")))]
pub use outbox::SqliteOutbox;

use crate::BackendError;
use crate::sql::migrate::{self as runner, Migration};

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

impl fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqliteStore").finish_non_exhaustive()
    }
}

fn unavailable(error: sqlx::Error) -> BackendError {
    BackendError::unavailable(BACKEND, error)
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

    /// Uses an existing pool (open it in WAL mode), migrating the database.
    ///
    /// # Errors
    /// The database cannot be written, or its schema is newer than this build's.
    ///
    /// ```no_run
    /// # async fn demo(pool: hookwire::sqlx::SqlitePool) -> Result<(), hookwire::BackendError> {
    /// let db = hookwire::sqlite::SqliteStore::from_pool(pool).await?;
    /// # Ok(()) }
    /// ```
    pub async fn from_pool(pool: SqlitePool) -> Result<Self, BackendError> {
        let store = SqliteStore { pool };
        store.migrate().await?;
        Ok(store)
    }

    /// The pool, shared with every store handed out.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let db = hookwire::sqlite::SqliteStore::open("sqlite::memory:").await?;
    /// let one: i64 = hookwire::sqlx::query_scalar("SELECT 1").fetch_one(db.pool()).await.unwrap();
    /// # Ok::<(), hookwire::BackendError>(())
    /// # }).unwrap();
    /// ```
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
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

    /// Applies the migrations this database lacks (`runtime/src/sqlite/migrations/`, in
    /// order, in one `BEGIN IMMEDIATE` transaction, recorded in `hw_migrations`); returns
    /// them. Every constructor runs it: call it to migrate ahead of a deployment (or run
    /// `hookwire migrate --db sqlite://PATH`). Concurrent runs wait for each other.
    ///
    /// # Errors
    /// A migration failed (the transaction is rolled back), or the database records a version
    /// this build does not know ([`BackendError::SchemaTooNew`]).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let db = hookwire::sqlite::SqliteStore::open("sqlite::memory:").await?;
    /// assert!(db.migrate().await?.is_empty(), "open applied them all");
    /// # Ok::<(), hookwire::BackendError>(())
    /// # }).unwrap();
    /// ```
    pub async fn migrate(&self) -> Result<Vec<Migration>, BackendError> {
        runner::migrate(&self.pool, &migrate::LINE).await
    }

    /// Every migration of this build's line, with when it was applied to this database
    /// (`None`: pending). Changes nothing.
    ///
    /// # Errors
    /// The database is unavailable, or records a version this build does not know.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let db = hookwire::sqlite::SqliteStore::open("sqlite::memory:").await?;
    /// assert_eq!(db.migrations().await?[0].name, "dedup");
    /// # Ok::<(), hookwire::BackendError>(())
    /// # }).unwrap();
    /// ```
    pub async fn migrations(&self) -> Result<Vec<Migration>, BackendError> {
        runner::status(&self.pool, &migrate::LINE, migrate::EXISTS).await
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

    /// The duplicate store in this database.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let dedup = hookwire::sqlite::SqliteStore::open("sqlite::memory:").await?.dedup();
    /// # Ok::<(), hookwire::BackendError>(())
    /// # }).unwrap();
    /// ```
    pub fn dedup(&self) -> SqliteDedup {
        SqliteDedup::new(self.pool.clone())
    }

    /// The inbox in this database.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let inbox = hookwire::sqlite::SqliteStore::open("sqlite::memory:").await?.inbox();
    /// # Ok::<(), hookwire::BackendError>(())
    /// # }).unwrap();
    /// ```
    pub fn inbox(&self) -> SqliteInbox {
        SqliteInbox::new(self.pool.clone())
    }

    /// The outbox in this database, sharing the handle's pool (its tables are created or
    /// migrated on first use), so events are published in the same transactions as your
    /// changes ([`begin`](Self::begin)).
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// let store = hookwire::sqlite::SqliteStore::open("sqlite://shop.db").await?;
    /// let outbox = store.outbox().await?;
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "outbox")]
    #[cfg_attr(docsrs, doc(cfg(feature = "outbox")))]
    pub async fn outbox(&self) -> Result<SqliteOutbox, crate::outbox::StoreError> {
        SqliteOutbox::from_pool(self.pool.clone()).await
    }
}
