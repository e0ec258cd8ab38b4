//! Redis: [`RedisStore`], one handle on a Redis database that owns the connection and hands
//! out the stores it supports: the duplicate store ([`RedisStore::dedup`] -> [`RedisDedup`])
//! and the inbox ([`RedisStore::inbox`] -> [`RedisInbox`]). Feature `redis`. It hosts no
//! outbox, and so no events feed (the feed reads an outbox's published events): keep the
//! outbox and its feed on SQLite or PostgreSQL beside a Redis duplicate store or inbox.
//!
//! The connection is a redis-rs `ConnectionManager`: one multiplexed connection that plays the
//! pool's part (so the handle's [`from_pool`](RedisStore::from_pool) and
//! [`pool`](RedisStore::pool) take and give one), reconnects by itself after a dropped
//! connection or a Redis restart, with 2 second connection and response timeouts when
//! [`open`](RedisStore::open) makes it. `rediss://` speaks TLS with rustls (the system's roots
//! and `SSL_CERT_FILE`). Redis has no schema to migrate.
//!
//! ```no_run
//! use std::time::Duration;
//! use hookwire::Timestamp;
//! use hookwire::dedup::{DedupKey, DedupStore};
//! use hookwire::redis::RedisStore;
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let db = RedisStore::open("redis://127.0.0.1:6379/0").await?;
//! let dedup = db.dedup().prefix("shop:dedup:");
//! let claim = dedup.claim(&DedupKey::new("standard:/hooks", "msg_1"), Timestamp::now(), Duration::from_secs(60)).await?;
//! let inbox = db.inbox().prefix("shop:inbox:");
//! # Ok(()) }
//! ```

mod connect;
mod dedup;
mod inbox;
mod tls;

use std::fmt;

use redis::aio::ConnectionManager;

pub use dedup::RedisDedup;
pub use inbox::RedisInbox;

use crate::BackendError;

/// One Redis database: owns the connection, hands out the stores (feature `redis`). Cheap to
/// clone: clones share the connection.
///
/// ```no_run
/// # async fn demo() -> Result<(), hookwire::BackendError> {
/// let db = hookwire::redis::RedisStore::open("redis://127.0.0.1:6379").await?;
/// let (dedup, inbox) = (db.dedup(), db.inbox());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RedisStore {
    connection: ConnectionManager,
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStore").finish_non_exhaustive()
    }
}

impl RedisStore {
    /// Connects to `url` (`redis://[user:password@]host:port[/db]` or `rediss://...`) with a 2
    /// second connection timeout, a 2 second response timeout and automatic reconnection.
    ///
    /// # Errors
    /// The URL is malformed or the server cannot be reached now.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), hookwire::BackendError> {
    /// let db = hookwire::redis::RedisStore::open("redis://127.0.0.1:6379/0").await?;
    /// # Ok(()) }
    /// ```
    pub async fn open(url: &str) -> Result<Self, BackendError> {
        Ok(Self::from_pool(connect::connect(url).await?))
    }

    /// Uses an existing connection manager (configure its timeouts and retries there): the
    /// Redis counterpart of the SQL handles' `from_pool`.
    ///
    /// ```no_run
    /// # async fn demo(manager: redis::aio::ConnectionManager) {
    /// let db = hookwire::redis::RedisStore::from_pool(manager);
    /// # }
    /// ```
    pub fn from_pool(connection: ConnectionManager) -> Self {
        RedisStore { connection }
    }

    /// The connection, shared with every store handed out (clone it for commands of your own).
    ///
    /// ```no_run
    /// # async fn demo(db: hookwire::redis::RedisStore) -> redis::RedisResult<()> {
    /// let id: i64 = redis::cmd("CLIENT").arg("ID").query_async(&mut db.pool().clone()).await?;
    /// # Ok(()) }
    /// ```
    pub fn pool(&self) -> &ConnectionManager {
        &self.connection
    }

    /// The duplicate store, its keys under `hookwire:dedup:` (change it with
    /// [`RedisDedup::prefix`]).
    ///
    /// ```no_run
    /// # fn demo(db: hookwire::redis::RedisStore) {
    /// let dedup = db.dedup().prefix("shop:dedup:");
    /// # }
    /// ```
    pub fn dedup(&self) -> RedisDedup {
        RedisDedup::new(self.connection.clone())
    }

    /// The inbox, its keys under `hookwire:inbox:` (change it with [`RedisInbox::prefix`]).
    ///
    /// ```no_run
    /// # fn demo(db: hookwire::redis::RedisStore) {
    /// let inbox = db.inbox().prefix("shop:inbox:");
    /// # }
    /// ```
    pub fn inbox(&self) -> RedisInbox {
        RedisInbox::new(self.connection.clone())
    }
}
