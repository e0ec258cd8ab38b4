//! The outbox's store contract, [`OutboxStore`].

use std::time::Duration;

use crate::BoxFuture;
use crate::outbox::{
    AttemptLog, AttemptResult, ClaimRequest, Claimed, DeliveryId, DeliveryInfo, DeliveryQuery,
    EndpointId, Lease, NewEndpoint, OutboxStats, Policy, Purged, RawEvent, Recorded, StoreError,
    WebhookEndpoint,
};

/// A durable outbox: endpoints, deliveries, leases, results and operations.
///
/// Every method takes the current time from the store's injected clock ([`now`](Self::now)),
/// never from the database, so tests drive leases, retries and disabling with a
/// [`FixedClock`](crate::clock::FixedClock). Methods that return lists are bounded (`limit`s,
/// claims of at most `limit` deliveries), so memory stays bounded whatever the backlog.
///
/// Publishing a typed event inside the caller's transaction is a method of each backend (it
/// takes that backend's connection type); [`publish_raw`](Self::publish_raw) publishes in a
/// transaction of its own.
///
/// ```
/// use hookwire::outbox::{DeliveryQuery, DeliveryState, OutboxStore, StoreError};
///
/// async fn failed_since(store: &impl OutboxStore, since: i64) -> Result<u64, StoreError> {
///     let mut replayed = 0;
///     for endpoint in store.endpoints(None, 1000).await? {
///         replayed += store.recover(endpoint.id, since).await?;
///     }
///     Ok(replayed)
/// }
/// ```
pub trait OutboxStore: Send + Sync {
    /// The store's current time (Unix seconds), from its injected clock.
    ///
    /// ```
    /// # use hookwire::outbox::*;
    /// # async fn demo(store: &impl OutboxStore) -> Result<(), StoreError> {
    /// let now: i64 = store.now();
    /// # Ok(()) }
    /// ```
    fn now(&self) -> i64;

    /// The policy applied when results are recorded.
    ///
    /// ```
    /// # use hookwire::outbox::*;
    /// # async fn demo(store: &impl OutboxStore) -> Result<(), StoreError> {
    /// assert!(store.policy().max_attempts() >= 1);
    /// # Ok(()) }
    /// ```
    fn policy(&self) -> &Policy;

    /// Adds an endpoint; it receives events published from now on.
    ///
    /// ```
    /// # use hookwire::outbox::*;
    /// # async fn demo(store: &impl OutboxStore) -> Result<(), StoreError> {
    /// let id = store.add_endpoint(&NewEndpoint::new("https://example.com/hook", "whsec_c2VjcmV0")).await?;
    /// # Ok(()) }
    /// ```
    fn add_endpoint<'a>(
        &'a self,
        endpoint: &'a NewEndpoint,
    ) -> BoxFuture<'a, Result<EndpointId, StoreError>>;

    /// Replaces an endpoint's URL, secrets, filters, limits and description (its state,
    /// deliveries and health stay). Secret rotation: [`Secrets::rotate`](crate::outbox::Secrets::rotate)
    /// puts the new secret first and keeps the previous ones signing for an overlap window.
    /// [`StoreError::NotFound`] if there is no such endpoint.
    ///
    /// ```
    /// # use hookwire::outbox::*;
    /// # async fn demo(store: &impl OutboxStore) -> Result<(), StoreError> {
    /// let stored = Secrets::new(["whsec_b2xk"]);
    /// let mut endpoint = NewEndpoint::new("https://example.com/hook", "whsec_bmV3");
    /// let day = std::time::Duration::from_secs(24 * 3600);
    /// endpoint.secrets = stored.rotate("whsec_bmV3", store.now(), day); // the old one signs a day more
    /// store.update_endpoint(EndpointId(1), &endpoint).await?;
    /// # Ok(()) }
    /// ```
    fn update_endpoint<'a>(
        &'a self,
        id: EndpointId,
        endpoint: &'a NewEndpoint,
    ) -> BoxFuture<'a, Result<(), StoreError>>;

    /// Deletes an endpoint with its deliveries and their attempt log; the events stay (for the
    /// feed and the other endpoints). An attempt in flight finishes, and its result is refused
    /// as stale. Returns whether the endpoint existed.
    ///
    /// ```
    /// # use hookwire::outbox::*;
    /// # async fn demo(store: &impl OutboxStore) -> Result<(), StoreError> {
    /// if !store.delete_endpoint(EndpointId(1)).await? {
    ///     eprintln!("no endpoint 1");
    /// }
    /// # Ok(()) }
    /// ```
    fn delete_endpoint<'a>(&'a self, id: EndpointId) -> BoxFuture<'a, Result<bool, StoreError>>;

    /// One endpoint, if it exists.
    ///
    /// ```
    /// # use hookwire::outbox::*;
    /// # async fn demo(store: &impl OutboxStore) -> Result<(), StoreError> {
    /// if let Some(endpoint) = store.endpoint(EndpointId(1)).await? {
    ///     println!("{} disabled: {:?}", endpoint.url, endpoint.disabled);
    /// }
    /// # Ok(()) }
    /// ```
    fn endpoint<'a>(
        &'a self,
        id: EndpointId,
    ) -> BoxFuture<'a, Result<Option<WebhookEndpoint>, StoreError>>;

    /// Endpoints in id order, `limit` (at most 1000) after `after`.
    ///
    /// ```
    /// # use hookwire::outbox::*;
    /// # async fn demo(store: &impl OutboxStore) -> Result<(), StoreError> {
    /// let first_page = store.endpoints(None, 100).await?;
    /// if let Some(last) = first_page.last() {
    ///     let next_page = store.endpoints(Some(last.id), 100).await?;
    /// }
    /// # Ok(()) }
    /// ```
    fn endpoints<'a>(
        &'a self,
        after: Option<EndpointId>,
        limit: u32,
    ) -> BoxFuture<'a, Result<Vec<WebhookEndpoint>, StoreError>>;

    /// Enables or disables an endpoint. Disabling holds its pending and in-flight deliveries
    /// (state `disabled`, results of attempts still in flight are refused); enabling releases
    /// every held delivery for an attempt now and resets its health.
    ///
    /// ```
    /// # use hookwire::outbox::*;
    /// # async fn demo(store: &impl OutboxStore) -> Result<(), StoreError> {
    /// store.set_enabled(EndpointId(1), true).await?;
    /// # Ok(()) }
    /// ```
    fn set_enabled<'a>(
        &'a self,
        id: EndpointId,
        enabled: bool,
    ) -> BoxFuture<'a, Result<(), StoreError>>;

    /// Publishes events in one transaction of the store's own, fanning each out to its
    /// subscribed endpoints. Returns the new events' ids, in order.
    ///
    /// ```
    /// # use hookwire::outbox::*;
    /// # async fn demo(store: &impl OutboxStore) -> Result<(), StoreError> {
    /// let event = RawEvent::new("order.created", serde_json::json!({"order_id": "1"}))?;
    /// let ids = store.publish_raw(&[event]).await?;
    /// # Ok(()) }
    /// ```
    fn publish_raw<'a>(
        &'a self,
        events: &'a [RawEvent],
    ) -> BoxFuture<'a, Result<Vec<String>, StoreError>>;

    /// Claims up to `request.limit` due deliveries (pending and due, or in flight with an
    /// expired lease), fairly across endpoints, never exceeding an endpoint's in-flight limit
    /// or rate, skipping disabled and paused endpoints. Each gets a new fencing token, its
    /// attempt count goes up by one and its lease runs for `request.lease`.
    ///
    /// **Poison work ends.** Every claim counts as an attempt of the delivery's retry schedule,
    /// recorded or not. A delivery whose lease ran out after as many claims as the schedule
    /// allows ([`Policy::max_attempts`]: 8 by default) without a recorded result is not claimed
    /// again: the claim fails it (`failed`, counted as such by [`stats`](Self::stats)) with an
    /// `abandoned` entry in its attempt log that says why. So a delivery that crashes or hangs
    /// every worker that takes it, or whose result cannot be stored, ends like one whose
    /// schedule ran out; [`retry`](Self::retry) gives it a fresh schedule. Its endpoint's
    /// health is left as it is (nothing was learned about the endpoint).
    ///
    /// ```
    /// # use hookwire::outbox::*;
    /// # async fn demo(store: &impl OutboxStore) -> Result<(), StoreError> {
    /// let claimed = store.claim(ClaimRequest::new(32)).await?;
    /// # Ok(()) }
    /// ```
    fn claim<'a>(
        &'a self,
        request: ClaimRequest,
    ) -> BoxFuture<'a, Result<Vec<Claimed>, StoreError>>;

    /// Records attempt results (one transaction for all of them), applying the policy, and
    /// appends them to the attempt log. A result whose lease was replaced is refused
    /// ([`Recorded::Stale`]); a lease that ran out but was not claimed again still records.
    ///
    /// Excerpts are stored escaped (see [`AttemptResult::excerpt_bytes`]), so no answer an
    /// endpoint sends can make the database refuse a batch. Should the database refuse the
    /// batch anyway, the results are recorded one by one: the others keep their results, and
    /// one refused alone is recorded without its excerpt, or else reported
    /// [`Recorded::NotStored`] (its lease runs out, and the poison rule of
    /// [`claim`](Self::claim) bounds how often it comes back). An error is returned only when
    /// no result could be stored.
    ///
    /// ```
    /// # use hookwire::outbox::*;
    /// # async fn demo(store: &impl OutboxStore) -> Result<(), StoreError> {
    /// for delivery in store.claim(ClaimRequest::new(1)).await? {
    ///     let ok = AttemptOutcome::Response { status: 204, retry_after: None };
    ///     store.record(&[AttemptResult::new(delivery.lease, ok)]).await?;
    /// }
    /// # Ok(()) }
    /// ```
    fn record<'a>(
        &'a self,
        results: &'a [AttemptResult],
    ) -> BoxFuture<'a, Result<Vec<Recorded>, StoreError>>;

    /// Gives deliveries back without an attempt (a worker shutting down): they are due at once
    /// and their attempt count goes back down. Returns how many were released.
    ///
    /// ```
    /// # use hookwire::outbox::*;
    /// # async fn demo(store: &impl OutboxStore) -> Result<(), StoreError> {
    /// let held = store.claim(ClaimRequest::new(8)).await?;
    /// let leases: Vec<Lease> = held.iter().map(|d| d.lease).collect();
    /// store.release(&leases).await?;
    /// # Ok(()) }
    /// ```
    fn release<'a>(&'a self, leases: &'a [Lease]) -> BoxFuture<'a, Result<u64, StoreError>>;

    /// Waits until new work may have arrived (a publish in this process, or a notification
    /// from the database) or `timeout` passed, whichever is first. Workers call it when a claim
    /// came back empty; the timeout is their polling backstop for retries coming due.
    ///
    /// ```
    /// # use hookwire::outbox::*;
    /// # async fn demo(store: &impl OutboxStore) -> Result<(), StoreError> {
    /// if store.claim(ClaimRequest::new(8)).await?.is_empty() {
    ///     store.wait_for_work(std::time::Duration::from_secs(1)).await;
    /// }
    /// # Ok(()) }
    /// ```
    fn wait_for_work<'a>(&'a self, timeout: Duration) -> BoxFuture<'a, ()>;

    /// Deliveries matching `query`, in id order, one page.
    ///
    /// ```
    /// # use hookwire::outbox::*;
    /// # async fn demo(store: &impl OutboxStore) -> Result<(), StoreError> {
    /// let failed = store.deliveries(&DeliveryQuery::new(100).state(DeliveryState::Failed)).await?;
    /// # Ok(()) }
    /// ```
    fn deliveries<'a>(
        &'a self,
        query: &'a DeliveryQuery,
    ) -> BoxFuture<'a, Result<Vec<DeliveryInfo>, StoreError>>;

    /// A delivery's attempt log, oldest first (at most 100 entries).
    ///
    /// ```
    /// # use hookwire::outbox::*;
    /// # async fn demo(store: &impl OutboxStore) -> Result<(), StoreError> {
    /// for attempt in store.attempts(DeliveryId(1)).await? {
    ///     println!("#{} {:?} {}", attempt.attempt, attempt.status, attempt.excerpt);
    /// }
    /// # Ok(()) }
    /// ```
    fn attempts<'a>(
        &'a self,
        delivery: DeliveryId,
    ) -> BoxFuture<'a, Result<Vec<AttemptLog>, StoreError>>;

    /// Schedules one delivery again now with a fresh retry schedule (any state but in
    /// flight). Returns whether it was rescheduled; `false` while it is in flight. A delivery of
    /// a disabled endpoint goes back to being held. The attempt log's numbers count on.
    ///
    /// So that "now" holds, a rescheduled delivery's endpoint has its pause lifted (circuit
    /// breaker, `429`, `Retry-After`) and its circuit breaker closed with a fresh window: if
    /// the endpoint still fails, the breaker judges it again from there.
    ///
    /// ```
    /// # use hookwire::outbox::*;
    /// # async fn demo(store: &impl OutboxStore) -> Result<(), StoreError> {
    /// let rescheduled: bool = store.retry(DeliveryId(1)).await?;
    /// # Ok(()) }
    /// ```
    fn retry<'a>(&'a self, delivery: DeliveryId) -> BoxFuture<'a, Result<bool, StoreError>>;

    /// Schedules again, now and with a fresh schedule, every `failed` delivery of `endpoint`
    /// created at or after `since` (Unix seconds): after a customer fixed their endpoint.
    /// Returns how many. The attempt log's numbers count on.
    ///
    /// The endpoint's pause is lifted (circuit breaker, `429`, `Retry-After`) and its circuit
    /// breaker closed with a fresh window, so these deliveries and any pending ones go out now;
    /// if the endpoint still fails, the breaker judges it again from there.
    ///
    /// ```
    /// # use hookwire::outbox::*;
    /// # async fn demo(store: &impl OutboxStore) -> Result<(), StoreError> {
    /// let since = store.now() - 24 * 3600;
    /// let replayed = store.recover(EndpointId(1), since).await?;
    /// # Ok(()) }
    /// ```
    fn recover<'a>(
        &'a self,
        endpoint: EndpointId,
        since: i64,
    ) -> BoxFuture<'a, Result<u64, StoreError>>;

    /// Removes finished (`delivered`, `failed`) deliveries created before `before` (Unix
    /// seconds), their attempt logs, and events left with no delivery. Deliveries held for a
    /// disabled endpoint (`disabled`) are never purged, however old, nor their events: enabling
    /// the endpoint releases them. Pending and in-flight deliveries are not purged either.
    ///
    /// ```
    /// # use hookwire::outbox::*;
    /// # async fn demo(store: &impl OutboxStore) -> Result<(), StoreError> {
    /// let purged = store.purge(store.now() - 30 * 24 * 3600).await?;
    /// # Ok(()) }
    /// ```
    fn purge<'a>(&'a self, before: i64) -> BoxFuture<'a, Result<Purged, StoreError>>;

    /// Deliveries by state, overall and per endpoint.
    ///
    /// ```
    /// # use hookwire::outbox::*;
    /// # async fn demo(store: &impl OutboxStore) -> Result<(), StoreError> {
    /// println!("{}", serde_json::to_string(&store.stats().await?).unwrap_or_default());
    /// # Ok(()) }
    /// ```
    fn stats<'a>(&'a self) -> BoxFuture<'a, Result<OutboxStats, StoreError>>;
}
