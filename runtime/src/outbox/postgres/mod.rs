//! The outbox on PostgreSQL, for several workers on several machines: claims lock their
//! endpoints' lanes in id order and take deliveries with `FOR UPDATE SKIP LOCKED`; each publish
//! sends `pg_notify` (delivered at commit) so waiting workers wake at once. The tables live in
//! the connection's current schema (the first entry of `search_path`) and are created on first
//! use.
//!
//! ```no_run
//! use hookwire::outbox::{NewEndpoint, OutboxStore, RawEvent};
//! use hookwire::outbox::postgres::PgOutbox;
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let outbox = PgOutbox::connect("postgres://postgres@127.0.0.1:5432/shop").await?;
//! outbox.add_endpoint(&NewEndpoint::new("https://example.com/hooks", "whsec_c2VjcmV0")).await?;
//!
//! let mut tx = outbox.pool().begin().await?;
//! // sqlx::query("INSERT INTO orders ...").execute(&mut *tx).await?;
//! outbox.publish_raw_in(&mut tx, &RawEvent::new("order.created", serde_json::json!({"id": 1}))?).await?;
//! tx.commit().await?;
//! # Ok(()) }
//! ```

mod claim;
mod ops;
mod record;
mod sql;

use std::str::FromStr;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use sqlx::Row;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgListener, PgPool};
use tokio::sync::Notify;

use crate::dedup::BoxFuture;
use crate::clock::{Clock, SystemClock};
use crate::event::SendEvents;
use crate::outbox::{OutboxStore, Policy, RawEvent, StoreError, id};
use crate::timestamp::Timestamp;

const SCHEMA_VERSION: i64 = 2;

/// The outbox on a PostgreSQL database. Cheap to clone: clones share the pool, clock, policy
/// and wake-ups.
///
/// ```no_run
/// # async fn demo() -> Result<(), hookwire::outbox::StoreError> {
/// use sqlx::postgres::PgConnectOptions;
/// use hookwire::outbox::postgres::PgOutbox;
///
/// // The outbox's tables in the schema `webhooks`.
/// let options: PgConnectOptions = "postgres://postgres@127.0.0.1:5432/shop".parse()
///     .map_err(hookwire::outbox::StoreError::database)?;
/// let outbox = PgOutbox::connect_with(options.options([("search_path", "webhooks")])).await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct PgOutbox {
    pool: PgPool,
    clock: Arc<dyn Clock>,
    policy: Policy,
    channel: Arc<str>,
    wake: Arc<Notify>,
    listening: Arc<Mutex<bool>>,
}

impl std::fmt::Debug for PgOutbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgOutbox")
            .field("channel", &self.channel)
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

pub(super) fn db(error: sqlx::Error) -> StoreError {
    StoreError::database(error)
}

/// A deadlock or serialization failure: the transaction was rolled back and may be run again.
fn retryable(error: &StoreError) -> bool {
    let StoreError::Database(inner) = error else {
        return false;
    };
    let Some(sqlx::Error::Database(database)) = inner.downcast_ref::<sqlx::Error>() else {
        return false;
    };
    matches!(database.code().as_deref(), Some("40P01" | "40001"))
}

/// Runs a transaction body again (up to three times in all) when PostgreSQL rolled it back
/// for a deadlock, which concurrent recorders touching the same endpoints can cause.
async fn with_retries<T, F, Fut>(mut run: F) -> Result<T, StoreError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, StoreError>>,
{
    let mut tries = 0;
    loop {
        tries += 1;
        match run().await {
            Err(error) if tries < 3 && retryable(&error) => continue,
            other => return other,
        }
    }
}

/// Ends `tx` as `result` says: a commit on `Ok`; on `Err` a rollback, waited for, before the
/// error is returned. sqlx only queues the rollback of a dropped transaction (the pool sends
/// it later, from a task of its own), and PostgreSQL answers a failed statement before it has
/// aborted the transaction: waiting for the rollback makes an error from the store mean that
/// its transaction is over and its locks are released.
async fn finish<T>(
    tx: sqlx::Transaction<'_, sqlx::Postgres>,
    result: Result<T, StoreError>,
) -> Result<T, StoreError> {
    match result {
        Ok(value) => {
            tx.commit().await.map_err(db)?;
            Ok(value)
        }
        Err(error) => {
            if let Err(rollback) = tx.rollback().await {
                tracing::debug!(error = %rollback, "outbox: rolling back a failed transaction failed");
            }
            Err(error)
        }
    }
}

/// `hookwire_outbox.<schema>`, or with a hash of the schema where that would pass
/// PostgreSQL's 63-byte identifier limit.
fn channel_name(schema: &str) -> String {
    let name = format!("hookwire_outbox.{schema}");
    if name.len() <= 63 {
        return name;
    }
    let hash = schema
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
        });
    format!("hookwire_outbox.{hash:016x}")
}

impl PgOutbox {
    /// Connects to `url` (`postgres://...`) with a pool of 10 connections and creates or
    /// migrates the outbox tables in the connection's current schema.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), hookwire::outbox::StoreError> {
    /// let outbox = hookwire::outbox::postgres::PgOutbox::connect("postgres://127.0.0.1/shop").await?;
    /// # Ok(()) }
    /// ```
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let options = PgConnectOptions::from_str(url).map_err(|e| {
            StoreError::invalid("url", format!("`{}`: {e}", crate::redact_url(url)))
        })?;
        Self::connect_with(options).await
    }

    /// Connects with your options (set `search_path` there to choose the schema).
    ///
    /// ```no_run
    /// # async fn demo(options: sqlx::postgres::PgConnectOptions) -> Result<(), hookwire::outbox::StoreError> {
    /// let outbox = hookwire::outbox::postgres::PgOutbox::connect_with(options).await?;
    /// # Ok(()) }
    /// ```
    pub async fn connect_with(options: PgConnectOptions) -> Result<Self, StoreError> {
        let pool = crate::postgres::pool::connect(options, 10, Duration::from_secs(30))
            .await
            .map_err(db)?;
        Self::from_pool(pool).await
    }

    /// Uses an existing pool, creating or migrating the outbox tables.
    ///
    /// ```no_run
    /// # async fn demo(pool: sqlx::PgPool) -> Result<(), hookwire::outbox::StoreError> {
    /// let outbox = hookwire::outbox::postgres::PgOutbox::from_pool(pool).await?;
    /// # Ok(()) }
    /// ```
    pub async fn from_pool(pool: PgPool) -> Result<Self, StoreError> {
        let migration = |e: sqlx::Error| StoreError::Migration(Box::new(e));
        let mut tx = pool.begin().await.map_err(migration)?;
        sqlx::query(sql::MIGRATION_LOCK)
            .execute(&mut *tx)
            .await
            .map_err(migration)?;
        let schema: Option<String> = sqlx::query(sql::CURRENT_SCHEMA)
            .fetch_one(&mut *tx)
            .await
            .and_then(|row| row.try_get(0))
            .map_err(migration)?;
        let Some(schema) = schema else {
            return Err(StoreError::Migration(
                "the connection has no current schema: create the first schema of its search_path"
                    .into(),
            ));
        };
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
        tx.commit().await.map_err(migration)?;
        Ok(Self {
            pool,
            clock: Arc::new(SystemClock),
            policy: Policy::default(),
            channel: channel_name(&schema).into(),
            wake: Arc::new(Notify::new()),
            listening: Arc::new(Mutex::new(false)),
        })
    }

    /// Uses `clock` for every decision (leases, schedule, pauses, disabling).
    ///
    /// ```no_run
    /// # fn demo(outbox: hookwire::outbox::postgres::PgOutbox) {
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
    /// ```no_run
    /// # fn demo(outbox: hookwire::outbox::postgres::PgOutbox) {
    /// let outbox = outbox.with_policy(hookwire::outbox::Policy::default().retry(hookwire::retry::RetryPolicy::default().jitter(0.0)));
    /// # }
    /// ```
    #[must_use]
    pub fn with_policy(mut self, policy: Policy) -> Self {
        self.policy = policy;
        self
    }

    /// The connection pool, for your own tables and transactions.
    ///
    /// ```no_run
    /// # fn demo(outbox: &hookwire::outbox::postgres::PgOutbox) {
    /// let pool: &sqlx::PgPool = outbox.pool();
    /// # }
    /// ```
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// The `LISTEN` channel publishes notify: `hookwire_outbox.<schema>` (the schema hashed
    /// when the name would be longer than 63 bytes).
    ///
    /// ```no_run
    /// # fn demo(outbox: &hookwire::outbox::postgres::PgOutbox) {
    /// assert!(outbox.channel().starts_with("hookwire_outbox."));
    /// # }
    /// ```
    pub fn channel(&self) -> &str {
        &self.channel
    }

    /// Publishes a typed event inside your transaction (its connection must see the outbox's
    /// schema): the envelope is serialized once, stored, and fanned out to one delivery per
    /// subscribed endpoint in the same statement. A rollback sends nothing. Returns the
    /// event's id.
    ///
    /// ```no_run
    /// # async fn demo<E: hookwire::SendEvents>(outbox: &hookwire::outbox::postgres::PgOutbox, event: &E) -> Result<(), Box<dyn std::error::Error>> {
    /// let mut tx = outbox.pool().begin().await?;
    /// let event_id = outbox.publish(&mut tx, event).await?;
    /// tx.commit().await?;
    /// # Ok(()) }
    /// ```
    pub async fn publish<E: SendEvents>(
        &self,
        conn: &mut PgConnection,
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
    /// ```no_run
    /// # async fn demo(outbox: &hookwire::outbox::postgres::PgOutbox) -> Result<(), Box<dyn std::error::Error>> {
    /// use hookwire::outbox::RawEvent;
    /// let mut tx = outbox.pool().begin().await?;
    /// outbox.publish_raw_in(&mut tx, &RawEvent::new("order.created", serde_json::json!({}))?).await?;
    /// tx.commit().await?;
    /// # Ok(()) }
    /// ```
    pub async fn publish_raw_in(
        &self,
        conn: &mut PgConnection,
        event: &RawEvent,
    ) -> Result<String, StoreError> {
        let now = self.clock.now().unix_seconds();
        let payload = event.envelope(Timestamp::from_unix(now))?;
        self.insert_event(conn, event.event_type(), &payload, now)
            .await
    }

    async fn insert_event(
        &self,
        conn: &mut PgConnection,
        event_type: &str,
        payload: &str,
        now: i64,
    ) -> Result<String, StoreError> {
        let event_id = id::new_event_id();
        sqlx::query(sql::PUBLISH)
            .bind(&event_id)
            .bind(event_type)
            .bind(payload)
            .bind(now)
            .bind(&*self.channel)
            .execute(&mut *conn)
            .await
            .map_err(db)?;
        Ok(event_id)
    }

    /// Wakes this process's waiting workers (and the next one to wait).
    fn wake(&self) {
        self.wake.notify_waiters();
        self.wake.notify_one();
    }

    /// Starts, once, the task that LISTENs on the channel and wakes waiting workers; it stops
    /// when the last clone of this store is dropped, and reconnects after errors.
    fn listen(&self) {
        let Ok(mut started) = self.listening.lock() else {
            return;
        };
        if *started {
            return;
        }
        *started = true;
        let pool = self.pool.clone();
        let channel = self.channel.to_string();
        let wake: Weak<Notify> = Arc::downgrade(&self.wake);
        tokio::spawn(async move {
            loop {
                let listener = async {
                    let mut listener = PgListener::connect_with(&pool).await?;
                    listener.listen(&channel).await?;
                    Ok::<_, sqlx::Error>(listener)
                };
                let mut listener = match listener.await {
                    Ok(listener) => listener,
                    Err(_) => {
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        if wake.strong_count() == 0 {
                            return;
                        }
                        continue;
                    }
                };
                loop {
                    let next = tokio::time::timeout(Duration::from_secs(5), listener.recv()).await;
                    let Some(notify) = wake.upgrade() else {
                        return;
                    };
                    match next {
                        Ok(Ok(_)) => {
                            notify.notify_waiters();
                            notify.notify_one();
                        }
                        Ok(Err(_)) => break,
                        Err(_) => {}
                    }
                }
            }
        });
    }
}

impl OutboxStore for PgOutbox {
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
            let mut tx = self.pool.begin().await.map_err(db)?;
            let mut ids = Vec::with_capacity(events.len());
            for event in events {
                ids.push(self.publish_raw_in(&mut tx, event).await?);
            }
            tx.commit().await.map_err(db)?;
            self.wake();
            Ok(ids)
        })
    }

    fn claim<'a>(&'a self, request: crate::outbox::ClaimRequest) -> BoxFuture<'a, Result<Vec<crate::outbox::Claimed>, StoreError>> {
        Box::pin(async move {
            with_retries(|| claim::claim(self, request)).await
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
            self.listen();
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
