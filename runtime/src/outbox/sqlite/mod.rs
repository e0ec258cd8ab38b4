//! The outbox on SQLite: one file, no server. WAL journal with `synchronous = NORMAL`, every
//! write transaction begins with `BEGIN IMMEDIATE` (so it waits for the writer lock under the
//! busy timeout instead of failing with `SQLITE_BUSY` on upgrade), the schema is created on
//! first use.
//!
//! ```
//! use hookwire::outbox::{NewEndpoint, OutboxStore, RawEvent};
//! use hookwire::outbox::sqlite::SqliteOutbox;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let dir = std::env::temp_dir().join(format!("hookwire-doc-{}", std::process::id()));
//! # std::fs::create_dir_all(&dir)?;
//! # let path = dir.join("sqlite-mod.db");
//! # let _ = std::fs::remove_file(&path);
//! let outbox = SqliteOutbox::open(&format!("sqlite://{}", path.display())).await?;
//! outbox.add_endpoint(&NewEndpoint::new("https://example.com/hooks", "whsec_c2VjcmV0")).await?;
//!
//! // Publish in your own transaction: the event exists exactly when your change commits.
//! let mut tx = outbox.begin().await?;
//! // sqlx::query("INSERT INTO orders ...").execute(&mut *tx).await?;
//! let event_id = outbox.publish_raw_in(&mut tx, &RawEvent::new("order.created", serde_json::json!({"id": 1}))?).await?;
//! tx.commit().await?;
//! assert!(event_id.starts_with("evt_"));
//! assert_eq!(outbox.stats().await?.states.pending, 1);
//! # Ok(()) }
//! ```

mod claim;
mod ops;
mod record;
mod sql;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection, SqlitePool};
use sqlx::{Row, Sqlite, Transaction};
use tokio::sync::Notify;

use crate::dedup::BoxFuture;
use crate::clock::{Clock, SystemClock};
use crate::event::SendEvents;
use crate::sqlite::pool as sqlite_pool;
use crate::outbox::{OutboxStore, Policy, RawEvent, StoreError, id};
use crate::timestamp::Timestamp;

const SCHEMA_VERSION: i64 = 2;

/// The outbox on a SQLite database file. Cheap to clone: clones share the pool, clock, policy
/// and wake-ups.
///
/// ```
/// # async fn demo() -> Result<(), hookwire::outbox::StoreError> {
/// use std::sync::Arc;
/// use hookwire::clock::FixedClock;
/// use hookwire::outbox::Policy;
/// use hookwire::outbox::sqlite::SqliteOutbox;
///
/// let outbox = SqliteOutbox::open("sqlite://outbox.db")
///     .await?
///     .with_clock(Arc::new(FixedClock::new(1_700_000_000)))
///     .with_policy(Policy::default().retry(hookwire::retry::RetryPolicy::default().jitter(0.0)));
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct SqliteOutbox {
    pool: SqlitePool,
    clock: Arc<dyn Clock>,
    policy: Policy,
    wake: Arc<Notify>,
}

impl std::fmt::Debug for SqliteOutbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteOutbox")
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

pub(super) fn db(error: sqlx::Error) -> StoreError {
    StoreError::database(error)
}

impl SqliteOutbox {
    /// Opens (creating it if missing) the database at `url` (`sqlite://PATH` or
    /// `sqlite:PATH`; `sqlite::memory:` for tests, kept to one connection) in WAL mode with
    /// `synchronous = NORMAL` and a 5 second busy timeout, and creates or migrates the outbox
    /// tables.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), hookwire::outbox::StoreError> {
    /// let outbox = hookwire::outbox::sqlite::SqliteOutbox::open("sqlite://outbox.db").await?;
    /// # Ok(()) }
    /// ```
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| StoreError::invalid("url", format!("`{}`: {e}", crate::redact_url(url))))?
            .create_if_missing(true);
        Self::open_with(options).await
    }

    /// Opens with your connection options; WAL, `synchronous = NORMAL`, foreign keys and the
    /// busy timeout (5 s) are set on top of them.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), hookwire::outbox::StoreError> {
    /// use sqlx::sqlite::SqliteConnectOptions;
    /// let options = SqliteConnectOptions::new().filename("outbox.db").create_if_missing(true);
    /// let outbox = hookwire::outbox::sqlite::SqliteOutbox::open_with(options).await?;
    /// # Ok(()) }
    /// ```
    pub async fn open_with(options: SqliteConnectOptions) -> Result<Self, StoreError> {
        let options = sqlite_pool::tuned(options).foreign_keys(true);
        let pool = sqlite_pool::connect(options, 8).await.map_err(db)?;
        Self::from_pool(pool).await
    }

    /// Uses an existing pool (open it in WAL mode), creating or migrating the outbox tables.
    ///
    /// ```no_run
    /// # async fn demo(pool: sqlx::SqlitePool) -> Result<(), hookwire::outbox::StoreError> {
    /// let outbox = hookwire::outbox::sqlite::SqliteOutbox::from_pool(pool).await?;
    /// # Ok(()) }
    /// ```
    pub async fn from_pool(pool: SqlitePool) -> Result<Self, StoreError> {
        let outbox = Self {
            pool,
            clock: Arc::new(SystemClock),
            policy: Policy::default(),
            wake: Arc::new(Notify::new()),
        };
        outbox.migrate().await?;
        Ok(outbox)
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        let migration = |e: sqlx::Error| StoreError::Migration(Box::new(e));
        let mut tx = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(migration)?;
        sqlx::raw_sql(sql::SCHEMA)
            .execute(&mut *tx)
            .await
            .map_err(migration)?;
        let found: i64 = sqlx::query(sql::SCHEMA_VERSION)
            .fetch_one(&mut *tx)
            .await
            .and_then(|row| row.try_get(0))
            .map_err(migration)?;
        if found > SCHEMA_VERSION {
            return Err(StoreError::SchemaTooNew {
                found,
                supported: SCHEMA_VERSION,
            });
        }
        for (version, script) in sql::MIGRATIONS {
            if found < *version {
                sqlx::raw_sql(*script)
                    .execute(&mut *tx)
                    .await
                    .map_err(migration)?;
            }
        }
        if found < SCHEMA_VERSION {
            sqlx::query(sql::SET_SCHEMA_VERSION)
                .bind(SCHEMA_VERSION)
                .execute(&mut *tx)
                .await
                .map_err(migration)?;
        }
        tx.commit().await.map_err(migration)
    }

    /// Uses `clock` for every decision (leases, schedule, pauses, disabling).
    ///
    /// ```
    /// # fn demo(outbox: hookwire::outbox::sqlite::SqliteOutbox) {
    /// let outbox = outbox.with_clock(std::sync::Arc::new(hookwire::clock::FixedClock::new(0)));
    /// # }
    /// ```
    #[must_use]
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Applies `policy` to recorded results.
    ///
    /// ```
    /// # fn demo(outbox: hookwire::outbox::sqlite::SqliteOutbox) {
    /// let outbox = outbox.with_policy(hookwire::outbox::Policy::default().retry(hookwire::retry::RetryPolicy::default().jitter(0.0)));
    /// # }
    /// ```
    #[must_use]
    pub fn with_policy(mut self, policy: Policy) -> Self {
        self.policy = policy;
        self
    }

    /// The connection pool, for your own tables in the same database.
    ///
    /// ```
    /// # fn demo(outbox: &hookwire::outbox::sqlite::SqliteOutbox) {
    /// let pool: &sqlx::SqlitePool = outbox.pool();
    /// # }
    /// ```
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Begins a write transaction with `BEGIN IMMEDIATE`: use it for your change and
    /// [`publish`](Self::publish), then commit.
    ///
    /// ```
    /// # async fn demo(outbox: &hookwire::outbox::sqlite::SqliteOutbox) -> Result<(), hookwire::outbox::StoreError> {
    /// let tx = outbox.begin().await?;
    /// tx.commit().await.map_err(hookwire::outbox::StoreError::database)?;
    /// # Ok(()) }
    /// ```
    pub async fn begin(&self) -> Result<Transaction<'static, Sqlite>, StoreError> {
        self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)
    }

    /// Publishes a typed event inside your transaction (or on any connection to this
    /// database): the envelope is serialized once, stored, and fanned out to one delivery per
    /// subscribed endpoint, all or nothing (in a savepoint of your transaction, or in a
    /// transaction of its own on a connection outside one). A rollback sends nothing. Returns
    /// the event's id.
    ///
    /// ```
    /// # async fn demo<E: hookwire::SendEvents>(outbox: &hookwire::outbox::sqlite::SqliteOutbox, event: &E) -> Result<(), hookwire::outbox::StoreError> {
    /// let mut tx = outbox.begin().await?;
    /// let event_id = outbox.publish(&mut tx, event).await?;
    /// tx.commit().await.map_err(hookwire::outbox::StoreError::database)?;
    /// # Ok(()) }
    /// ```
    pub async fn publish<E: SendEvents>(
        &self,
        conn: &mut SqliteConnection,
        event: &E,
    ) -> Result<String, StoreError> {
        let now = self.clock.now().unix_seconds();
        let bytes = event
            .to_envelope(Timestamp::from_unix(now))
            .map_err(StoreError::Serialize)?;
        let payload = String::from_utf8(bytes).map_err(|e| StoreError::Corrupt {
            table: "hw_event",
            reason: format!("the envelope is not UTF-8: {e}"),
        })?;
        self.insert_event(conn, event.event_type(), &payload, now)
            .await
    }

    /// Publishes an event given as type and JSON data inside your transaction.
    ///
    /// ```
    /// # async fn demo(outbox: &hookwire::outbox::sqlite::SqliteOutbox) -> Result<(), hookwire::outbox::StoreError> {
    /// use hookwire::outbox::RawEvent;
    /// let mut tx = outbox.begin().await?;
    /// outbox.publish_raw_in(&mut tx, &RawEvent::new("order.created", serde_json::json!({}))?).await?;
    /// tx.commit().await.map_err(hookwire::outbox::StoreError::database)?;
    /// # Ok(()) }
    /// ```
    pub async fn publish_raw_in(
        &self,
        conn: &mut SqliteConnection,
        event: &RawEvent,
    ) -> Result<String, StoreError> {
        let now = self.clock.now().unix_seconds();
        let payload = event.envelope(Timestamp::from_unix(now))?;
        self.insert_event(conn, event.event_type(), &payload, now)
            .await
    }

    async fn insert_event(
        &self,
        conn: &mut SqliteConnection,
        event_type: &str,
        payload: &str,
        now: i64,
    ) -> Result<String, StoreError> {
        let event_id = id::new_event_id();
        // The event and its fan-out are two statements: one transaction of their own (a
        // savepoint inside the caller's), so a failure or a crash between them cannot leave an
        // event without its deliveries when the caller publishes outside a transaction.
        let mut tx = sqlx::Connection::begin(&mut *conn).await.map_err(db)?;
        let pk: i64 = sqlx::query(sql::INSERT_EVENT)
            .bind(&event_id)
            .bind(event_type)
            .bind(payload)
            .bind(now)
            .fetch_one(&mut *tx)
            .await
            .and_then(|row| row.try_get(0))
            .map_err(db)?;
        sqlx::query(sql::FAN_OUT)
            .bind(pk)
            .bind(now)
            .bind(event_type)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        tx.commit().await.map_err(db)?;
        // A worker woken before the commit waits for the writer lock, then sees the rows.
        self.wake();
        Ok(event_id)
    }

    /// Wakes the workers of this process waiting in `wait_for_work` (and the next one to wait).
    fn wake(&self) {
        self.wake.notify_waiters();
        self.wake.notify_one();
    }
}

impl OutboxStore for SqliteOutbox {
    fn now(&self) -> i64 {
        self.clock.now().unix_seconds()
    }

    fn policy(&self) -> &Policy {
        &self.policy
    }

    fn add_endpoint<'a>(&'a self, endpoint: &'a crate::outbox::NewEndpoint) -> BoxFuture<'a, Result<crate::outbox::EndpointId, StoreError>> {
        Box::pin(async move {
            ops::add_endpoint(self, endpoint).await
        })
    }

    fn update_endpoint<'a>(&'a self, id: crate::outbox::EndpointId, endpoint: &'a crate::outbox::NewEndpoint) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            ops::update_endpoint(self, id, endpoint).await
        })
    }

    fn endpoint<'a>(&'a self, id: crate::outbox::EndpointId) -> BoxFuture<'a, Result<Option<crate::outbox::WebhookEndpoint>, StoreError>> {
        Box::pin(async move {
            ops::endpoint(self, id).await
        })
    }

    fn endpoints<'a>(&'a self, after: Option<crate::outbox::EndpointId>, limit: u32) -> BoxFuture<'a, Result<Vec<crate::outbox::WebhookEndpoint>, StoreError>> {
        Box::pin(async move {
            ops::endpoints(self, after, limit).await
        })
    }

    fn set_enabled<'a>(&'a self, id: crate::outbox::EndpointId, enabled: bool) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            ops::set_enabled(self, id, enabled).await
        })
    }

    fn publish_raw<'a>(&'a self, events: &'a [RawEvent]) -> BoxFuture<'a, Result<Vec<String>, StoreError>> {
        Box::pin(async move {
            let mut tx = self.begin().await?;
            let mut ids = Vec::with_capacity(events.len());
            for event in events {
                ids.push(self.publish_raw_in(&mut tx, event).await?);
            }
            tx.commit().await.map_err(db)?;
            Ok(ids)
        })
    }

    fn claim<'a>(&'a self, request: crate::outbox::ClaimRequest) -> BoxFuture<'a, Result<Vec<crate::outbox::Claimed>, StoreError>> {
        Box::pin(async move {
            claim::claim(self, request).await
        })
    }

    fn record<'a>(&'a self, results: &'a [crate::outbox::AttemptResult]) -> BoxFuture<'a, Result<Vec<crate::outbox::Recorded>, StoreError>> {
        Box::pin(async move {
            record::record(self, results).await
        })
    }

    fn release<'a>(&'a self, leases: &'a [crate::outbox::Lease]) -> BoxFuture<'a, Result<u64, StoreError>> {
        Box::pin(async move {
            record::release(self, leases).await
        })
    }

    fn wait_for_work<'a>(&'a self, timeout: Duration) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let _ = tokio::time::timeout(timeout, self.wake.notified()).await;
        })
    }

    fn deliveries<'a>(&'a self, query: &'a crate::outbox::DeliveryQuery) -> BoxFuture<'a, Result<Vec<crate::outbox::DeliveryInfo>, StoreError>> {
        Box::pin(async move {
            ops::deliveries(self, query).await
        })
    }

    fn attempts<'a>(&'a self, delivery: crate::outbox::DeliveryId) -> BoxFuture<'a, Result<Vec<crate::outbox::AttemptLog>, StoreError>> {
        Box::pin(async move {
            ops::attempts(self, delivery).await
        })
    }

    fn retry<'a>(&'a self, delivery: crate::outbox::DeliveryId) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async move {
            ops::retry(self, delivery).await
        })
    }

    fn recover<'a>(&'a self, endpoint: crate::outbox::EndpointId, since: i64) -> BoxFuture<'a, Result<u64, StoreError>> {
        Box::pin(async move {
            ops::recover(self, endpoint, since).await
        })
    }

    fn purge<'a>(&'a self, before: i64) -> BoxFuture<'a, Result<crate::outbox::Purged, StoreError>> {
        Box::pin(async move {
            ops::purge(self, before).await
        })
    }

    fn stats<'a>(&'a self) -> BoxFuture<'a, Result<crate::outbox::OutboxStats, StoreError>> {
        Box::pin(async move {
            ops::stats(self).await
        })
    }
}
