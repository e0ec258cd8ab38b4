//! Per-key ordering (`outbox` docs, "Ordering"): for one endpoint and one key, attempts in
//! publish order, one at a time; a delivery waiting for retries holds back its key only; a
//! failed one holds or skips as the policy says; held deliveries keep their order. On every
//! backend, with several claimers at once.

use std::collections::HashSet;
use std::time::Duration;

use hookwire::clock::Clock;
use hookwire::outbox::{
    AttemptOutcome, Breaker, Claimed, DeliveryQuery, DeliveryState, EndpointId, OrderingFailure,
    OutboxStore, Policy, RawEvent, StoreError,
};
use hookwire::retry::RetryPolicy;

use super::{Backend, Case, claim, endpoint, record, response};

/// An event of `key` (none: unordered) carrying its number.
fn keyed(key: Option<&str>, n: i64) -> RawEvent {
    let event = RawEvent::new("order.updated", serde_json::json!({ "n": n, "key": key })).unwrap();
    match key {
        Some(key) => event.ordering_key(key),
        None => event,
    }
}

/// The number a claimed delivery's event carries.
fn number(claimed: &Claimed) -> i64 {
    let envelope: serde_json::Value = serde_json::from_str(&claimed.payload).unwrap();
    envelope["data"]["n"].as_i64().unwrap()
}

fn numbers(claimed: &[Claimed]) -> Vec<i64> {
    let mut numbers: Vec<i64> = claimed.iter().map(number).collect();
    numbers.sort_unstable();
    numbers
}

/// The case's store again, under `policy` (the same data).
async fn with_policy<B: Backend>(mut case: Case<B>, policy: Policy) -> Case<B> {
    case.policy = policy;
    case.reopen().await;
    case
}

fn quick_retries() -> Policy {
    let retry = RetryPolicy::new([Duration::from_secs(5); 4]).jitter(0.0);
    Policy::default().retry(retry).breaker(Breaker::off())
}

async fn deliver_all<S: OutboxStore>(store: &S, claimed: &[Claimed]) {
    for delivery in claimed {
        assert!(record(store, delivery, response(204)).await.is_done());
    }
}

/// Keys interleaved over two endpoints, failures injected (first attempts of every third
/// event fail, so they wait 5 s for a retry), three claimers at once, some attempts left in
/// flight across rounds: each attempt of a keyed delivery comes after every earlier event of
/// its key was delivered to that endpoint, and no two of one endpoint and key are ever in
/// flight together.
pub(crate) async fn keys_arrive_in_publish_order<B: Backend>(case: Case<B>) {
    let case = with_policy(case, quick_retries()).await;
    let store = &case.store;
    let mut endpoints = Vec::new();
    for name in ["a", "b"] {
        let url = format!("http://127.0.0.1:9/{name}");
        let added = endpoint(&url).max_in_flight(8);
        endpoints.push(store.add_endpoint(&added).await.unwrap());
    }
    let keys = [Some("k1"), Some("k2"), Some("k3"), None];
    let events: Vec<RawEvent> = (0..36)
        .map(|n| keyed(keys[(n % 4) as usize], n as i64))
        .collect();
    store.publish_raw(&events).await.unwrap();
    let key_of = |n: i64| keys[(n % 4) as usize];
    let total = events.len() * endpoints.len();

    let mut delivered: HashSet<(EndpointId, i64)> = HashSet::new();
    let mut in_flight: Vec<Claimed> = Vec::new();
    let mut tried: HashSet<(EndpointId, i64)> = HashSet::new();
    for _round in 0..200 {
        if delivered.len() == total {
            break;
        }
        let (a, b, c) = tokio::join!(claim(store, 3), claim(store, 3), claim(store, 3));
        let fresh: Vec<Claimed> = a.into_iter().chain(b).chain(c).collect();
        for delivery in &fresh {
            let n = number(delivery);
            let Some(key) = key_of(n) else {
                continue;
            };
            let endpoint = delivery.target.id;
            for earlier in (0..n).filter(|m| key_of(*m) == Some(key)) {
                assert!(
                    delivered.contains(&(endpoint, earlier)),
                    "event {n} of {key} attempted at {endpoint} before event {earlier} was delivered"
                );
            }
            let together = in_flight
                .iter()
                .chain(&fresh)
                .filter(|d| d.target.id == endpoint && key_of(number(d)) == Some(key))
                .count();
            assert_eq!(
                together, 1,
                "two deliveries of {key} in flight at {endpoint}"
            );
        }
        // Record what was in flight before, and every other fresh claim; keep the rest.
        let (keep, now): (Vec<_>, Vec<_>) =
            fresh.into_iter().enumerate().partition(|(i, _)| i % 2 == 1);
        let mut finishing = std::mem::take(&mut in_flight);
        finishing.extend(now.into_iter().map(|(_, d)| d));
        in_flight = keep.into_iter().map(|(_, d)| d).collect();
        for delivery in finishing {
            let n = number(&delivery);
            let first = tried.insert((delivery.target.id, n));
            let outcome = if first && n % 3 == 0 {
                response(500)
            } else {
                response(204)
            };
            let recorded = record(store, &delivery, outcome).await;
            assert!(recorded.is_done(), "{recorded:?}");
            if outcome.is_success() {
                delivered.insert((delivery.target.id, n));
            }
        }
        case.clock.advance(5);
    }
    assert_eq!(delivered.len(), total, "every delivery ends delivered");
}

/// A delivery waiting for its retry holds back the later ones of its key at its endpoint
/// only: other keys, unkeyed deliveries and the other endpoint keep flowing; once it is
/// delivered, its key goes on in order.
pub(crate) async fn a_waiting_delivery_holds_its_key_only<B: Backend>(case: Case<B>) {
    let case = with_policy(case, quick_retries()).await;
    let store = &case.store;
    let first = store
        .add_endpoint(&endpoint("http://127.0.0.1:9/first").max_in_flight(16))
        .await
        .unwrap();
    let second = store
        .add_endpoint(&endpoint("http://127.0.0.1:9/second").max_in_flight(16))
        .await
        .unwrap();
    let events = [
        keyed(Some("k1"), 0),
        keyed(Some("k2"), 1),
        keyed(Some("k1"), 2),
        keyed(None, 3),
        keyed(Some("k1"), 4),
    ];
    store.publish_raw(&events).await.unwrap();
    let listed = store.deliveries(&DeliveryQuery::new(10)).await.unwrap();
    assert_eq!(listed[0].ordering_key.as_deref(), Some("k1"));
    assert_eq!(listed[6].ordering_key, None, "{listed:?}");

    let claimed = claim(store, 20).await;
    let at = |endpoint: EndpointId| -> Vec<Claimed> {
        claimed
            .iter()
            .filter(|d| d.target.id == endpoint)
            .cloned()
            .collect()
    };
    assert_eq!(numbers(&at(first)), [0, 1, 3]);
    assert_eq!(numbers(&at(second)), [0, 1, 3]);
    for delivery in &claimed {
        let failed = delivery.target.id == first && number(delivery) == 0;
        let outcome = if failed { response(503) } else { response(204) };
        assert!(record(store, delivery, outcome).await.is_done());
    }

    // The first endpoint's k1 waits for its retry; its second endpoint and k2 go on.
    store.publish_raw(&[keyed(Some("k2"), 5)]).await.unwrap();
    let claimed = claim(store, 20).await;
    let mut seen: Vec<(i64, i64)> = claimed.iter().map(|d| (d.target.id.0, number(d))).collect();
    seen.sort_unstable();
    assert_eq!(seen, [(first.0, 5), (second.0, 2), (second.0, 5)]);
    deliver_all(store, &claimed).await;
    let rest = claim(store, 20).await;
    assert_eq!(numbers(&rest), [4]);
    assert!(rest.iter().all(|d| d.target.id == second));
    deliver_all(store, &rest).await;

    case.clock.advance(5);
    for expected in [0, 2, 4] {
        let claimed = claim(store, 20).await;
        let of_first: Vec<Claimed> = claimed
            .iter()
            .filter(|d| d.target.id == first)
            .cloned()
            .collect();
        assert_eq!(numbers(&of_first), [expected]);
        deliver_all(store, &claimed).await;
    }
    assert!(claim(store, 20).await.is_empty());
}

/// Publishes events `first` and `first + 1` of `key`, claims (only `first` comes), and ends
/// its attempt with `outcome` (failing it, under a policy that never retries).
async fn failed_head<S: OutboxStore>(
    store: &S,
    key: &str,
    first: i64,
    outcome: AttemptOutcome,
) -> Claimed {
    let events = [keyed(Some(key), first), keyed(Some(key), first + 1)];
    store.publish_raw(&events).await.unwrap();
    let claimed = claim(store, 10).await;
    assert_eq!(numbers(&claimed), [first]);
    assert!(record(store, &claimed[0], outcome).await.is_done());
    claimed[0].clone()
}

/// A failed delivery (its schedule ran out) holds its key under `Hold` (the default) until
/// it is retried or purged, and lets the key go on under `Skip` (where a retried one still
/// waits for the one of its key in flight).
pub(crate) async fn a_failed_delivery_holds_or_skips_its_key<B: Backend>(case: Case<B>) {
    let never = Policy::default().retry(RetryPolicy::never());
    assert_eq!(never.ordering_failure_mode(), OrderingFailure::Hold);
    let case = with_policy(case, never.clone()).await;
    let store = &case.store;
    store
        .add_endpoint(&endpoint("http://127.0.0.1:9/").max_in_flight(16))
        .await
        .unwrap();
    store
        .publish_raw(&[
            keyed(Some("k"), 0),
            keyed(Some("k"), 1),
            keyed(Some("j"), 2),
        ])
        .await
        .unwrap();
    let claimed = claim(store, 10).await;
    assert_eq!(numbers(&claimed), [0, 2]);
    let head = claimed.iter().find(|d| number(d) == 0).unwrap();
    assert!(record(store, head, response(500)).await.is_done());
    let other: Vec<Claimed> = claimed.iter().filter(|d| number(d) == 2).cloned().collect();
    deliver_all(store, &other).await;
    assert!(claim(store, 10).await.is_empty(), "the failed head holds k");

    // An operator retries it: it goes first, then the key goes on.
    assert!(store.retry(head.lease.delivery).await.unwrap());
    let claimed = claim(store, 10).await;
    assert_eq!(numbers(&claimed), [0]);
    deliver_all(store, &claimed).await;
    let claimed = claim(store, 10).await;
    assert_eq!(numbers(&claimed), [1]);
    deliver_all(store, &claimed).await;

    // Purging the failed head ends the hold.
    failed_head(store, "p", 3, AttemptOutcome::NoResponse).await;
    assert!(claim(store, 10).await.is_empty());
    case.clock.advance(10);
    let purged = store.purge(case.clock.now().unix_seconds()).await.unwrap();
    assert!(purged.deliveries >= 1);
    let claimed = claim(store, 10).await;
    assert_eq!(numbers(&claimed), [4]);
    deliver_all(store, &claimed).await;

    // Under Skip the key goes on past a failed delivery.
    let case = with_policy(case, never.ordering_failure(OrderingFailure::Skip)).await;
    let store = &case.store;
    let head = failed_head(store, "s", 5, response(500)).await;
    let next = claim(store, 10).await;
    assert_eq!(numbers(&next), [6]);
    // Retried while a later one of its key is in flight, it waits for that one: never two of
    // one key at once.
    assert!(store.retry(head.lease.delivery).await.unwrap());
    assert!(claim(store, 10).await.is_empty());
    deliver_all(store, &next).await;
    let retried = claim(store, 10).await;
    assert_eq!(numbers(&retried), [5]);
    deliver_all(store, &retried).await;
    assert_eq!(
        store
            .deliveries(&DeliveryQuery::new(100).state(DeliveryState::Failed))
            .await
            .unwrap()
            .len(),
        0
    );
}

/// Deliveries held for a disabled endpoint (one of them taken from a worker mid-attempt) keep
/// their order when it is enabled; an expired lease is attempted again before the later ones.
pub(crate) async fn held_and_expired_deliveries_keep_their_order<B: Backend>(case: Case<B>) {
    let store = &case.store;
    let id = store
        .add_endpoint(&endpoint("http://127.0.0.1:9/").max_in_flight(16))
        .await
        .unwrap();
    store
        .publish_raw(&[keyed(Some("k"), 0), keyed(Some("k"), 1)])
        .await
        .unwrap();
    let claimed = claim(store, 10).await;
    assert_eq!(numbers(&claimed), [0]);
    store.set_enabled(id, false).await.unwrap();
    store
        .publish_raw(&[keyed(Some("k"), 2), keyed(Some("k"), 3)])
        .await
        .unwrap();
    store.set_enabled(id, true).await.unwrap();
    let mut order = Vec::new();
    loop {
        let claimed = claim(store, 10).await;
        if claimed.is_empty() {
            break;
        }
        assert_eq!(claimed.len(), 1, "one of the key at a time");
        order.push(number(&claimed[0]));
        if order.len() == 2 {
            // The worker dies holding it: the lease runs out, it comes back first.
            case.clock.advance(31);
            let again = claim(store, 10).await;
            assert_eq!(numbers(&again), [order[1]]);
            deliver_all(store, &again).await;
            continue;
        }
        deliver_all(store, &claimed).await;
    }
    assert_eq!(order, [0, 1, 2, 3]);
}

/// A key the store cannot keep is refused when published, and nothing is stored.
pub(crate) async fn bad_ordering_keys_are_refused<B: Backend>(case: Case<B>) {
    let store = &case.store;
    store
        .add_endpoint(&endpoint("http://127.0.0.1:9/"))
        .await
        .unwrap();
    for key in ["", "line\nbreak"] {
        let refused = store
            .publish_raw(&[keyed(None, 0), keyed(Some(key), 1)])
            .await;
        assert!(
            matches!(refused, Err(StoreError::Invalid { .. })),
            "{refused:?}"
        );
    }
    let long = "x".repeat(257);
    assert!(store.publish_raw(&[keyed(Some(&long), 2)]).await.is_err());
    assert!(
        store
            .deliveries(&DeliveryQuery::new(10))
            .await
            .unwrap()
            .is_empty()
    );
}
