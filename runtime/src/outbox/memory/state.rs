//! What the memory outbox keeps, and the writes recording a result makes on it.

use std::collections::BTreeMap;

use super::apps::{App, Record};

use super::next_number;
use crate::outbox::record::{self, Leased, LogEntry};
use crate::outbox::{
    AppId, AttemptLog, DeliveryId, DeliveryInfo, DeliveryState, DisabledReason, EndpointId, Health,
    Lease, NewEndpoint, Purged, Secrets, StoreError, TypeFilter, WebhookEndpoint,
};

#[derive(Debug, Default)]
pub(super) struct State {
    pub(super) endpoints: BTreeMap<i64, Endpoint>,
    pub(super) events: BTreeMap<i64, Event>,
    pub(super) deliveries: BTreeMap<i64, Delivery>,
    pub(super) log: BTreeMap<i64, Vec<AttemptLog>>,
    pub(super) apps: BTreeMap<i64, App>,
    pub(super) records: BTreeMap<(String, String), Record>,
    pub(super) next_app: i64,
    next_endpoint: i64,
    next_event: i64,
    next_delivery: i64,
}

#[derive(Debug)]
pub(super) struct Endpoint {
    pub(super) id: i64,
    pub(super) url: String,
    pub(super) secrets: Secrets,
    pub(super) types: Vec<TypeFilter>,
    pub(super) allow_private: bool,
    pub(super) max_in_flight: u32,
    pub(super) rate_per_second: Option<u32>,
    pub(super) description: String,
    pub(super) disabled: Option<DisabledReason>,
    pub(super) health: Health,
    pub(super) rate_window: i64,
    pub(super) rate_count: i64,
    pub(super) app: Option<i64>,
    pub(super) uid: Option<String>,
    pub(super) metadata: BTreeMap<String, String>,
    pub(super) headers: BTreeMap<String, String>,
    pub(super) created_at: i64,
    pub(super) updated_at: i64,
}

#[derive(Debug)]
pub(super) struct Event {
    pub(super) event_id: String,
    pub(super) event_type: String,
    pub(super) payload: String,
    pub(super) app: Option<i64>,
    pub(super) dedupe_key: Option<String>,
    pub(super) ordering_key: Option<String>,
    pub(super) trace: Option<crate::trace::TraceContext>,
    pub(super) is_message: bool,
    pub(super) created_at: i64,
}

#[derive(Debug)]
pub(super) struct Delivery {
    pub(super) event: i64,
    pub(super) endpoint: i64,
    pub(super) ordering_key: Option<String>,
    pub(super) state: DeliveryState,
    pub(super) attempts: u32,
    pub(super) run_at: i64,
    pub(super) lease: Option<i64>,
    pub(super) last_status: Option<u16>,
    pub(super) created_at: i64,
    pub(super) updated_at: i64,
}

impl Endpoint {
    /// Its filters as the SQL outboxes keep them: each once, in `(is_prefix, value)` order.
    fn set(&mut self, new: &NewEndpoint) {
        let mut types = new.types.clone();
        types.sort_by(|a, b| a.parts().cmp(&b.parts()));
        types.dedup();
        self.url.clone_from(&new.url);
        self.secrets = new.secrets.clone();
        self.types = types;
        self.allow_private = new.allow_private;
        self.max_in_flight = new.max_in_flight.max(1);
        self.rate_per_second = new.rate_per_second.map(|r| r.max(1));
        self.description.clone_from(&new.description);
        self.uid.clone_from(&new.uid);
        self.metadata.clone_from(&new.metadata);
        self.headers.clone_from(&new.headers);
    }

    pub(super) fn update(&mut self, new: &NewEndpoint, now: i64) {
        self.set(new);
        self.updated_at = now;
    }

    pub(super) fn subscribes(&self, event_type: &str) -> bool {
        self.types.is_empty() || self.types.iter().any(|t| t.matches(event_type))
    }

    pub(super) fn enable(&mut self) {
        self.disabled = None;
        self.health = Health::default();
    }

    /// Disables it for `reason` unless it is disabled already; whether it changed.
    pub(super) fn disable(&mut self, reason: DisabledReason) -> bool {
        let changed = self.disabled.is_none();
        if changed {
            self.disabled = Some(reason);
        }
        changed
    }

    /// The breaker closes with a fresh window and the pause lifts (an operator's retry).
    pub(super) fn reset_breaker(&mut self) {
        self.health.paused_until = 0;
        self.health.breaker_opens = 0;
        self.health.window_start = 0;
        self.health.window_attempts = 0;
        self.health.window_failures = 0;
    }

    pub(super) fn view(&self) -> WebhookEndpoint {
        WebhookEndpoint {
            id: EndpointId(self.id),
            url: self.url.clone(),
            secrets: self.secrets.clone(),
            types: self.types.clone(),
            allow_private: self.allow_private,
            max_in_flight: self.max_in_flight,
            rate_per_second: self.rate_per_second,
            description: self.description.clone(),
            disabled: self.disabled,
            consecutive_failures: self.health.consecutive_failures,
            failing_since: self.health.failing_since,
            paused_until: self.health.paused_until,
            breaker_opens: self.health.breaker_opens,
            app: self.app.map(AppId),
            uid: self.uid.clone(),
            metadata: self.metadata.clone(),
            headers: self.headers.clone(),
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

impl State {
    /// Removes endpoint `id`, its deliveries and their log; whether it existed.
    pub(super) fn delete_endpoint(&mut self, id: i64) -> bool {
        if self.endpoints.remove(&id).is_none() {
            return false;
        }
        let log = &mut self.log;
        self.deliveries.retain(|delivery_id, delivery| {
            let keep = delivery.endpoint != id;
            if !keep {
                log.remove(delivery_id);
            }
            keep
        });
        true
    }

    pub(super) fn add_endpoint(&mut self, new: &NewEndpoint, now: i64) -> i64 {
        self.next_endpoint += 1;
        let mut endpoint = Endpoint {
            id: self.next_endpoint,
            url: String::new(),
            secrets: new.secrets.clone(),
            types: Vec::new(),
            allow_private: false,
            max_in_flight: 1,
            rate_per_second: None,
            description: String::new(),
            disabled: None,
            health: Health::default(),
            rate_window: 0,
            rate_count: 0,
            app: new.app.map(|app| app.0),
            uid: None,
            metadata: BTreeMap::new(),
            headers: BTreeMap::new(),
            created_at: now,
            updated_at: now,
        };
        endpoint.set(new);
        if endpoint.rate_per_second.is_none() {
            // Without a rate of its own it takes its application's default.
            endpoint.rate_per_second = endpoint.app.and_then(|app| self.app_rate_limit(app));
        }
        self.endpoints.insert(endpoint.id, endpoint);
        self.next_endpoint
    }

    /// Stores `event` and fans it out: one delivery per subscribed endpoint, held for a
    /// disabled one.
    pub(super) fn publish(&mut self, event: Event, now: i64) {
        self.next_event += 1;
        let pk = self.next_event;
        for endpoint in self.endpoints.values() {
            if endpoint.app != event.app || !endpoint.subscribes(&event.event_type) {
                continue;
            }
            self.next_delivery += 1;
            let state = match endpoint.disabled {
                None => DeliveryState::Pending,
                Some(_) => DeliveryState::Disabled,
            };
            let delivery = Delivery {
                event: pk,
                endpoint: endpoint.id,
                ordering_key: event.ordering_key.clone(),
                state,
                attempts: 0,
                run_at: now,
                lease: None,
                last_status: None,
                created_at: now,
                updated_at: now,
            };
            self.deliveries.insert(self.next_delivery, delivery);
        }
        self.events.insert(pk, event);
    }

    /// Moves `endpoint`'s deliveries in one of `from` to `to`, due now, leases dropped.
    pub(super) fn move_deliveries(
        &mut self,
        endpoint: i64,
        from: &[DeliveryState],
        to: DeliveryState,
        now: i64,
    ) {
        for delivery in self.deliveries.values_mut() {
            if delivery.endpoint == endpoint && from.contains(&delivery.state) {
                delivery.state = to;
                delivery.updated_at = now;
                if to == DeliveryState::Pending {
                    delivery.run_at = now;
                } else {
                    delivery.lease = None;
                }
            }
        }
    }

    /// Holds `endpoint`'s pending and in-flight deliveries (state `disabled`).
    pub(super) fn hold(&mut self, endpoint: i64, now: i64) {
        let from = [DeliveryState::Pending, DeliveryState::InFlight];
        self.move_deliveries(endpoint, &from, DeliveryState::Disabled, now);
    }

    pub(super) fn info(&self, id: i64, delivery: &Delivery) -> DeliveryInfo {
        let event = self.events.get(&delivery.event);
        DeliveryInfo {
            id: DeliveryId(id),
            webhook_id: event.map(|e| e.event_id.clone()).unwrap_or_default(),
            event_id: event.map(|e| e.event_id.clone()).unwrap_or_default(),
            event_type: event.map(|e| e.event_type.clone()).unwrap_or_default(),
            ordering_key: delivery.ordering_key.clone(),
            endpoint: EndpointId(delivery.endpoint),
            state: delivery.state,
            attempts: delivery.attempts,
            next_attempt_at: delivery.run_at,
            last_status: delivery.last_status,
            created_at: delivery.created_at,
            updated_at: delivery.updated_at,
        }
    }

    pub(super) fn release(&mut self, leases: &[Lease], now: i64) -> u64 {
        let mut released = 0;
        for lease in leases {
            let Some(delivery) = self.deliveries.get_mut(&lease.delivery.0) else {
                continue;
            };
            if delivery.state == DeliveryState::InFlight && delivery.lease == Some(lease.token) {
                delivery.state = DeliveryState::Pending;
                delivery.run_at = now;
                delivery.lease = None;
                delivery.attempts = delivery.attempts.saturating_sub(1);
                delivery.updated_at = now;
                released += 1;
            }
        }
        released
    }

    pub(super) fn retry(&mut self, id: i64, now: i64) -> bool {
        let Some(delivery) = self.deliveries.get_mut(&id) else {
            return false;
        };
        if delivery.state == DeliveryState::InFlight {
            return false;
        }
        let endpoint = self.endpoints.get_mut(&delivery.endpoint);
        delivery.state = match endpoint.as_ref().and_then(|e| e.disabled) {
            None => DeliveryState::Pending,
            Some(_) => DeliveryState::Disabled,
        };
        delivery.attempts = 0;
        delivery.run_at = now;
        delivery.lease = None;
        delivery.updated_at = now;
        if let Some(endpoint) = endpoint {
            endpoint.reset_breaker();
        }
        true
    }

    pub(super) fn recover(&mut self, endpoint: i64, since: i64, now: i64) -> u64 {
        let mut recovered = 0;
        for delivery in self.deliveries.values_mut() {
            if delivery.endpoint == endpoint
                && delivery.state == DeliveryState::Failed
                && delivery.created_at >= since
            {
                delivery.state = DeliveryState::Pending;
                delivery.attempts = 0;
                delivery.run_at = now;
                delivery.updated_at = now;
                recovered += 1;
            }
        }
        if let Some(endpoint) = self.endpoints.get_mut(&endpoint) {
            endpoint.reset_breaker();
        }
        recovered
    }

    pub(super) fn purge(&mut self, before: i64) -> Purged {
        let finished = [DeliveryState::Delivered, DeliveryState::Failed];
        let gone: Vec<i64> = self
            .deliveries
            .iter()
            .filter(|(_, d)| finished.contains(&d.state) && d.created_at < before)
            .map(|(id, _)| *id)
            .collect();
        for id in &gone {
            self.deliveries.remove(id);
            self.log.remove(id);
        }
        let kept: std::collections::HashSet<i64> =
            self.deliveries.values().map(|d| d.event).collect();
        let before_events = self.events.len();
        self.events
            .retain(|pk, event| event.created_at >= before || kept.contains(pk));
        Purged {
            deliveries: gone.len() as u64,
            events: (before_events - self.events.len()) as u64,
        }
    }

    pub(super) fn append(&mut self, entry: AttemptLog) {
        self.log.entry(entry.delivery.0).or_default().push(entry);
    }
}

/// The writes of [`record_one`](crate::outbox::record::record_one) on the maps.
pub(super) struct Ledger<'a>(pub(super) &'a mut State);

impl record::Ledger for Ledger<'_> {
    async fn leased(&mut self, lease: Lease) -> Result<Option<Leased>, StoreError> {
        let state = &*self.0;
        let Some(delivery) = state.deliveries.get(&lease.delivery.0) else {
            return Ok(None);
        };
        if delivery.state != DeliveryState::InFlight || delivery.lease != Some(lease.token) {
            return Ok(None);
        }
        let Some(endpoint) = state.endpoints.get(&delivery.endpoint) else {
            return Ok(None);
        };
        Ok(Some(Leased {
            attempt: delivery.attempts,
            endpoint: delivery.endpoint,
            number: next_number(delivery, state.log.get(&lease.delivery.0)),
            health: endpoint.health,
        }))
    }

    async fn health(&mut self, endpoint: i64) -> Result<Health, StoreError> {
        Ok(self
            .0
            .endpoints
            .get(&endpoint)
            .map(|e| e.health)
            .unwrap_or_default())
    }

    async fn finish(
        &mut self,
        delivery: i64,
        (state, run_at): (DeliveryState, i64),
        status: Option<i64>,
        now: i64,
    ) -> Result<(), StoreError> {
        if let Some(delivery) = self.0.deliveries.get_mut(&delivery) {
            delivery.state = state;
            delivery.run_at = run_at;
            delivery.lease = None;
            delivery.last_status = status.and_then(|s| u16::try_from(s).ok());
            delivery.updated_at = now;
        }
        Ok(())
    }

    async fn set_health(&mut self, endpoint: i64, health: Health) -> Result<(), StoreError> {
        if let Some(endpoint) = self.0.endpoints.get_mut(&endpoint) {
            endpoint.health = health;
        }
        Ok(())
    }

    async fn disable(
        &mut self,
        endpoint: i64,
        reason: DisabledReason,
        now: i64,
    ) -> Result<bool, StoreError> {
        let changed = self
            .0
            .endpoints
            .get_mut(&endpoint)
            .is_some_and(|e| e.disable(reason));
        self.0.hold(endpoint, now);
        Ok(changed)
    }

    async fn log(&mut self, entry: LogEntry<'_>) -> Result<(), StoreError> {
        self.0.append(AttemptLog {
            delivery: DeliveryId(entry.delivery),
            attempt: u32::try_from(entry.number).unwrap_or(u32::MAX),
            at: entry.at,
            outcome: entry.outcome.to_owned(),
            status: entry.status.and_then(|s| u16::try_from(s).ok()),
            duration_ms: u64::try_from(entry.duration_ms).unwrap_or(0),
            excerpt: entry.excerpt.to_owned(),
        });
        Ok(())
    }
}
