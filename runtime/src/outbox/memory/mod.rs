//! The outbox in memory: the same contract, policy and recording as the SQL outboxes (the
//! policy decides, [`record_one`](crate::outbox::record) writes), on maps behind one lock.
//! For tests and single-process tools: nothing survives the process.

mod apps;
mod claim;
mod state;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Mutex, Notify};

use crate::BoxFuture;
use crate::clock::{Clock, SystemClock};
use crate::outbox::record::record_one;
use crate::outbox::{
    AttemptLog, AttemptResult, ClaimRequest, Claimed, DeliveryId, DeliveryInfo, DeliveryQuery,
    DeliveryState, EndpointId, EndpointStats, Lease, NewEndpoint, OutboxStats, OutboxStore, Policy,
    Purged, RawEvent, Recorded, StoreError, WebhookEndpoint, id,
};
use crate::timestamp::Timestamp;
use state::{Delivery, Event, State};

/// An outbox in memory, for tests and single-process tools; it passes the same conformance
/// suite as [`SqliteOutbox`](crate::sqlite::SqliteOutbox) and
/// [`PgOutbox`](crate::postgres::PgOutbox). Cheap to clone: clones share the
/// deliveries.
///
/// ```
/// use hookwire::outbox::{ClaimRequest, MemoryOutbox, NewEndpoint, OutboxStore, RawEvent};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), hookwire::outbox::StoreError> {
/// let outbox = MemoryOutbox::new();
/// outbox.add_endpoint(&NewEndpoint::new("https://example.com/hooks", "whsec_c2VjcmV0")).await?;
/// outbox.publish_raw(&[RawEvent::new("order.created", serde_json::json!({"id": 1}))?]).await?;
/// assert_eq!(outbox.claim(ClaimRequest::new(10)).await?.len(), 1);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct MemoryOutbox {
    state: Arc<Mutex<State>>,
    clock: Arc<dyn Clock>,
    policy: Policy,
    wake: Arc<Notify>,
}

impl std::fmt::Debug for MemoryOutbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryOutbox")
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

impl Default for MemoryOutbox {
    fn default() -> Self {
        Self::new()
    }
}

impl MemoryOutbox {
    /// An empty outbox on the system clock and the default [`Policy`].
    ///
    /// ```
    /// let outbox = hookwire::outbox::MemoryOutbox::new();
    /// # let _ = outbox;
    /// ```
    pub fn new() -> Self {
        MemoryOutbox {
            state: Arc::new(Mutex::new(State::default())),
            clock: Arc::new(SystemClock),
            policy: Policy::default(),
            wake: Arc::new(Notify::new()),
        }
    }

    crate::outbox::clock_and_policy!(
        "# let _ = || -> Result<(), hookwire::outbox::StoreError> {",
        "hookwire::outbox::MemoryOutbox::new()"
    );

    /// The events published after row `after` (rows count from 1, in publish order, never
    /// reused), at most `limit` of them: what the events feed reads (`feed::MemoryFeed`).
    pub(crate) async fn published_after(
        &self,
        after: i64,
        limit: usize,
        app: Option<crate::outbox::AppId>,
    ) -> Vec<PublishedEvent> {
        let state = self.state.lock().await;
        state
            .events
            .range(after.saturating_add(1)..)
            .filter(|(_, event)| event.app == app.map(|app| app.0))
            .take(limit)
            .map(|(row, event)| PublishedEvent {
                row: *row,
                event_id: event.event_id.clone(),
                event_type: event.event_type.clone(),
                payload: event.payload.clone(),
                created_at: event.created_at,
                is_message: event.is_message,
            })
            .collect()
    }

    fn now_seconds(&self) -> i64 {
        self.clock.now().unix_seconds()
    }

    fn wake(&self) {
        self.wake.notify_waiters();
        self.wake.notify_one();
    }

    async fn publish_all(&self, events: &[RawEvent]) -> Result<Vec<String>, StoreError> {
        let now = self.now_seconds();
        let mut payloads = Vec::with_capacity(events.len());
        for event in events {
            payloads.push(event.envelope(Timestamp::from_unix(now))?);
        }
        let mut state = self.state.lock().await;
        // All or nothing: check every event before storing any.
        let mut keys = std::collections::HashSet::new();
        for event in events {
            state.check_publish(event, &mut keys)?;
        }
        let mut ids = Vec::with_capacity(events.len());
        for (event, payload) in events.iter().zip(payloads) {
            let event_id = id::new_event_id();
            let stored = Event {
                event_id: event_id.clone(),
                event_type: event.event_type().to_owned(),
                payload,
                app: event.application().map(|app| app.0),
                dedupe_key: event.dedupe().map(str::to_owned),
                ordering_key: event.ordering().map(str::to_owned),
                trace: crate::trace::TraceContext::for_publish(event.trace_context()),
                is_message: event.is_message(),
                created_at: now,
            };
            state.publish(stored, now);
            ids.push(event_id);
        }
        drop(state);
        self.wake();
        Ok(ids)
    }

    async fn record_all(&self, results: &[AttemptResult]) -> Result<Vec<Recorded>, StoreError> {
        let now = self.now_seconds();
        let mut disabled = Vec::new();
        let mut recorded = Vec::with_capacity(results.len());
        let mut state = self.state.lock().await;
        for result in results {
            let mut ledger = state::Ledger(&mut state);
            recorded.push(record_one(&mut ledger, &self.policy, result, now, &mut disabled).await?);
        }
        drop(state);
        for event in &disabled {
            self.policy.notify_disabled(event);
        }
        Ok(recorded)
    }

    async fn set_enabled_now(&self, id: EndpointId, enabled: bool) -> Result<(), StoreError> {
        let now = self.now_seconds();
        let mut state = self.state.lock().await;
        let Some(endpoint) = state.endpoints.get_mut(&id.0) else {
            return Err(StoreError::NotFound {
                what: "endpoint",
                id: id.0,
            });
        };
        if enabled {
            endpoint.enable();
            state.move_deliveries(
                id.0,
                &[DeliveryState::Disabled],
                DeliveryState::Pending,
                now,
            );
            drop(state);
            self.wake();
        } else {
            endpoint.disable(crate::outbox::DisabledReason::Manual);
            state.hold(id.0, now);
        }
        Ok(())
    }

    async fn stats_now(&self) -> OutboxStats {
        let now = self.now_seconds();
        let state = self.state.lock().await;
        let mut stats = OutboxStats::default();
        let mut lines: Vec<EndpointStats> = state
            .endpoints
            .values()
            .map(|e| {
                let health = (e.health.paused_until, e.health.breaker_opens);
                EndpointStats::new(EndpointId(e.id), e.url.clone(), e.disabled, health, now)
            })
            .collect();
        for delivery in state.deliveries.values() {
            stats.states.add(delivery.state, 1);
            if let Some(line) = lines.iter_mut().find(|l| l.id.0 == delivery.endpoint) {
                line.add(delivery.state, 1, delivery.created_at);
            }
        }
        stats.endpoints = lines;
        stats
    }
}

impl OutboxStore for MemoryOutbox {
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
        Box::pin(async move {
            endpoint.validate()?;
            let now = self.now_seconds();
            let mut state = self.state.lock().await;
            state.check_endpoint(endpoint.app.map(|app| app.0), endpoint, None)?;
            Ok(EndpointId(state.add_endpoint(endpoint, now)))
        })
    }

    fn update_endpoint<'a>(
        &'a self,
        id: EndpointId,
        endpoint: &'a NewEndpoint,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            endpoint.validate()?;
            let now = self.now_seconds();
            let mut state = self.state.lock().await;
            // An endpoint stays in its application: its uid is checked there.
            if let Some(app) = state.endpoints.get(&id.0).map(|e| e.app) {
                state.check_endpoint(app, endpoint, Some(id.0))?;
            }
            match state.endpoints.get_mut(&id.0) {
                Some(stored) => {
                    stored.update(endpoint, now);
                    Ok(())
                }
                None => Err(StoreError::NotFound {
                    what: "endpoint",
                    id: id.0,
                }),
            }
        })
    }

    fn endpoint(
        &self,
        id: EndpointId,
    ) -> BoxFuture<'_, Result<Option<WebhookEndpoint>, StoreError>> {
        Box::pin(async move {
            let state = self.state.lock().await;
            Ok(state.endpoints.get(&id.0).map(state::Endpoint::view))
        })
    }

    fn endpoints(
        &self,
        after: Option<EndpointId>,
        limit: u32,
    ) -> BoxFuture<'_, Result<Vec<WebhookEndpoint>, StoreError>> {
        Box::pin(async move {
            let state = self.state.lock().await;
            let from = after.map_or(0, |id| id.0).saturating_add(1);
            let limit = limit_of(limit);
            Ok(state
                .endpoints
                .range(from..)
                .take(limit)
                .map(|(_, e)| e.view())
                .collect())
        })
    }

    fn delete_endpoint(&self, id: EndpointId) -> BoxFuture<'_, Result<bool, StoreError>> {
        Box::pin(async move { Ok(self.state.lock().await.delete_endpoint(id.0)) })
    }

    fn set_enabled(&self, id: EndpointId, enabled: bool) -> BoxFuture<'_, Result<(), StoreError>> {
        Box::pin(self.set_enabled_now(id, enabled))
    }

    fn publish_raw<'a>(
        &'a self,
        events: &'a [RawEvent],
    ) -> BoxFuture<'a, Result<Vec<String>, StoreError>> {
        Box::pin(self.publish_all(events))
    }

    fn claim(&self, request: ClaimRequest) -> BoxFuture<'_, Result<Vec<Claimed>, StoreError>> {
        Box::pin(async move {
            let now = self.now_seconds();
            let mut state = self.state.lock().await;
            Ok(claim::claim(&mut state, &self.policy, request, now))
        })
    }

    fn record<'a>(
        &'a self,
        results: &'a [AttemptResult],
    ) -> BoxFuture<'a, Result<Vec<Recorded>, StoreError>> {
        Box::pin(self.record_all(results))
    }

    fn release<'a>(&'a self, leases: &'a [Lease]) -> BoxFuture<'a, Result<u64, StoreError>> {
        Box::pin(async move {
            let now = self.now_seconds();
            let released = self.state.lock().await.release(leases, now);
            if released > 0 {
                self.wake();
            }
            Ok(released)
        })
    }

    fn wait_for_work(&self, timeout: Duration) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            let _ = tokio::time::timeout(timeout, self.wake.notified()).await;
        })
    }

    fn deliveries<'a>(
        &'a self,
        query: &'a DeliveryQuery,
    ) -> BoxFuture<'a, Result<Vec<DeliveryInfo>, StoreError>> {
        Box::pin(async move {
            let state = self.state.lock().await;
            let from = query.after.map_or(0, |id| id.0).saturating_add(1);
            let limit = limit_of(query.limit);
            Ok(state
                .deliveries
                .range(from..)
                .filter(|(_, d)| query.state.is_none_or(|s| d.state == s))
                .filter(|(_, d)| query.endpoint.is_none_or(|e| d.endpoint == e.0))
                .map(|(id, d)| state.info(*id, d))
                .filter(|info| query.event_id.as_ref().is_none_or(|e| info.event_id == *e))
                .take(limit)
                .collect())
        })
    }

    fn attempts(&self, delivery: DeliveryId) -> BoxFuture<'_, Result<Vec<AttemptLog>, StoreError>> {
        Box::pin(async move {
            let state = self.state.lock().await;
            let log = state.log.get(&delivery.0).map(Vec::as_slice).unwrap_or(&[]);
            Ok(log.iter().take(100).cloned().collect())
        })
    }

    fn retry(&self, delivery: DeliveryId) -> BoxFuture<'_, Result<bool, StoreError>> {
        Box::pin(async move {
            let now = self.now_seconds();
            let retried = self.state.lock().await.retry(delivery.0, now);
            self.wake();
            Ok(retried)
        })
    }

    fn recover(&self, endpoint: EndpointId, since: i64) -> BoxFuture<'_, Result<u64, StoreError>> {
        Box::pin(async move {
            let now = self.now_seconds();
            let recovered = self.state.lock().await.recover(endpoint.0, since, now);
            self.wake();
            Ok(recovered)
        })
    }

    fn purge(&self, before: i64) -> BoxFuture<'_, Result<Purged, StoreError>> {
        Box::pin(async move { Ok(self.state.lock().await.purge(before)) })
    }

    fn stats(&self) -> BoxFuture<'_, Result<OutboxStats, StoreError>> {
        Box::pin(async move { Ok(self.stats_now().await) })
    }
}

/// A listing's `limit` as a count: 1 to 1000.
fn limit_of(limit: u32) -> usize {
    usize::try_from(limit.clamp(1, 1000)).unwrap_or(1000)
}

/// A published event as the events feed reads it.
#[derive(Debug, Clone)]
pub(crate) struct PublishedEvent {
    /// Its row: the feed's cursor.
    pub(crate) row: i64,
    pub(crate) event_id: String,
    pub(crate) event_type: String,
    /// The body as published (the envelope, or a message's payload).
    pub(crate) payload: String,
    pub(crate) created_at: i64,
    /// Whether the body is a message's payload.
    pub(crate) is_message: bool,
}

/// A delivery's number in the attempt log for its next entry: the claims of its schedule, or
/// one more than the last logged when a retry or recover started a fresh schedule.
fn next_number(delivery: &Delivery, log: Option<&Vec<AttemptLog>>) -> i64 {
    let logged = log
        .and_then(|log| log.iter().map(|a| i64::from(a.attempt)).max())
        .unwrap_or(0);
    i64::from(delivery.attempts).max(logged + 1)
}
