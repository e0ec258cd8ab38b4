//! The outbox's second contract, [`ApplicationStore`]: applications (tenants), their
//! endpoints and events, and the small keyed records the operator API keeps.

use crate::BoxFuture;
use crate::outbox::{
    AppId, Application, EndpointId, Erased, NewApplication, OutboxStore, StoreError,
    WebhookEndpoint,
};

/// Which events [`ApplicationStore::events`] lists: every filter set must match.
///
/// ```
/// use hookwire::outbox::{AppId, EventQuery};
///
/// let query = EventQuery::new(50).app(AppId(1)).newest_first();
/// assert_eq!(query.limit, 50);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct EventQuery {
    /// Events of this application only; `None`: events of no application.
    pub app: Option<AppId>,
    /// This event only (its id).
    pub event_id: Option<String>,
    /// The event with this dedupe key only.
    pub dedupe_key: Option<String>,
    /// Events after (or, newest first, before) this position.
    pub after: Option<i64>,
    /// Newest first (default: oldest first).
    pub newest_first: bool,
    /// At most this many (at most 1000).
    pub limit: u32,
}

impl EventQuery {
    /// At most `limit` events (capped at 1000) of no application, oldest first.
    ///
    /// ```
    /// # use hookwire::outbox::EventQuery;
    /// assert_eq!(EventQuery::new(5000).limit, 1000);
    /// ```
    pub fn new(limit: u32) -> Self {
        Self {
            limit: limit.clamp(1, 1000),
            ..Self::default()
        }
    }

    /// Events of `app`.
    ///
    /// ```
    /// # use hookwire::outbox::{AppId, EventQuery};
    /// assert_eq!(EventQuery::new(1).app(AppId(2)).app, Some(AppId(2)));
    /// ```
    #[must_use]
    pub fn app(mut self, app: AppId) -> Self {
        self.app = Some(app);
        self
    }

    /// The event with this id.
    ///
    /// ```
    /// # use hookwire::outbox::EventQuery;
    /// assert!(EventQuery::new(1).event("evt_1").event_id.is_some());
    /// ```
    #[must_use]
    pub fn event(mut self, event_id: impl Into<String>) -> Self {
        self.event_id = Some(event_id.into());
        self
    }

    /// The event with this dedupe key.
    ///
    /// ```
    /// # use hookwire::outbox::EventQuery;
    /// assert!(EventQuery::new(1).dedupe_key("k").dedupe_key.is_some());
    /// ```
    #[must_use]
    pub fn dedupe_key(mut self, key: impl Into<String>) -> Self {
        self.dedupe_key = Some(key.into());
        self
    }

    /// The page after `position` (an [`StoredEvent::position`]).
    ///
    /// ```
    /// # use hookwire::outbox::EventQuery;
    /// assert_eq!(EventQuery::new(1).after(9).after, Some(9));
    /// ```
    #[must_use]
    pub fn after(mut self, position: i64) -> Self {
        self.after = Some(position);
        self
    }

    /// Newest first.
    ///
    /// ```
    /// # use hookwire::outbox::EventQuery;
    /// assert!(EventQuery::new(1).newest_first().newest_first);
    /// ```
    #[must_use]
    pub fn newest_first(mut self) -> Self {
        self.newest_first = true;
        self
    }
}

/// A published event as listed.
///
/// ```
/// # fn demo(event: &hookwire::outbox::StoredEvent) {
/// println!("{} {} {}", event.event_id, event.event_type, event.payload);
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct StoredEvent {
    /// Its position in publish order (for paging).
    pub position: i64,
    /// Its id (the deliveries' `webhook-id`).
    pub event_id: String,
    /// Its type.
    pub event_type: String,
    /// Its application.
    pub app: Option<AppId>,
    /// Its dedupe key.
    pub dedupe_key: Option<String>,
    /// Whether the body is the payload as given (a message) rather than the envelope.
    pub is_message: bool,
    /// The body sent to endpoints.
    pub payload: String,
    /// When it was published (Unix seconds).
    pub created_at: i64,
}

/// One keyed record ([`ApplicationStore::put_record`]).
///
/// ```
/// # fn demo(record: &hookwire::outbox::KeyedRecord) {
/// println!("{} = {} (since {})", record.key, record.value, record.created_at);
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct KeyedRecord {
    /// Its key within its space.
    pub key: String,
    /// Its value (JSON text, by convention).
    pub value: String,
    /// When it was first written (Unix seconds).
    pub created_at: i64,
}

/// Applications and what the operator API keeps beside the outbox.
///
/// Every outbox backend implements it. Endpoints and events belong to at most one
/// application: an event published for an application ([`RawEvent::app`](crate::outbox::RawEvent::app))
/// goes only to that application's endpoints, an event published for none only to endpoints of
/// no application. Deleting an application erases its endpoints, events and deliveries.
///
/// ```
/// use hookwire::outbox::{ApplicationStore, NewApplication, NewEndpoint, RawEvent, StoreError};
///
/// async fn onboard(store: &impl ApplicationStore) -> Result<(), StoreError> {
///     let app = store.add_application(&NewApplication::new("Acme").uid("merchant-42")).await?;
///     let endpoint = NewEndpoint::new("https://acme.example/hooks", "whsec_c2VjcmV0").app(app.id);
///     store.add_endpoint(&endpoint).await?;
///     let event = RawEvent::new("order.created", serde_json::json!({"id": 1}))?.app(app.id);
///     store.publish_raw(&[event]).await?;
///     Ok(())
/// }
/// ```
pub trait ApplicationStore: OutboxStore {
    /// Adds an application. [`StoreError::Conflict`] if its uid is taken.
    ///
    /// ```
    /// # use hookwire::outbox::*;
    /// # async fn demo(store: &impl ApplicationStore) -> Result<(), StoreError> {
    /// let app = store.add_application(&NewApplication::new("Acme")).await?;
    /// # Ok(()) }
    /// ```
    fn add_application<'a>(
        &'a self,
        app: &'a NewApplication,
    ) -> BoxFuture<'a, Result<Application, StoreError>>;

    /// Replaces an application's name, uid, metadata and rate limit. [`StoreError::NotFound`]
    /// if there is no such application, [`StoreError::Conflict`] if the uid is taken.
    ///
    /// ```
    /// # use hookwire::outbox::*;
    /// # async fn demo(store: &impl ApplicationStore) -> Result<(), StoreError> {
    /// store.update_application(AppId(1), &NewApplication::new("Acme Inc.")).await?;
    /// # Ok(()) }
    /// ```
    fn update_application<'a>(
        &'a self,
        id: AppId,
        app: &'a NewApplication,
    ) -> BoxFuture<'a, Result<Application, StoreError>>;

    /// One application, by id.
    ///
    /// ```
    /// # use hookwire::outbox::*;
    /// # async fn demo(store: &impl ApplicationStore) -> Result<(), StoreError> {
    /// let app: Option<Application> = store.application(AppId(1)).await?;
    /// # Ok(()) }
    /// ```
    fn application(&self, id: AppId) -> BoxFuture<'_, Result<Option<Application>, StoreError>>;

    /// One application, by uid.
    ///
    /// ```
    /// # use hookwire::outbox::*;
    /// # async fn demo(store: &impl ApplicationStore) -> Result<(), StoreError> {
    /// let app = store.application_by_uid("merchant-42").await?;
    /// # Ok(()) }
    /// ```
    fn application_by_uid<'a>(
        &'a self,
        uid: &'a str,
    ) -> BoxFuture<'a, Result<Option<Application>, StoreError>>;

    /// Applications in id order, `limit` (at most 1000) after `after`.
    ///
    /// ```
    /// # use hookwire::outbox::*;
    /// # async fn demo(store: &impl ApplicationStore) -> Result<(), StoreError> {
    /// let first_page = store.applications(None, 100).await?;
    /// # Ok(()) }
    /// ```
    fn applications(
        &self,
        after: Option<AppId>,
        limit: u32,
    ) -> BoxFuture<'_, Result<Vec<Application>, StoreError>>;

    /// Deletes an application and erases its endpoints, its events (their payloads) and every
    /// delivery of either, with their attempt logs, in one transaction. Attempts in flight
    /// finish, and their results are refused as stale.
    ///
    /// ```
    /// # use hookwire::outbox::*;
    /// # async fn demo(store: &impl ApplicationStore) -> Result<(), StoreError> {
    /// let erased = store.delete_application(AppId(1)).await?;
    /// println!("{} events erased", erased.events);
    /// # Ok(()) }
    /// ```
    fn delete_application(&self, id: AppId) -> BoxFuture<'_, Result<Erased, StoreError>>;

    /// An application's endpoints in id order, `limit` (at most 1000) after `after`.
    ///
    /// ```
    /// # use hookwire::outbox::*;
    /// # async fn demo(store: &impl ApplicationStore) -> Result<(), StoreError> {
    /// let endpoints = store.app_endpoints(AppId(1), None, 100).await?;
    /// # Ok(()) }
    /// ```
    fn app_endpoints(
        &self,
        app: AppId,
        after: Option<EndpointId>,
        limit: u32,
    ) -> BoxFuture<'_, Result<Vec<WebhookEndpoint>, StoreError>>;

    /// An application's endpoint, by uid.
    ///
    /// ```
    /// # use hookwire::outbox::*;
    /// # async fn demo(store: &impl ApplicationStore) -> Result<(), StoreError> {
    /// let endpoint = store.endpoint_by_uid(AppId(1), "crm").await?;
    /// # Ok(()) }
    /// ```
    fn endpoint_by_uid<'a>(
        &'a self,
        app: AppId,
        uid: &'a str,
    ) -> BoxFuture<'a, Result<Option<WebhookEndpoint>, StoreError>>;

    /// Published events matching `query`, one page.
    ///
    /// ```
    /// # use hookwire::outbox::*;
    /// # async fn demo(store: &impl ApplicationStore) -> Result<(), StoreError> {
    /// let latest = store.events(&EventQuery::new(20).app(AppId(1)).newest_first()).await?;
    /// # Ok(()) }
    /// ```
    fn events<'a>(
        &'a self,
        query: &'a EventQuery,
    ) -> BoxFuture<'a, Result<Vec<StoredEvent>, StoreError>>;

    /// Writes a keyed record in `space` (replacing one with the same key; its `created_at`
    /// stays). The operator API keeps its event types, idempotent responses and token
    /// revocations this way.
    ///
    /// ```
    /// # use hookwire::outbox::*;
    /// # async fn demo(store: &impl ApplicationStore) -> Result<(), StoreError> {
    /// store.put_record("event_type", "order.created", r#"{"description":"An order"}"#).await?;
    /// # Ok(()) }
    /// ```
    fn put_record<'a>(
        &'a self,
        space: &'a str,
        key: &'a str,
        value: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>>;

    /// Writes a keyed record unless `key` exists: `None` when written, else the existing one.
    ///
    /// ```
    /// # use hookwire::outbox::*;
    /// # async fn demo(store: &impl ApplicationStore) -> Result<(), StoreError> {
    /// if let Some(first) = store.insert_record("idempotency", "key-1", "{}").await? {
    ///     println!("seen at {}", first.created_at);
    /// }
    /// # Ok(()) }
    /// ```
    fn insert_record<'a>(
        &'a self,
        space: &'a str,
        key: &'a str,
        value: &'a str,
    ) -> BoxFuture<'a, Result<Option<KeyedRecord>, StoreError>>;

    /// One keyed record.
    ///
    /// ```
    /// # use hookwire::outbox::*;
    /// # async fn demo(store: &impl ApplicationStore) -> Result<(), StoreError> {
    /// let record = store.record_of("event_type", "order.created").await?;
    /// # Ok(()) }
    /// ```
    fn record_of<'a>(
        &'a self,
        space: &'a str,
        key: &'a str,
    ) -> BoxFuture<'a, Result<Option<KeyedRecord>, StoreError>>;

    /// Keyed records of `space` in key order, `limit` (at most 1000) after `after`.
    ///
    /// ```
    /// # use hookwire::outbox::*;
    /// # async fn demo(store: &impl ApplicationStore) -> Result<(), StoreError> {
    /// let types = store.records("event_type", None, 100).await?;
    /// # Ok(()) }
    /// ```
    fn records<'a>(
        &'a self,
        space: &'a str,
        after: Option<&'a str>,
        limit: u32,
    ) -> BoxFuture<'a, Result<Vec<KeyedRecord>, StoreError>>;

    /// Deletes one keyed record (`key: Some`, whatever its age), or every record of `space`
    /// first written before `before` (`key: None`). Returns how many were deleted.
    ///
    /// ```
    /// # use hookwire::outbox::*;
    /// # async fn demo(store: &impl ApplicationStore) -> Result<(), StoreError> {
    /// let day_ago = store.now() - 24 * 3600;
    /// store.delete_records("idempotency", None, day_ago).await?;
    /// # Ok(()) }
    /// ```
    fn delete_records<'a>(
        &'a self,
        space: &'a str,
        key: Option<&'a str>,
        before: i64,
    ) -> BoxFuture<'a, Result<u64, StoreError>>;
}
