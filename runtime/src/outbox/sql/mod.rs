//! The outbox on a SQL database, written once for SQLite and PostgreSQL: publishing,
//! claiming, recording (the [`Policy`] decides, [`record_one`](crate::outbox::record) turns the
//! decision into writes), the operators' calls and [`OutboxStore`]. A backend supplies its
//! [`Dialect`]: how a write transaction begins, how lists are bound, and the few statements
//! whose text differs (`sqlite/`, `postgres/`).

mod apps;
mod claim;
mod dialect;
mod ops;
mod record;
pub(crate) mod statements;

use std::sync::Arc;
use std::time::Duration;

use sqlx::{Pool, Transaction};
use tokio::sync::Notify;

pub(crate) use dialect::{Arg, ClaimLanes, ClaimedRow, Delivered, NewEvent, Statements, count, db};
// SQLite reads the health beside its leased delivery; PostgreSQL reads it locked, on its own.
#[cfg(feature = "sqlite")]
pub(crate) use dialect::health;
pub(crate) use dialect::{Dialect, Exec};

use crate::BoxFuture;
use crate::clock::{Clock, SystemClock};
use crate::event::SendEvents;
use crate::outbox::{
    AppId, AttemptLog, AttemptResult, ClaimRequest, Claimed, DeliveryId, DeliveryInfo,
    DeliveryQuery, EndpointId, Lease, NewEndpoint, OutboxStats, OutboxStore, Policy,
    PublishOptions, Purged, RawEvent, Recorded, StoreError, WebhookEndpoint, id,
};
use crate::timestamp::Timestamp;
use crate::trace::TraceContext;

/// The outbox on a SQL database: [`SqliteOutbox`](crate::sqlite::SqliteOutbox) or
/// [`PgOutbox`](crate::postgres::PgOutbox). Cheap to clone: clones share the pool,
/// clock, policy and wake-ups.
pub struct SqlOutbox<D: Dialect> {
    pub(crate) pool: Pool<D>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) policy: Policy,
    pub(crate) wake: Arc<Notify>,
    pub(crate) extra: D::Extra,
}

impl<D: Dialect> Clone for SqlOutbox<D> {
    fn clone(&self) -> Self {
        SqlOutbox {
            pool: self.pool.clone(),
            clock: Arc::clone(&self.clock),
            policy: self.policy.clone(),
            wake: Arc::clone(&self.wake),
            extra: self.extra.clone(),
        }
    }
}

impl<D: Dialect> std::fmt::Debug for SqlOutbox<D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqlOutbox")
            .field("database", &D::NAME)
            .field("extra", &self.extra)
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

impl<D: Dialect> SqlOutbox<D> {
    /// Uses an existing pool, creating or migrating the outbox tables (SQLite: open it in
    /// WAL mode; PostgreSQL: in the connection's current schema).
    ///
    /// ```no_run
    /// # async fn demo(pool: sqlx::SqlitePool) -> Result<(), hookwire::outbox::StoreError> {
    /// let outbox = hookwire::sqlite::SqliteOutbox::from_pool(pool).await?;
    /// # Ok(()) }
    /// ```
    pub async fn from_pool(pool: Pool<D>) -> Result<Self, StoreError> {
        let extra = D::migrate(&pool).await?;
        Ok(SqlOutbox {
            pool,
            clock: Arc::new(SystemClock),
            policy: Policy::default(),
            wake: Arc::new(Notify::new()),
            extra,
        })
    }

    crate::outbox::clock_and_policy!(
        "# let _ = async { let outbox = hookwire::sqlite::SqliteOutbox::open(\"sqlite::memory:\").await?;",
        "outbox"
    );

    /// The connection pool, for your own tables in the same database.
    ///
    /// ```
    /// # fn demo(outbox: &hookwire::sqlite::SqliteOutbox) {
    /// let pool: &sqlx::SqlitePool = outbox.pool();
    /// # }
    /// ```
    pub fn pool(&self) -> &Pool<D> {
        &self.pool
    }

    /// Begins a write transaction (SQLite: `BEGIN IMMEDIATE`, so it waits for the writer lock
    /// under the busy timeout): use it for your change and [`publish`](Self::publish), then
    /// commit.
    ///
    /// ```
    /// # async fn demo(outbox: &hookwire::sqlite::SqliteOutbox) -> Result<(), hookwire::outbox::StoreError> {
    /// let tx = outbox.begin().await?;
    /// tx.commit().await.map_err(hookwire::outbox::StoreError::database)?;
    /// # Ok(()) }
    /// ```
    pub async fn begin(&self) -> Result<Transaction<'static, D>, StoreError> {
        crate::plumbing::begin(&self.pool, D::BEGIN)
            .await
            .map_err(db)
    }

    /// Publishes a typed event inside your transaction (or on any connection to this
    /// database): the envelope is serialized once, stored, and fanned out to one delivery per
    /// subscribed endpoint of no application, all or nothing. A rollback sends nothing.
    /// Returns the event's id. For a tenant's endpoints, [`publish_to`](Self::publish_to).
    ///
    /// ```
    /// # async fn demo<E: hookwire::SendEvents>(outbox: &hookwire::sqlite::SqliteOutbox, event: &E) -> Result<(), hookwire::outbox::StoreError> {
    /// let mut tx = outbox.begin().await?;
    /// let event_id = outbox.publish(&mut tx, event).await?;
    /// tx.commit().await.map_err(hookwire::outbox::StoreError::database)?;
    /// # Ok(()) }
    /// ```
    pub async fn publish<E: SendEvents>(
        &self,
        conn: &mut D::Connection,
        event: &E,
    ) -> Result<String, StoreError> {
        self.publish_with(conn, event, &PublishOptions::new()).await
    }

    /// Publishes a typed event for application `app` inside your transaction: only that
    /// application's subscribed endpoints receive it. [`StoreError::NotFound`] if there is no
    /// such application.
    ///
    /// ```
    /// # async fn demo<E: hookwire::SendEvents>(outbox: &hookwire::sqlite::SqliteOutbox, event: &E) -> Result<(), hookwire::outbox::StoreError> {
    /// use hookwire::outbox::{ApplicationStore, NewApplication};
    /// let merchant = outbox.add_application(&NewApplication::new("Acme").uid("merchant-42")).await?;
    /// let mut tx = outbox.begin().await?;
    /// outbox.publish_to(&mut tx, &merchant.id, event).await?;
    /// tx.commit().await.map_err(hookwire::outbox::StoreError::database)?;
    /// # Ok(()) }
    /// ```
    pub async fn publish_to<E: SendEvents>(
        &self,
        conn: &mut D::Connection,
        app: &AppId,
        event: &E,
    ) -> Result<String, StoreError> {
        self.publish_with(conn, event, &PublishOptions::new().app(*app))
            .await
    }

    /// Publishes a typed event inside your transaction as `options` say: for an application
    /// ([`PublishOptions::app`]), with an ordering key ([`PublishOptions::ordering_key`]: each
    /// endpoint gets the events of one key one at a time, in publish order; see
    /// [ordering](crate::outbox#ordering)). [`publish`](Self::publish) and
    /// [`publish_to`](Self::publish_to) are this with fewer options.
    ///
    /// ```
    /// # async fn demo<E: hookwire::SendEvents>(outbox: &hookwire::sqlite::SqliteOutbox, event: &E) -> Result<(), hookwire::outbox::StoreError> {
    /// use hookwire::outbox::PublishOptions;
    /// let mut tx = outbox.begin().await?;
    /// outbox.publish_with(&mut tx, event, &PublishOptions::new().ordering_key("order-42")).await?;
    /// tx.commit().await.map_err(hookwire::outbox::StoreError::database)?;
    /// # Ok(()) }
    /// ```
    pub async fn publish_with<E: SendEvents>(
        &self,
        conn: &mut D::Connection,
        event: &E,
        options: &PublishOptions,
    ) -> Result<String, StoreError> {
        let now = self.clock.now().unix_seconds();
        let bytes = event
            .to_envelope(Timestamp::from_unix(now))
            .map_err(StoreError::Serialize)?;
        let payload = String::from_utf8(bytes).map_err(|e| StoreError::Corrupt {
            table: "hw_event",
            reason: format!("the envelope is not UTF-8: {e}"),
        })?;
        let trace = TraceContext::for_publish(options.trace_context());
        let event = NewEvent {
            event_id: "",
            event_type: event.event_type(),
            payload: &payload,
            now,
            app: options.application().map(|app| app.0),
            dedupe_key: None,
            ordering_key: options.ordering(),
            is_message: false,
            trace: trace.as_ref(),
        };
        self.insert_event(conn, event).await
    }

    /// Publishes an event given as type and JSON data inside your transaction, for its
    /// application if it names one ([`RawEvent::app`]). [`StoreError::Conflict`] if its dedupe
    /// key was used before in that application.
    ///
    /// ```
    /// # async fn demo(outbox: &hookwire::sqlite::SqliteOutbox) -> Result<(), hookwire::outbox::StoreError> {
    /// use hookwire::outbox::RawEvent;
    /// let mut tx = outbox.begin().await?;
    /// outbox.publish_raw_in(&mut tx, &RawEvent::new("order.created", serde_json::json!({}))?).await?;
    /// tx.commit().await.map_err(hookwire::outbox::StoreError::database)?;
    /// # Ok(()) }
    /// ```
    pub async fn publish_raw_in(
        &self,
        conn: &mut D::Connection,
        event: &RawEvent,
    ) -> Result<String, StoreError> {
        let now = self.clock.now().unix_seconds();
        let payload = event.envelope(Timestamp::from_unix(now))?;
        let trace = TraceContext::for_publish(event.trace_context());
        let new = NewEvent {
            event_id: "",
            event_type: event.event_type(),
            payload: &payload,
            now,
            app: event.application().map(|app| app.0),
            dedupe_key: event.dedupe(),
            ordering_key: event.ordering(),
            is_message: event.is_message(),
            trace: trace.as_ref(),
        };
        self.insert_event(conn, new).await
    }

    async fn insert_event(
        &self,
        conn: &mut D::Connection,
        mut event: NewEvent<'_>,
    ) -> Result<String, StoreError> {
        if let Some(key) = event.ordering_key {
            crate::outbox::check_ordering_key(key)?;
        }
        if let Some(app) = event.app {
            apps::require_app::<D>(conn, app).await?;
        }
        let event_id = id::new_event_id();
        event.event_id = &event_id;
        let dedupe_key = event.dedupe_key;
        D::insert_event(self, conn, event)
            .await
            .map_err(|e| apps::conflict(e, "event", dedupe_key.unwrap_or_default()))?;
        if D::WAKE_ON_PUBLISH {
            self.wake();
        }
        Ok(event_id)
    }

    pub(crate) fn now_seconds(&self) -> i64 {
        self.clock.now().unix_seconds()
    }

    /// Wakes the workers of this process waiting in `wait_for_work` (and the next one to wait).
    pub(crate) fn wake(&self) {
        self.wake.notify_waiters();
        self.wake.notify_one();
    }

    async fn publish_all(&self, events: &[RawEvent]) -> Result<Vec<String>, StoreError> {
        let mut tx = self.begin().await?;
        let mut ids = Vec::with_capacity(events.len());
        for event in events {
            ids.push(self.publish_raw_in(&mut tx, event).await?);
        }
        tx.commit().await.map_err(db)?;
        self.wake();
        Ok(ids)
    }
}

impl<D: Dialect> OutboxStore for SqlOutbox<D> {
    fn now(&self) -> i64 {
        self.now_seconds()
    }

    fn policy(&self) -> &Policy {
        &self.policy
    }

    fn add_endpoint<'a>(
        &'a self,
        endpoint: &'a NewEndpoint,
    ) -> BoxFuture<'a, Result<EndpointId, StoreError>> {
        Box::pin(ops::add_endpoint(self, endpoint))
    }

    fn update_endpoint<'a>(
        &'a self,
        id: EndpointId,
        endpoint: &'a NewEndpoint,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(ops::update_endpoint(self, id, endpoint))
    }

    fn endpoint(
        &self,
        id: EndpointId,
    ) -> BoxFuture<'_, Result<Option<WebhookEndpoint>, StoreError>> {
        Box::pin(ops::endpoint(self, id))
    }

    fn endpoints(
        &self,
        after: Option<EndpointId>,
        limit: u32,
    ) -> BoxFuture<'_, Result<Vec<WebhookEndpoint>, StoreError>> {
        Box::pin(ops::endpoints(self, after, limit))
    }

    fn delete_endpoint(&self, id: EndpointId) -> BoxFuture<'_, Result<bool, StoreError>> {
        Box::pin(ops::delete_endpoint(self, id))
    }

    fn set_enabled(&self, id: EndpointId, enabled: bool) -> BoxFuture<'_, Result<(), StoreError>> {
        Box::pin(ops::set_enabled(self, id, enabled))
    }

    fn publish_raw<'a>(
        &'a self,
        events: &'a [RawEvent],
    ) -> BoxFuture<'a, Result<Vec<String>, StoreError>> {
        Box::pin(self.publish_all(events))
    }

    fn claim(&self, request: ClaimRequest) -> BoxFuture<'_, Result<Vec<Claimed>, StoreError>> {
        Box::pin(claim::claim(self, request))
    }

    fn record<'a>(
        &'a self,
        results: &'a [AttemptResult],
    ) -> BoxFuture<'a, Result<Vec<Recorded>, StoreError>> {
        Box::pin(record::record(self, results))
    }

    fn release<'a>(&'a self, leases: &'a [Lease]) -> BoxFuture<'a, Result<u64, StoreError>> {
        Box::pin(record::release(self, leases))
    }

    fn wait_for_work(&self, timeout: Duration) -> BoxFuture<'_, ()> {
        D::listen(self);
        Box::pin(async move {
            let _ = tokio::time::timeout(timeout, self.wake.notified()).await;
        })
    }

    fn deliveries<'a>(
        &'a self,
        query: &'a DeliveryQuery,
    ) -> BoxFuture<'a, Result<Vec<DeliveryInfo>, StoreError>> {
        Box::pin(ops::deliveries(self, query))
    }

    fn attempts(&self, delivery: DeliveryId) -> BoxFuture<'_, Result<Vec<AttemptLog>, StoreError>> {
        Box::pin(ops::attempts(self, delivery))
    }

    fn retry(&self, delivery: DeliveryId) -> BoxFuture<'_, Result<bool, StoreError>> {
        Box::pin(ops::retry(self, delivery))
    }

    fn recover(&self, endpoint: EndpointId, since: i64) -> BoxFuture<'_, Result<u64, StoreError>> {
        Box::pin(ops::recover(self, endpoint, since))
    }

    fn purge(&self, before: i64) -> BoxFuture<'_, Result<Purged, StoreError>> {
        Box::pin(ops::purge(self, before))
    }

    fn stats(&self) -> BoxFuture<'_, Result<OutboxStats, StoreError>> {
        Box::pin(ops::stats(self))
    }
}
