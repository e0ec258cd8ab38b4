//! The outbox conformance suite: one generic async function per behaviour, run against every
//! backend ([`backends`]) by `tests/conformance.rs`. Time comes from a `FixedClock`; nothing
//! sleeps.

#![allow(dead_code)]

pub(crate) mod apps;
pub(crate) mod backends;
pub(crate) mod ordering;

// The ordering cases, run by `conformance/outbox.rs` beside the others.
#[allow(unused_imports)]
pub(crate) use ordering::*;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hookwire::clock::{Clock, FixedClock};
use hookwire::outbox::{
    AttemptOutcome, AttemptResult, Breaker, BreakerState, ClaimRequest, Claimed, DeliveryQuery,
    DeliveryState, DisabledReason, EndpointDisabled, EndpointId, NewEndpoint, OutboxStore, Policy,
    RawEvent, Recorded,
};
use hookwire::retry::RetryPolicy;

pub(crate) const T0: i64 = 1_700_000_000;
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// A backend under test: opens (or reopens) a store on the same database.
pub(crate) trait Backend {
    type Store: hookwire::outbox::ApplicationStore;
    async fn open(&self, clock: Arc<FixedClock>, policy: Policy) -> Self::Store;
    /// Makes the database refuse to log an attempt for which `condition` (SQL over `NEW`,
    /// the same on both backends) holds (a trigger), so one result of a batch fails to record
    /// (after the store was opened). `false` where nothing can refuse a write (memory): the
    /// tests of refused writes then pass over that backend.
    async fn sabotage_attempt_log(&self, condition: &str) -> bool;
    /// Removes what the test stored (PostgreSQL: drops the test's schema).
    async fn cleanup(&self) {}
}

/// A store, its clock, and the endpoint-disabled events its policy hook saw.
pub(crate) struct Case<B: Backend> {
    pub(crate) backend: B,
    pub(crate) clock: Arc<FixedClock>,
    pub(crate) disabled: Arc<Mutex<Vec<EndpointDisabled>>>,
    pub(crate) policy: Policy,
    pub(crate) store: B::Store,
}

impl<B: Backend> Case<B> {
    pub(crate) async fn new(backend: B, policy: Policy) -> Self {
        let clock = Arc::new(FixedClock::new(T0));
        let disabled = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&disabled);
        let policy = policy.on_endpoint_disabled(move |event| {
            seen.lock().unwrap().push(event.clone());
        });
        let store = backend.open(Arc::clone(&clock), policy.clone()).await;
        Case {
            backend,
            clock,
            disabled,
            policy,
            store,
        }
    }

    pub(crate) async fn reopen(&mut self) {
        self.store = self
            .backend
            .open(Arc::clone(&self.clock), self.policy.clone())
            .await;
    }
}

fn endpoint(url: &str) -> NewEndpoint {
    NewEndpoint::new(url, SECRET).allow_private(true)
}

async fn publish<S: OutboxStore>(store: &S, event_type: &str, n: i64) -> String {
    let event = RawEvent::new(event_type, serde_json::json!({ "n": n })).unwrap();
    store.publish_raw(&[event]).await.unwrap().remove(0)
}

async fn claim<S: OutboxStore>(store: &S, limit: u32) -> Vec<Claimed> {
    store
        .claim(ClaimRequest::new(limit).lease(Duration::from_secs(30)))
        .await
        .unwrap()
}

fn response(status: u16) -> AttemptOutcome {
    AttemptOutcome::Response {
        status,
        retry_after: None,
    }
}

async fn record<S: OutboxStore>(store: &S, claimed: &Claimed, outcome: AttemptOutcome) -> Recorded {
    let result = AttemptResult::new(claimed.lease, outcome)
        .duration(Duration::from_millis(7))
        .excerpt("body");
    store.record(&[result]).await.unwrap().remove(0)
}

async fn count<S: OutboxStore>(store: &S, state: DeliveryState) -> usize {
    store
        .deliveries(&DeliveryQuery::new(1000).state(state))
        .await
        .unwrap()
        .len()
}

/// Fan-out and filters: one delivery per subscribed endpoint, each with its own webhook-id,
/// the same envelope; prefix and exact filters; held for a disabled endpoint.
pub(crate) async fn fan_out_and_filters<B: Backend>(case: Case<B>) {
    let store = &case.store;
    let all = store
        .add_endpoint(&endpoint("http://127.0.0.1:9/all"))
        .await
        .unwrap();
    let orders = store
        .add_endpoint(&endpoint("http://127.0.0.1:9/orders").types(["order.*".parse().unwrap()]))
        .await
        .unwrap();
    let invoices = store
        .add_endpoint(
            &endpoint("http://127.0.0.1:9/invoices").types(["invoice.paid".parse().unwrap()]),
        )
        .await
        .unwrap();
    let off = store
        .add_endpoint(&endpoint("http://127.0.0.1:9/off"))
        .await
        .unwrap();
    store.set_enabled(off, false).await.unwrap();
    // `order_` must not match the prefix `order.` (no LIKE wildcards).
    let under = store
        .add_endpoint(&endpoint("http://127.0.0.1:9/under").types(["order_x.*".parse().unwrap()]))
        .await
        .unwrap();

    let event_id = publish(store, "order.created", 1).await;
    let listed = store
        .deliveries(&DeliveryQuery::new(100).event(event_id.clone()))
        .await
        .unwrap();
    let mut targets: Vec<(EndpointId, DeliveryState)> =
        listed.iter().map(|d| (d.endpoint, d.state)).collect();
    targets.sort_by_key(|(id, _)| *id);
    assert_eq!(
        targets,
        [
            (all, DeliveryState::Pending),
            (orders, DeliveryState::Pending),
            (off, DeliveryState::Disabled)
        ]
    );
    let _ = (invoices, under);

    let claimed = claim(store, 10).await;
    assert_eq!(claimed.len(), 2);
    // Every endpoint gets the event id as its `webhook-id`: the feed's id, one dedup key.
    assert_eq!(claimed[0].webhook_id, claimed[1].webhook_id);
    for delivery in &claimed {
        assert_eq!(delivery.event_id, event_id);
        assert_eq!(delivery.event_type, "order.created");
        assert_eq!(delivery.attempt, 1);
        assert_eq!(delivery.webhook_id, event_id);
        assert_eq!(delivery.target.secrets.expose(), [SECRET]);
        let body: serde_json::Value = serde_json::from_str(&delivery.payload).unwrap();
        assert_eq!(body["type"], "order.created");
        assert_eq!(body["data"]["n"], 1);
        assert_eq!(body["timestamp"], "2023-11-14T22:13:20Z");
    }
    assert_eq!(claimed[0].payload, claimed[1].payload);

    let paid = publish(store, "invoice.paid", 2).await;
    let listed = store
        .deliveries(&DeliveryQuery::new(100).event(paid))
        .await
        .unwrap();
    let mut got: Vec<EndpointId> = listed.iter().map(|d| d.endpoint).collect();
    got.sort();
    assert_eq!(got, [all, invoices, off]);
}

/// A stale worker's result is refused; the new holder's is stored.
pub(crate) async fn fencing<B: Backend>(case: Case<B>) {
    let store = &case.store;
    store
        .add_endpoint(&endpoint("http://127.0.0.1:9/"))
        .await
        .unwrap();
    publish(store, "a.b", 1).await;
    let first = claim(store, 1).await.remove(0);
    case.clock.advance(31);
    let second = claim(store, 1).await.remove(0);
    assert_eq!(second.lease.delivery, first.lease.delivery);
    assert_ne!(second.lease.token, first.lease.token);
    assert_eq!(second.webhook_id, first.webhook_id);
    assert_eq!(second.attempt, 2);

    assert_eq!(record(store, &first, response(204)).await, Recorded::Stale);
    assert!(record(store, &second, response(204)).await.is_done());
    assert_eq!(record(store, &second, response(204)).await, Recorded::Stale);
    assert_eq!(count(store, DeliveryState::Delivered).await, 1);
    let log = store.attempts(first.lease.delivery).await.unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].attempt, 2);
    assert_eq!(log[0].status, Some(204));
    assert_eq!(log[0].duration_ms, 7);
    assert_eq!(log[0].excerpt, "body");
}

/// A crashed worker's delivery comes back when its lease runs out, with the same webhook-id;
/// an expired lease nobody took over still records.
pub(crate) async fn lease_expiry<B: Backend>(case: Case<B>) {
    let store = &case.store;
    store
        .add_endpoint(&endpoint("http://127.0.0.1:9/"))
        .await
        .unwrap();
    publish(store, "a.b", 1).await;
    let held = claim(store, 5).await;
    assert_eq!(held.len(), 1);
    assert_eq!(held[0].lease_until, T0 + 30);
    case.clock.advance(29);
    assert!(claim(store, 5).await.is_empty());
    assert_eq!(count(store, DeliveryState::InFlight).await, 1);
    case.clock.advance(1);
    let again = claim(store, 5).await;
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].webhook_id, held[0].webhook_id);

    case.clock.advance(60);
    assert!(record(store, &again[0], response(200)).await.is_done());

    // Release: back at once, attempt count restored.
    publish(store, "a.b", 2).await;
    let taken = claim(store, 5).await;
    assert_eq!(store.release(&[taken[0].lease]).await.unwrap(), 1);
    let back = claim(store, 5).await;
    assert_eq!(back.len(), 1);
    assert_eq!(back[0].attempt, 1);
    assert_eq!(
        record(store, &taken[0], response(200)).await,
        Recorded::Stale
    );
}

/// The retry schedule and attempt count are stored: they survive reopening the store.
pub(crate) async fn schedule_survives_reopen<B: Backend>(mut case: Case<B>) {
    case.policy = case
        .policy
        .clone()
        .retry(RetryPolicy::new([10, 100].map(Duration::from_secs)).jitter(0.0));
    case.reopen().await;
    case.store
        .add_endpoint(&endpoint("http://127.0.0.1:9/"))
        .await
        .unwrap();
    publish(&case.store, "a.b", 1).await;

    let first = claim(&case.store, 1).await.remove(0);
    let recorded = record(&case.store, &first, response(500)).await;
    assert_eq!(
        recorded,
        Recorded::Done {
            state: DeliveryState::Pending,
            next_attempt_at: Some(T0 + 10),
            endpoint_disabled: None
        }
    );
    case.reopen().await;
    case.clock.advance(9);
    assert!(claim(&case.store, 1).await.is_empty());
    case.clock.advance(1);
    let second = claim(&case.store, 1).await.remove(0);
    assert_eq!(second.attempt, 2);
    assert_eq!(second.webhook_id, first.webhook_id);
    record(&case.store, &second, AttemptOutcome::NoResponse).await;

    case.reopen().await;
    case.clock.advance(99);
    assert!(claim(&case.store, 1).await.is_empty());
    case.clock.advance(1);
    let third = claim(&case.store, 1).await.remove(0);
    assert_eq!(third.attempt, 3);
    let last = record(&case.store, &third, response(502)).await;
    assert!(matches!(
        last,
        Recorded::Done {
            state: DeliveryState::Failed,
            ..
        }
    ));
    let log = case.store.attempts(first.lease.delivery).await.unwrap();
    let statuses: Vec<Option<u16>> = log.iter().map(|a| a.status).collect();
    assert_eq!(statuses, [Some(500), None, Some(502)]);
    assert_eq!(log[1].outcome, "no_response");
}

/// `410 Gone` disables the endpoint, holds its deliveries, calls the hook once; enabling
/// releases them.
pub(crate) async fn gone_disables<B: Backend>(case: Case<B>) {
    let store = &case.store;
    let gone = store
        .add_endpoint(&endpoint("http://127.0.0.1:9/gone"))
        .await
        .unwrap();
    let fine = store
        .add_endpoint(&endpoint("http://127.0.0.1:9/fine").types(["never".parse().unwrap()]))
        .await
        .unwrap();
    let _ = fine;
    for n in 0..3 {
        publish(store, "a.b", n).await;
    }
    let claimed = claim(store, 1).await;
    let recorded = record(store, &claimed[0], response(410)).await;
    assert_eq!(
        recorded,
        Recorded::Done {
            state: DeliveryState::Disabled,
            next_attempt_at: None,
            endpoint_disabled: Some(DisabledReason::Gone)
        }
    );
    let endpoint = store.endpoint(gone).await.unwrap().unwrap();
    assert_eq!(endpoint.disabled, Some(DisabledReason::Gone));
    assert_eq!(count(store, DeliveryState::Disabled).await, 3);
    assert!(claim(store, 10).await.is_empty());
    publish(store, "a.b", 9).await;
    assert_eq!(count(store, DeliveryState::Disabled).await, 4);
    {
        let seen = case.disabled.lock().unwrap();
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].endpoint, gone);
        assert_eq!(seen[0].reason, DisabledReason::Gone);
    }

    store.set_enabled(gone, true).await.unwrap();
    assert_eq!(count(store, DeliveryState::Pending).await, 4);
    assert_eq!(claim(store, 10).await.len(), 4);
}

/// The circuit breaker opens on its failure ratio once the window holds its minimum, pauses,
/// probes one attempt at a time (a failed probe pauses for longer), and an endpoint failing for
/// the sustained period is disabled with the hook called.
pub(crate) async fn breaker_and_sustained_failure<B: Backend>(mut case: Case<B>) {
    case.policy = case
        .policy
        .clone()
        .retry(RetryPolicy::new(vec![Duration::from_secs(1); 50]).jitter(0.0))
        .breaker(
            Breaker::default()
                .failure_ratio(1.0)
                .min_attempts(3)
                .open_for(Duration::from_secs(60))
                .max_open(Duration::from_secs(3600)),
        );
    case.reopen().await;
    let store = &case.store;
    let id = store
        .add_endpoint(&endpoint("http://127.0.0.1:9/"))
        .await
        .unwrap();
    for n in 0..5 {
        publish(store, "a.b", n).await;
    }
    // Three attempts in the window, all failed: the breaker opens for 60 s.
    let claimed = claim(store, 3).await;
    assert_eq!(claimed.len(), 3);
    for delivery in &claimed {
        record(store, delivery, AttemptOutcome::NoResponse).await;
    }
    let endpoint = store.endpoint(id).await.unwrap().unwrap();
    assert_eq!(endpoint.consecutive_failures, 3);
    assert_eq!(endpoint.failing_since, Some(T0));
    assert_eq!(endpoint.paused_until, T0 + 60);
    assert_eq!(endpoint.breaker_opens, 1);
    assert_eq!(endpoint.breaker(T0), BreakerState::Open);
    case.clock.advance(59);
    assert!(claim(store, 10).await.is_empty());
    case.clock.advance(1);
    // Half open: one probe at a time.
    assert_eq!(
        store.endpoint(id).await.unwrap().unwrap().breaker(T0 + 60),
        BreakerState::HalfOpen
    );
    let probe = claim(store, 10).await;
    assert_eq!(probe.len(), 1);
    assert!(claim(store, 10).await.is_empty());
    record(store, &probe[0], response(500)).await;
    assert_eq!(
        store.endpoint(id).await.unwrap().unwrap().paused_until,
        T0 + 60 + 120
    );

    // Five days after the first failure, the next failure disables it.
    case.clock.set(T0 + 5 * 86_400);
    let probe = claim(store, 10).await;
    assert_eq!(probe.len(), 1);
    let recorded = record(store, &probe[0], AttemptOutcome::NoResponse).await;
    assert!(matches!(
        recorded,
        Recorded::Done {
            endpoint_disabled: Some(DisabledReason::Failing),
            ..
        }
    ));
    assert_eq!(count(store, DeliveryState::Disabled).await, 5);
    let seen = case.disabled.lock().unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].reason, DisabledReason::Failing);
    assert_eq!(seen[0].failing_since, Some(T0));
}

/// A successful half-open probe closes the breaker: the endpoint gets its full in-flight
/// limit back and a fresh window (one more failure does not re-open it).
pub(crate) async fn probe_success_closes_the_breaker<B: Backend>(mut case: Case<B>) {
    case.policy = case
        .policy
        .clone()
        .retry(RetryPolicy::new([Duration::from_secs(1)]).jitter(0.0))
        .breaker(
            Breaker::default()
                .failure_ratio(1.0)
                .min_attempts(3)
                .open_for(Duration::from_secs(60)),
        );
    case.reopen().await;
    let store = &case.store;
    let id = store
        .add_endpoint(&endpoint("http://127.0.0.1:9/"))
        .await
        .unwrap();
    for n in 0..8 {
        publish(store, "a.b", n).await;
    }
    for delivery in &claim(store, 3).await {
        record(store, delivery, response(500)).await;
    }
    assert_eq!(store.endpoint(id).await.unwrap().unwrap().breaker_opens, 1);
    case.clock.advance(60);
    let probe = claim(store, 10).await;
    assert_eq!(probe.len(), 1);
    record(store, &probe[0], response(204)).await;
    let endpoint = store.endpoint(id).await.unwrap().unwrap();
    assert_eq!(endpoint.breaker_opens, 0);
    assert_eq!(endpoint.breaker(T0 + 60), BreakerState::Closed);
    assert_eq!(endpoint.consecutive_failures, 0);
    // Full limit again: the 4 never attempted and the 3 whose retry is due.
    let rest = claim(store, 10).await;
    assert_eq!(rest.len(), 7);
    record(store, &rest[0], response(500)).await;
    assert_eq!(store.endpoint(id).await.unwrap().unwrap().breaker_opens, 0);
}

/// A success heals the endpoint: failures and `failing_since` reset.
pub(crate) async fn success_heals<B: Backend>(case: Case<B>) {
    let store = &case.store;
    let id = store
        .add_endpoint(&endpoint("http://127.0.0.1:9/"))
        .await
        .unwrap();
    publish(store, "a.b", 1).await;
    publish(store, "a.b", 2).await;
    let claimed = claim(store, 2).await;
    record(store, &claimed[0], response(500)).await;
    assert_eq!(
        store
            .endpoint(id)
            .await
            .unwrap()
            .unwrap()
            .consecutive_failures,
        1
    );
    record(store, &claimed[1], response(204)).await;
    let endpoint = store.endpoint(id).await.unwrap().unwrap();
    assert_eq!(endpoint.consecutive_failures, 0);
    assert_eq!(endpoint.failing_since, None);
}

/// `429` with `Retry-After` pauses that endpoint only; a refused attempt fails at once.
pub(crate) async fn throttle_pauses_endpoint<B: Backend>(case: Case<B>) {
    let store = &case.store;
    let slow = store
        .add_endpoint(&endpoint("http://127.0.0.1:9/slow").types(["slow".parse().unwrap()]))
        .await
        .unwrap();
    store
        .add_endpoint(&endpoint("http://127.0.0.1:9/fast").types(["fast".parse().unwrap()]))
        .await
        .unwrap();
    publish(store, "slow", 1).await;
    publish(store, "slow", 2).await;
    let first = claim(store, 1).await.remove(0);
    assert_eq!(first.target.id, slow);
    let throttled = AttemptOutcome::Response {
        status: 429,
        retry_after: Some(Duration::from_secs(120)),
    };
    let recorded = record(store, &first, throttled).await;
    assert!(matches!(recorded, Recorded::Done { next_attempt_at: Some(at), .. } if at >= T0 + 120));
    publish(store, "fast", 3).await;
    let claimed = claim(store, 10).await;
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].event_type, "fast");
    let refused = record(store, &claimed[0], AttemptOutcome::Refused).await;
    assert!(matches!(
        refused,
        Recorded::Done {
            state: DeliveryState::Failed,
            ..
        }
    ));
    case.clock.advance(120);
    assert_eq!(claim(store, 10).await.len(), 2);
}

/// Fair claims: an endpoint is held to its in-flight limit and its rate; the others flow.
pub(crate) async fn fair_claims_and_limits<B: Backend>(case: Case<B>) {
    let store = &case.store;
    let narrow = store
        .add_endpoint(
            &endpoint("http://127.0.0.1:9/narrow")
                .types(["n".parse().unwrap()])
                .max_in_flight(2),
        )
        .await
        .unwrap();
    let wide = store
        .add_endpoint(&endpoint("http://127.0.0.1:9/wide").types(["w".parse().unwrap()]))
        .await
        .unwrap();
    let rated = store
        .add_endpoint(
            &endpoint("http://127.0.0.1:9/rated")
                .types(["r".parse().unwrap()])
                .rate_per_second(3),
        )
        .await
        .unwrap();
    for n in 0..10 {
        publish(store, "n", n).await;
        publish(store, "w", n).await;
        publish(store, "r", n).await;
    }
    let claimed = claim(store, 12).await;
    let per = |list: &[Claimed], id: EndpointId| list.iter().filter(|c| c.target.id == id).count();
    assert_eq!(per(&claimed, narrow), 2);
    assert_eq!(per(&claimed, rated), 3);
    assert_eq!(per(&claimed, wide), 7);
    let more = claim(store, 12).await;
    assert_eq!(per(&more, narrow), 0);
    assert_eq!(per(&more, rated), 0);
    assert_eq!(per(&more, wide), 3);
    // A finished delivery frees a slot; the next second refills the rate.
    let done = claimed.iter().find(|c| c.target.id == narrow).unwrap();
    record(store, done, response(204)).await;
    case.clock.advance(1);
    let next = claim(store, 12).await;
    assert_eq!(per(&next, narrow), 1);
    assert_eq!(per(&next, rated), 3);
}

/// Recover replays an endpoint's failed deliveries since a time; retry replays one.
pub(crate) async fn recover_and_retry<B: Backend>(mut case: Case<B>) {
    case.policy = case.policy.clone().retry(RetryPolicy::never());
    case.reopen().await;
    let store = &case.store;
    let id = store
        .add_endpoint(&endpoint("http://127.0.0.1:9/"))
        .await
        .unwrap();
    publish(store, "a.b", 1).await;
    case.clock.advance(100);
    publish(store, "a.b", 2).await;
    publish(store, "a.b", 3).await;
    for delivery in claim(store, 10).await {
        let recorded = record(store, &delivery, response(500)).await;
        assert!(matches!(
            recorded,
            Recorded::Done {
                state: DeliveryState::Failed,
                ..
            }
        ));
    }
    assert_eq!(count(store, DeliveryState::Failed).await, 3);
    assert_eq!(store.recover(id, T0 + 100).await.unwrap(), 2);
    assert_eq!(count(store, DeliveryState::Failed).await, 1);
    let replayed = claim(store, 10).await;
    assert_eq!(replayed.len(), 2);
    // A fresh schedule, but the attempt numbers count on.
    assert!(replayed.iter().all(|d| d.attempt == 2));

    let failed = store
        .deliveries(&DeliveryQuery::new(10).state(DeliveryState::Failed))
        .await
        .unwrap();
    assert!(store.retry(failed[0].id).await.unwrap());
    assert!(!store.retry(replayed[0].lease.delivery).await.unwrap());
    let again = claim(store, 10).await;
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].lease.delivery, failed[0].id);
}

/// `recover` and `retry` schedule deliveries again *now*: they close the endpoint's circuit
/// breaker and lift its pause, and statistics show the pause while it lasts.
pub(crate) async fn operator_actions_close_the_breaker<B: Backend>(mut case: Case<B>) {
    case.policy = case.policy.clone().retry(RetryPolicy::never()).breaker(
        Breaker::default()
            .failure_ratio(1.0)
            .min_attempts(3)
            .open_for(Duration::from_secs(600)),
    );
    case.reopen().await;
    let store = &case.store;
    let id = store
        .add_endpoint(&endpoint("http://127.0.0.1:9/"))
        .await
        .unwrap();
    let fail_all = async |claimed: Vec<Claimed>| {
        for delivery in &claimed {
            record(store, delivery, response(500)).await;
        }
        claimed.len()
    };
    for n in 0..4 {
        publish(store, "a.b", n).await;
    }
    assert_eq!(fail_all(claim(store, 3).await).await, 3);
    let paused = store.endpoint(id).await.unwrap().unwrap();
    assert_eq!(paused.paused_until, T0 + 600);
    assert!(paused.paused(T0));
    let stats = store.stats().await.unwrap();
    assert_eq!(stats.endpoints[0].paused_until, Some(T0 + 600));
    assert_eq!(stats.endpoints[0].breaker, BreakerState::Open);
    assert!(claim(store, 10).await.is_empty(), "paused");

    // recover: the failed deliveries and the one still pending go out now.
    assert_eq!(store.recover(id, T0).await.unwrap(), 3);
    let endpoint = store.endpoint(id).await.unwrap().unwrap();
    assert_eq!((endpoint.paused_until, endpoint.breaker_opens), (0, 0));
    assert!(!endpoint.paused(T0));
    let stats = store.stats().await.unwrap();
    assert_eq!(stats.endpoints[0].paused_until, None);
    assert_eq!(stats.endpoints[0].breaker, BreakerState::Closed);
    assert_eq!(fail_all(claim(store, 10).await).await, 4);
    assert!(store.endpoint(id).await.unwrap().unwrap().paused(T0));

    // retry: that delivery goes out now.
    let failed = store
        .deliveries(&DeliveryQuery::new(10).state(DeliveryState::Failed))
        .await
        .unwrap();
    assert!(store.retry(failed[0].id).await.unwrap());
    assert!(!store.endpoint(id).await.unwrap().unwrap().paused(T0));
    let again = claim(store, 10).await;
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].lease.delivery, failed[0].id);
}

/// Purge removes finished deliveries (and their logs and events) older than the cutoff only.
pub(crate) async fn purge<B: Backend>(case: Case<B>) {
    let store = &case.store;
    store
        .add_endpoint(&endpoint("http://127.0.0.1:9/"))
        .await
        .unwrap();
    let old = publish(store, "a.b", 1).await;
    let delivered = claim(store, 1).await.remove(0);
    record(store, &delivered, response(200)).await;
    let waiting = publish(store, "a.b", 2).await;
    case.clock.advance(86_400);
    let fresh = publish(store, "a.b", 3).await;

    let purged = store.purge(T0 + 1).await.unwrap();
    assert_eq!(purged.deliveries, 1);
    assert_eq!(purged.events, 1);
    let left = |event: String| async move {
        store
            .deliveries(&DeliveryQuery::new(10).event(event))
            .await
            .unwrap()
            .len()
    };
    assert_eq!(left(old).await, 0);
    assert_eq!(left(waiting).await, 1);
    assert_eq!(left(fresh).await, 1);
    assert!(
        store
            .attempts(delivered.lease.delivery)
            .await
            .unwrap()
            .is_empty()
    );
}

/// Deleting an endpoint removes it, its deliveries and their attempt log; the other endpoint's
/// deliveries and the events stay; an attempt in flight is refused as stale; a second delete
/// and a missing endpoint answer `false`.
pub(crate) async fn delete_endpoint_removes_its_deliveries<B: Backend>(case: Case<B>) {
    let store = &case.store;
    let gone = store
        .add_endpoint(&endpoint("http://127.0.0.1:9/gone"))
        .await
        .unwrap();
    let kept = store
        .add_endpoint(&endpoint("http://127.0.0.1:9/kept"))
        .await
        .unwrap();
    let first = publish(store, "a.b", 1).await;
    publish(store, "a.b", 2).await;
    let claimed = claim(store, 10).await;
    assert_eq!(claimed.len(), 4);
    let to_gone: Vec<&Claimed> = claimed.iter().filter(|c| c.target.id == gone).collect();
    record(store, to_gone[0], response(500)).await;
    let logged = to_gone[0].lease.delivery;
    assert_eq!(store.attempts(logged).await.unwrap().len(), 1);

    assert!(store.delete_endpoint(gone).await.unwrap());
    assert!(store.endpoint(gone).await.unwrap().is_none());
    assert!(store.attempts(logged).await.unwrap().is_empty());
    let in_flight = to_gone[1];
    assert_eq!(
        record(store, in_flight, response(200)).await,
        Recorded::Stale,
        "an attempt to a deleted endpoint is refused"
    );
    let left = store.deliveries(&DeliveryQuery::new(10)).await.unwrap();
    assert_eq!(left.len(), 2, "{left:?}");
    assert!(left.iter().all(|d| d.endpoint == kept));
    assert_eq!(
        store
            .deliveries(&DeliveryQuery::new(10).event(first))
            .await
            .unwrap()
            .len(),
        1,
        "the event stays for the other endpoint"
    );
    assert_eq!(store.endpoints(None, 10).await.unwrap().len(), 1);
    assert!(!store.delete_endpoint(gone).await.unwrap());
    assert!(!store.delete_endpoint(EndpointId(9_999)).await.unwrap());
    let stats = store.stats().await.unwrap();
    assert!(stats.endpoints.iter().all(|e| e.id != gone));
    assert_eq!(
        stats.endpoints[0].oldest_pending_at,
        Some(T0),
        "its deliveries in flight count as pending work"
    );
}

/// A rotation's overlap is stored: the endpoint and the claimed delivery carry each secret's
/// end, so the worker stops signing with the old one when the overlap ends.
pub(crate) async fn rotated_secrets_keep_their_overlap<B: Backend>(case: Case<B>) {
    let store = &case.store;
    let id = store
        .add_endpoint(&endpoint("http://127.0.0.1:9/"))
        .await
        .unwrap();
    let stored = store.endpoint(id).await.unwrap().unwrap();
    let mut rotated = endpoint("http://127.0.0.1:9/");
    rotated.secrets = stored.secrets.rotate(
        "whsec_bmV3LXNlY3JldC1mb3ItdGVzdHM=",
        store.now(),
        Duration::from_secs(3600),
    );
    store.update_endpoint(id, &rotated).await.unwrap();
    let stored = store.endpoint(id).await.unwrap().unwrap();
    assert_eq!(stored.secrets, rotated.secrets);
    assert_eq!(stored.secrets.expires_at(), [None, Some(T0 + 3600)]);
    publish(store, "a.b", 1).await;
    let claimed = claim(store, 1).await;
    assert_eq!(claimed[0].target.secrets, rotated.secrets);
    assert_eq!(claimed[0].target.secrets.valid_at(T0 + 3600).count(), 1);
}

/// Statistics by state and endpoint, listing pages, endpoint settings round-trip.
pub(crate) async fn stats_listing_and_endpoints<B: Backend>(case: Case<B>) {
    let store = &case.store;
    let a = store
        .add_endpoint(
            &endpoint("http://127.0.0.1:9/a")
                .types(["x.*".parse().unwrap(), "y".parse().unwrap()])
                .max_in_flight(3)
                .rate_per_second(9)
                .description("crm"),
        )
        .await
        .unwrap();
    let b = store
        .add_endpoint(&endpoint("http://127.0.0.1:9/b"))
        .await
        .unwrap();
    let got = store.endpoint(a).await.unwrap().unwrap();
    assert_eq!(got.types.len(), 2);
    assert_eq!(got.max_in_flight, 3);
    assert_eq!(got.rate_per_second, Some(9));
    assert_eq!(got.description, "crm");
    assert!(got.allow_private);
    assert_eq!(got.created_at, T0);
    assert!(store.endpoint(EndpointId(999_999)).await.unwrap().is_none());

    // Rotation: the new secret first, the old one kept.
    let rotated = NewEndpoint::new("http://127.0.0.1:9/b2", "whsec_bmV3").allow_private(true);
    let mut rotated = rotated;
    rotated.secrets = hookwire::outbox::Secrets::new(["whsec_bmV3", SECRET]);
    store.update_endpoint(b, &rotated).await.unwrap();
    let got = store.endpoint(b).await.unwrap().unwrap();
    assert_eq!(got.secrets.expose(), ["whsec_bmV3", SECRET]);
    assert_eq!(got.url, "http://127.0.0.1:9/b2");
    assert!(
        store
            .update_endpoint(EndpointId(999_999), &rotated)
            .await
            .is_err()
    );
    assert!(
        store
            .add_endpoint(&NewEndpoint::new("ftp://x", SECRET))
            .await
            .is_err()
    );

    let page = store.endpoints(None, 1).await.unwrap();
    assert_eq!(page.len(), 1);
    let rest = store.endpoints(Some(page[0].id), 10).await.unwrap();
    assert_eq!(rest.len(), 1);

    for n in 0..5 {
        publish(store, "x.1", n).await;
    }
    let claimed = claim(store, 2).await;
    record(store, &claimed[0], response(204)).await;
    let stats = store.stats().await.unwrap();
    assert_eq!(
        stats.states.pending + stats.states.in_flight + stats.states.delivered,
        10
    );
    assert_eq!(stats.states.delivered, 1);
    assert_eq!(stats.states.in_flight, 1);
    assert_eq!(stats.endpoints.len(), 2);
    assert_eq!(
        stats.endpoints[0].states.pending + stats.endpoints[1].states.pending,
        8
    );
    let json = serde_json::to_value(&stats).unwrap();
    assert!(json["states"]["in_flight"].is_number());
    assert!(json["endpoints"].is_array());

    let first = store.deliveries(&DeliveryQuery::new(4)).await.unwrap();
    assert_eq!(first.len(), 4);
    let second = store
        .deliveries(&DeliveryQuery::new(100).after(first[3].id))
        .await
        .unwrap();
    assert_eq!(second.len(), 6);
    assert!(second[0].id > first[3].id);
    let of_a = store
        .deliveries(&DeliveryQuery::new(100).endpoint(a))
        .await
        .unwrap();
    assert_eq!(of_a.len(), 5);
}

/// Claims are bounded and a claim of zero claims nothing.
pub(crate) async fn bounded_claims<B: Backend>(case: Case<B>) {
    let store = &case.store;
    store
        .add_endpoint(&endpoint("http://127.0.0.1:9/"))
        .await
        .unwrap();
    let events: Vec<RawEvent> = (0..50)
        .map(|n| RawEvent::new("a.b", serde_json::json!(n)).unwrap())
        .collect();
    assert_eq!(store.publish_raw(&events).await.unwrap().len(), 50);
    assert!(claim(store, 0).await.is_empty());
    assert_eq!(claim(store, 7).await.len(), 7);
    let hits = AtomicUsize::new(0);
    loop {
        let batch = claim(store, 10).await;
        if batch.is_empty() {
            break;
        }
        hits.fetch_add(batch.len(), Ordering::SeqCst);
    }
    assert_eq!(hits.load(Ordering::SeqCst), 9);
    let _ = case.clock.now();
}

/// Concurrent claims never hand out one delivery twice, and together respect the endpoint's
/// in-flight limit.
pub(crate) async fn concurrent_claims<B: Backend>(case: Case<B>) {
    let store = &case.store;
    store
        .add_endpoint(&endpoint("http://127.0.0.1:9/").max_in_flight(10))
        .await
        .unwrap();
    let events: Vec<RawEvent> = (0..40)
        .map(|n| RawEvent::new("a.b", serde_json::json!(n)).unwrap())
        .collect();
    store.publish_raw(&events).await.unwrap();
    let (a, b, c) = tokio::join!(claim(store, 6), claim(store, 6), claim(store, 6));
    let mut ids: Vec<i64> = a
        .iter()
        .chain(&b)
        .chain(&c)
        .map(|d| d.lease.delivery.0)
        .collect();
    let total = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), total);
    assert_eq!(total, 10);
}

/// What a hostile endpoint answers: NUL bytes, bytes that are not UTF-8, a terminal escape.
pub(crate) const HOSTILE_BODY: &[u8] = b"oops\0\0\xff\xfe\x1b[31m";
/// How the store keeps it: escaped, nothing dropped.
pub(crate) const HOSTILE_STORED: &str = "oops\\x00\\x00\\xff\\xfe\\x1b[31m";

/// A response excerpt or error text holding NUL, bytes that are not UTF-8 or control
/// characters is stored escaped (valid UTF-8, no NUL), in the same batch as other endpoints'
/// results, which all record.
pub(crate) async fn hostile_excerpts_are_stored_escaped<B: Backend>(case: Case<B>) {
    let store = &case.store;
    let hostile = store
        .add_endpoint(&endpoint("http://127.0.0.1:9/hostile"))
        .await
        .unwrap();
    let healthy = store
        .add_endpoint(&endpoint("http://127.0.0.1:9/healthy"))
        .await
        .unwrap();
    for n in 0..3 {
        publish(store, "a.b", n).await;
    }
    let claimed = claim(store, 10).await;
    assert_eq!(claimed.len(), 6);
    let results: Vec<AttemptResult> = claimed
        .iter()
        .enumerate()
        .map(|(i, delivery)| {
            if delivery.target.id == healthy {
                return AttemptResult::new(delivery.lease, response(204)).excerpt("");
            }
            let mut result = AttemptResult::new(delivery.lease, response(500));
            // Set directly (as a worker of one's own may): the store escapes it itself.
            result.excerpt = match i % 3 {
                0 => String::from_utf8_lossy(HOSTILE_BODY).into_owned(),
                1 => "error: \0 in the middle".to_owned(),
                _ => format!("{}\0", "x".repeat(5000)),
            };
            result
        })
        .collect();
    let recorded = store.record(&results).await.unwrap();
    assert!(recorded.iter().all(Recorded::is_done), "{recorded:?}");
    assert_eq!(count(store, DeliveryState::Delivered).await, 3);
    assert_eq!(count(store, DeliveryState::Pending).await, 3);
    for delivery in claimed.iter().filter(|d| d.target.id == hostile) {
        let log = store.attempts(delivery.lease.delivery).await.unwrap();
        assert_eq!(log.len(), 1);
        let excerpt = &log[0].excerpt;
        assert!(!excerpt.contains('\0'), "{excerpt:?}");
        assert!(excerpt.len() <= hookwire::outbox::EXCERPT_LIMIT);
        assert!(
            excerpt.starts_with("oops\\x00\\x00\u{fffd}")
                || excerpt == "error: \\x00 in the middle"
                || excerpt.starts_with("xxxx"),
            "{excerpt:?}"
        );
    }
    // From raw bytes, nothing is lost to a replacement character.
    publish(store, "a.b", 9).await;
    let next = claim(store, 10).await;
    let one = next.iter().find(|d| d.target.id == hostile).unwrap();
    let raw = AttemptResult::new(one.lease, response(500)).excerpt_bytes(HOSTILE_BODY);
    assert!(store.record(&[raw]).await.unwrap()[0].is_done());
    let log = store.attempts(one.lease.delivery).await.unwrap();
    assert_eq!(log[0].excerpt, HOSTILE_STORED);
}

/// A result whose recording fails (here the attempt log refuses its excerpt) costs the other
/// results of its batch nothing: they are recorded one by one, and the failing one is recorded
/// without its excerpt, judged by the policy like any other (not left in flight).
pub(crate) async fn a_failing_result_costs_the_batch_nothing<B: Backend>(mut case: Case<B>) {
    case.policy = case
        .policy
        .clone()
        .retry(RetryPolicy::new([Duration::from_secs(10)]).jitter(0.0));
    case.reopen().await;
    if !case
        .backend
        .sabotage_attempt_log("NEW.excerpt LIKE '%SABOTAGE%'")
        .await
    {
        return;
    }
    let store = &case.store;
    let broken = store
        .add_endpoint(&endpoint("http://127.0.0.1:9/broken"))
        .await
        .unwrap();
    store
        .add_endpoint(&endpoint("http://127.0.0.1:9/fine"))
        .await
        .unwrap();
    for n in 0..2 {
        publish(store, "a.b", n).await;
    }
    let claimed = claim(store, 10).await;
    assert_eq!(claimed.len(), 4);
    let results: Vec<AttemptResult> = claimed
        .iter()
        .map(|delivery| {
            if delivery.target.id == broken {
                AttemptResult::new(delivery.lease, response(500)).excerpt("SABOTAGE")
            } else {
                AttemptResult::new(delivery.lease, response(204)).excerpt("ok")
            }
        })
        .collect();
    let recorded = store.record(&results).await.unwrap();
    for (delivery, recorded) in claimed.iter().zip(&recorded) {
        let expected = if delivery.target.id == broken {
            Recorded::Done {
                state: DeliveryState::Pending,
                next_attempt_at: Some(T0 + 10),
                endpoint_disabled: None,
            }
        } else {
            Recorded::Done {
                state: DeliveryState::Delivered,
                next_attempt_at: None,
                endpoint_disabled: None,
            }
        };
        assert_eq!(*recorded, expected);
        let log = store.attempts(delivery.lease.delivery).await.unwrap();
        assert_eq!(log.len(), 1);
        if delivery.target.id == broken {
            assert_eq!(log[0].status, Some(500));
            assert!(
                log[0].excerpt.contains("could not be stored"),
                "{:?}",
                log[0].excerpt
            );
        }
    }
    assert_eq!(count(store, DeliveryState::InFlight).await, 0);
}

/// Poison work ends: a delivery claimed as many times as its schedule allows without a
/// recorded result (a worker crashing on it each time) is failed with a reason in the attempt
/// log when its last lease runs out, instead of being claimed forever.
pub(crate) async fn poison_claims_end_failed<B: Backend>(mut case: Case<B>) {
    case.policy = case
        .policy
        .clone()
        .retry(RetryPolicy::new([Duration::from_secs(10), Duration::from_secs(10)]).jitter(0.0));
    case.reopen().await;
    let store = &case.store;
    store
        .add_endpoint(&endpoint("http://127.0.0.1:9/"))
        .await
        .unwrap();
    let poison = publish(store, "a.b", 1).await;
    // A result for the first claim is recorded; then every worker dies holding it.
    let first = claim(store, 10).await.remove(0);
    record(store, &first, response(500)).await;
    let mut claims = 1;
    let mut last = first.clone();
    loop {
        case.clock.advance(31);
        let mut claimed = claim(store, 10).await;
        if claimed.is_empty() {
            break;
        }
        claims += 1;
        last = claimed.remove(0);
        assert_eq!(last.attempt, claims);
        assert!(claims <= 3, "claimed {claims} times");
    }
    assert_eq!(claims, 3, "as many claims as the schedule allows");
    let listed = store
        .deliveries(&DeliveryQuery::new(10).event(poison))
        .await
        .unwrap();
    assert_eq!(listed[0].state, DeliveryState::Failed);
    let stats = store.stats().await.unwrap();
    assert_eq!(stats.states.failed, 1);
    assert_eq!(stats.states.in_flight, 0);
    let log = store.attempts(first.lease.delivery).await.unwrap();
    let outcomes: Vec<(u32, &str)> = log
        .iter()
        .map(|a| (a.attempt, a.outcome.as_str()))
        .collect();
    assert_eq!(outcomes, [(1, "response"), (3, "abandoned")]);
    assert!(
        log[1].excerpt.contains("3 times") && log[1].excerpt.contains("lease"),
        "{}",
        log[1].excerpt
    );
    // A late result of the last claim is refused: the delivery is over.
    assert_eq!(record(store, &last, response(204)).await, Recorded::Stale);
    case.clock.advance(3600);
    assert!(claim(store, 10).await.is_empty());
}

/// Held means held: purge never removes deliveries held for a disabled endpoint, nor their
/// events; enabling the endpoint releases them and they are delivered.
pub(crate) async fn purge_keeps_held_deliveries<B: Backend>(case: Case<B>) {
    let store = &case.store;
    let held = store
        .add_endpoint(&endpoint("http://127.0.0.1:9/held"))
        .await
        .unwrap();
    store.set_enabled(held, false).await.unwrap();
    let events = [
        publish(store, "a.b", 1).await,
        publish(store, "a.b", 2).await,
    ];
    assert_eq!(count(store, DeliveryState::Disabled).await, 2);
    case.clock.advance(90 * 86_400);
    let purged = store.purge(case.clock.now().unix_seconds()).await.unwrap();
    assert_eq!((purged.deliveries, purged.events), (0, 0));
    assert_eq!(count(store, DeliveryState::Disabled).await, 2);

    store.set_enabled(held, true).await.unwrap();
    let claimed = claim(store, 10).await;
    assert_eq!(claimed.len(), 2);
    let mut got: Vec<&str> = claimed.iter().map(|d| d.event_id.as_str()).collect();
    got.sort_unstable();
    let mut want: Vec<&str> = events.iter().map(String::as_str).collect();
    want.sort_unstable();
    assert_eq!(got, want);
    for delivery in &claimed {
        assert!(record(store, delivery, response(204)).await.is_done());
    }
    assert_eq!(count(store, DeliveryState::Delivered).await, 2);
}

/// An endpoint's secrets are parsed when it is added or updated: a `whsec_` that is not
/// base64, a public-only `whpk_` key and garbage are refused at once with an error that names
/// the problem (and not the secret), instead of failing every later delivery.
pub(crate) async fn secrets_are_checked_when_added<B: Backend>(case: Case<B>) {
    let store = &case.store;
    let public = hookwire::signature::StandardKey::ed25519_seed([7; 32])
        .public_key()
        .unwrap();
    for bad in [
        "whsec_not base64!",
        public.as_str(),
        "not a secret!",
        "whsk_AAAA",
    ] {
        let error = store
            .add_endpoint(&NewEndpoint::new("http://127.0.0.1:9/", bad).allow_private(true))
            .await
            .unwrap_err();
        let text = error.to_string();
        assert!(text.contains("secret"), "{text}");
        assert!(!text.contains(bad), "the error shows the secret: {text}");
    }
    assert!(store.endpoints(None, 10).await.unwrap().is_empty());

    let id = store
        .add_endpoint(&endpoint("http://127.0.0.1:9/"))
        .await
        .unwrap();
    let mut rotated = endpoint("http://127.0.0.1:9/");
    rotated.secrets = hookwire::outbox::Secrets::new([public.as_str(), SECRET]);
    assert!(store.update_endpoint(id, &rotated).await.is_err());
    let signing = hookwire::signature::StandardKey::generate_signing_key().unwrap();
    let signing = String::from_utf8(signing.expose_secret().to_vec()).unwrap();
    rotated.secrets = hookwire::outbox::Secrets::new([signing.as_str(), SECRET]);
    store.update_endpoint(id, &rotated).await.unwrap();
}

/// Attempt numbers never restart: after `retry` and `recover` the attempt log counts on.
pub(crate) async fn attempt_numbers_never_restart<B: Backend>(mut case: Case<B>) {
    case.policy = case.policy.clone().retry(RetryPolicy::never());
    case.reopen().await;
    let store = &case.store;
    let id = store
        .add_endpoint(&endpoint("http://127.0.0.1:9/"))
        .await
        .unwrap();
    publish(store, "a.b", 1).await;
    let first = claim(store, 1).await.remove(0);
    record(store, &first, response(500)).await;
    assert!(store.retry(first.lease.delivery).await.unwrap());
    let second = claim(store, 1).await.remove(0);
    record(store, &second, response(500)).await;
    assert_eq!(store.recover(id, T0).await.unwrap(), 1);
    let third = claim(store, 1).await.remove(0);
    record(store, &third, response(204)).await;
    let numbers: Vec<u32> = store
        .attempts(first.lease.delivery)
        .await
        .unwrap()
        .iter()
        .map(|a| a.attempt)
        .collect();
    assert_eq!(numbers, [1, 2, 3]);
    assert_eq!(
        (second.attempt, third.attempt),
        (2, 3),
        "a claim carries the attempt's number in the log"
    );
}

/// A result the database refuses even without its excerpt is reported `NotStored` (the others
/// of its batch recorded); its delivery stays in flight, and the poison rule ends it: once its
/// lease runs out after as many claims as the schedule allows, it is failed as abandoned.
pub(crate) async fn a_result_never_stored_still_ends<B: Backend>(mut case: Case<B>) {
    case.policy = case
        .policy
        .clone()
        .retry(RetryPolicy::new([Duration::from_secs(10)]));
    case.reopen().await;
    if !case
        .backend
        .sabotage_attempt_log("NEW.outcome = 'response'")
        .await
    {
        return;
    }
    let store = &case.store;
    let broken = store
        .add_endpoint(&endpoint("http://127.0.0.1:9/broken"))
        .await
        .unwrap();
    store
        .add_endpoint(&endpoint("http://127.0.0.1:9/fine"))
        .await
        .unwrap();
    publish(store, "a.b", 1).await;
    let claimed = claim(store, 10).await;
    let results: Vec<AttemptResult> = claimed
        .iter()
        .map(|delivery| {
            let status = if delivery.target.id == broken {
                500
            } else {
                204
            };
            AttemptResult::new(delivery.lease, response(status))
        })
        .collect();
    let recorded = store.record(&results).await.unwrap();
    let broken_one = claimed.iter().position(|d| d.target.id == broken).unwrap();
    assert_eq!(recorded[broken_one], Recorded::NotStored);
    assert!(recorded[1 - broken_one].is_done());
    assert_eq!(count(store, DeliveryState::Delivered).await, 1);
    assert_eq!(count(store, DeliveryState::InFlight).await, 1);

    // Its lease runs out; claimed again (the schedule's second and last attempt), refused
    // again: alone in its batch, an error (the store cannot tell it from a database that is
    // down, and the worker retries it). When that lease runs out it is failed, with the
    // reason in its log.
    case.clock.advance(31);
    let again = claim(store, 10).await;
    assert_eq!(again.len(), 1);
    let result = AttemptResult::new(again[0].lease, response(500));
    assert!(store.record(&[result]).await.is_err());
    case.clock.advance(31);
    assert!(claim(store, 10).await.is_empty());
    assert_eq!(count(store, DeliveryState::InFlight).await, 0);
    assert_eq!(count(store, DeliveryState::Failed).await, 1);
    let log = store.attempts(again[0].lease.delivery).await.unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!((log[0].attempt, log[0].outcome.as_str()), (2, "abandoned"));
}
