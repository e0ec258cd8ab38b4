//! Operations: listing, the attempt log and statistics.

use serde::Serialize;

use crate::outbox::{DeliveryId, DeliveryState, EndpointId};

/// Which deliveries [`OutboxStore::deliveries`](crate::outbox::OutboxStore::deliveries) lists:
/// every filter set must match. Results come in id order, `limit` at a time; pass the last id
/// seen as `after` for the next page.
///
/// ```
/// use hookwire::outbox::{DeliveryQuery, DeliveryState, EndpointId};
///
/// let query = DeliveryQuery::new(100).state(DeliveryState::Failed).endpoint(EndpointId(3));
/// assert_eq!(query.limit, 100);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct DeliveryQuery {
    /// Only deliveries in this state.
    pub state: Option<DeliveryState>,
    /// Only deliveries to this endpoint.
    pub endpoint: Option<EndpointId>,
    /// Only deliveries of this event.
    pub event_id: Option<String>,
    /// Only deliveries with a larger id (the previous page's last).
    pub after: Option<DeliveryId>,
    /// At most this many (capped at 1000).
    pub limit: u32,
}

impl DeliveryQuery {
    /// Every delivery, `limit` at a time.
    ///
    /// ```
    /// # use hookwire::outbox::DeliveryQuery;
    /// assert_eq!(DeliveryQuery::new(5000).limit, 1000);
    /// ```
    pub fn new(limit: u32) -> Self {
        Self {
            limit: limit.clamp(1, 1000),
            ..Self::default()
        }
    }

    /// Only this state.
    ///
    /// ```
    /// # use hookwire::outbox::{DeliveryQuery, DeliveryState};
    /// assert_eq!(DeliveryQuery::new(1).state(DeliveryState::Pending).state, Some(DeliveryState::Pending));
    /// ```
    #[must_use]
    pub fn state(mut self, state: DeliveryState) -> Self {
        self.state = Some(state);
        self
    }

    /// Only this endpoint.
    ///
    /// ```
    /// # use hookwire::outbox::{DeliveryQuery, EndpointId};
    /// assert_eq!(DeliveryQuery::new(1).endpoint(EndpointId(2)).endpoint, Some(EndpointId(2)));
    /// ```
    #[must_use]
    pub fn endpoint(mut self, endpoint: EndpointId) -> Self {
        self.endpoint = Some(endpoint);
        self
    }

    /// Only this event.
    ///
    /// ```
    /// # use hookwire::outbox::DeliveryQuery;
    /// assert!(DeliveryQuery::new(1).event("evt_1").event_id.is_some());
    /// ```
    #[must_use]
    pub fn event(mut self, event_id: impl Into<String>) -> Self {
        self.event_id = Some(event_id.into());
        self
    }

    /// The page after this id.
    ///
    /// ```
    /// # use hookwire::outbox::{DeliveryId, DeliveryQuery};
    /// assert_eq!(DeliveryQuery::new(1).after(DeliveryId(9)).after, Some(DeliveryId(9)));
    /// ```
    #[must_use]
    pub fn after(mut self, id: DeliveryId) -> Self {
        self.after = Some(id);
        self
    }
}

/// A delivery as listed.
///
/// ```
/// # fn demo(delivery: &hookwire::outbox::DeliveryInfo) {
/// println!("{} {} {:?} attempts={}", delivery.id, delivery.webhook_id, delivery.state, delivery.attempts);
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct DeliveryInfo {
    /// Its id.
    pub id: DeliveryId,
    /// Its `webhook-id`.
    pub webhook_id: String,
    /// The event's id.
    pub event_id: String,
    /// The event's type.
    pub event_type: String,
    /// The event's ordering key, if it has one ([`RawEvent::ordering_key`](crate::outbox::RawEvent::ordering_key)).
    pub ordering_key: Option<String>,
    /// The endpoint.
    pub endpoint: EndpointId,
    /// Its state.
    pub state: DeliveryState,
    /// Attempts started in its current retry schedule ([`retry`](crate::outbox::OutboxStore::retry)
    /// and [`recover`](crate::outbox::OutboxStore::recover) start a fresh one; the attempt log's
    /// numbers count on across them).
    pub attempts: u32,
    /// Pending: when the next attempt is due; in flight: when the lease runs out (Unix seconds).
    pub next_attempt_at: i64,
    /// The last response's status, if any.
    pub last_status: Option<u16>,
    /// When it was created (Unix seconds).
    pub created_at: i64,
    /// When it last changed (Unix seconds).
    pub updated_at: i64,
}

/// One entry of the attempt log.
///
/// ```
/// # fn demo(attempt: &hookwire::outbox::AttemptLog) {
/// println!("#{} status={:?} {} ms: {}", attempt.attempt, attempt.status, attempt.duration_ms, attempt.excerpt);
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct AttemptLog {
    /// The delivery.
    pub delivery: DeliveryId,
    /// The attempt's number, from 1; it never restarts (not after a retry or recover either).
    pub attempt: u32,
    /// When it was recorded (Unix seconds).
    pub at: i64,
    /// `delivered`, `response`, `no_response` or `refused`; `abandoned` when the store failed
    /// the delivery because it was claimed as often as its schedule allows and the last lease
    /// ran out with no result recorded (the excerpt says so).
    pub outcome: String,
    /// The HTTP status, if there was a response.
    pub status: Option<u16>,
    /// How long it took, in milliseconds.
    pub duration_ms: u64,
    /// A bounded excerpt of the response body or the error.
    pub excerpt: String,
}

/// Deliveries counted by state.
///
/// ```
/// use hookwire::outbox::StateCounts;
///
/// let counts = StateCounts::default();
/// assert_eq!(serde_json::to_value(&counts)?["in_flight"], 0);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct StateCounts {
    /// Waiting for an attempt.
    pub pending: u64,
    /// Claimed by a worker.
    pub in_flight: u64,
    /// Delivered.
    pub delivered: u64,
    /// The schedule ran out.
    pub failed: u64,
    /// Held for a disabled endpoint.
    pub disabled: u64,
}

impl StateCounts {
    /// Adds `count` deliveries in `state`.
    ///
    /// ```
    /// # use hookwire::outbox::{DeliveryState, StateCounts};
    /// let mut counts = StateCounts::default();
    /// counts.add(DeliveryState::Failed, 2);
    /// assert_eq!(counts.failed, 2);
    /// ```
    pub fn add(&mut self, state: DeliveryState, count: u64) {
        let slot = match state {
            DeliveryState::Pending => &mut self.pending,
            DeliveryState::InFlight => &mut self.in_flight,
            DeliveryState::Delivered => &mut self.delivered,
            DeliveryState::Failed => &mut self.failed,
            DeliveryState::Disabled => &mut self.disabled,
        };
        *slot += count;
    }
}

/// One endpoint's line in [`OutboxStats`].
///
/// ```
/// # fn demo(line: &hookwire::outbox::EndpointStats) {
/// println!("{} {}: {} pending", line.id, line.url, line.states.pending);
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct EndpointStats {
    /// The endpoint.
    pub id: EndpointId,
    /// Its URL.
    pub url: String,
    /// `null` when enabled, else why it is disabled.
    pub disabled: Option<crate::outbox::DisabledReason>,
    /// Its deliveries by state.
    pub states: StateCounts,
    /// `null` unless it is paused now: no attempt starts before this time (Unix seconds),
    /// for its circuit breaker or a `429`/`Retry-After`.
    pub paused_until: Option<i64>,
    /// Where its circuit breaker stands now.
    pub breaker: crate::outbox::BreakerState,
    /// When its oldest pending or in-flight delivery was created (Unix seconds); `null` when it
    /// has none.
    pub oldest_pending_at: Option<i64>,
}

impl EndpointStats {
    /// A line with no deliveries counted yet, its pause and breaker as they stand at `now`.
    pub(crate) fn new(
        id: EndpointId,
        url: String,
        disabled: Option<crate::outbox::DisabledReason>,
        (paused_until, breaker_opens): (i64, u32),
        now: i64,
    ) -> Self {
        EndpointStats {
            id,
            url,
            disabled,
            states: StateCounts::default(),
            paused_until: (paused_until > now).then_some(paused_until),
            breaker: crate::outbox::BreakerState::at(breaker_opens, paused_until, now),
            oldest_pending_at: None,
        }
    }

    /// Counts `count` deliveries in `state`, the oldest created at `oldest`.
    pub(crate) fn add(&mut self, state: crate::outbox::DeliveryState, count: u64, oldest: i64) {
        self.states.add(state, count);
        if matches!(
            state,
            crate::outbox::DeliveryState::Pending | crate::outbox::DeliveryState::InFlight
        ) {
            self.oldest_pending_at = Some(self.oldest_pending_at.map_or(oldest, |o| o.min(oldest)));
        }
    }
}

/// The `hookwire outbox stats --json` document: deliveries by state, and by endpoint.
///
/// ```
/// use hookwire::outbox::OutboxStats;
///
/// let stats = OutboxStats::default();
/// assert_eq!(
///     serde_json::to_string(&stats)?,
///     r#"{"states":{"pending":0,"in_flight":0,"delivered":0,"failed":0,"disabled":0},"endpoints":[]}"#
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct OutboxStats {
    /// Every delivery by state.
    pub states: StateCounts,
    /// Per endpoint, in id order.
    pub endpoints: Vec<EndpointStats>,
}

/// What [`OutboxStore::purge`](crate::outbox::OutboxStore::purge) removed.
///
/// ```
/// let report = hookwire::outbox::Purged::default();
/// assert_eq!(report.deliveries + report.events, 0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[non_exhaustive]
pub struct Purged {
    /// Deliveries removed (with their attempt logs).
    pub deliveries: u64,
    /// Events removed (those left with no delivery).
    pub events: u64,
}
