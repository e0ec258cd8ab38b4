//! The conformance suite of the [`InboxStore`] contract: one async function per rule, each
//! panicking with a message when the store breaks it.
//!
//! A backend runs [`all`] against a fresh, real store. Each function uses its own queue (from
//! `prefix`) and passes its own times, so none of them sleeps and they can share one store.
//!
//! ```
//! use hookwire::inbox::{MemoryInbox, conformance};
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! conformance::all(&MemoryInbox::new(), "doc").await;
//! # });
//! ```

use std::collections::HashSet;
use std::time::Duration;

use crate::Settled;
use crate::Timestamp;
mod poison;

pub use poison::{poison_work_ends, recovered_one_at_a_time};

use crate::inbox::{ClaimedDelivery, Failure, InboxStats, InboxStore, NewItem, Pushed};

const LEASE: Duration = Duration::from_secs(60);
/// Runs allowed by the rules that do not test the limit.
const RUNS: u32 = 100;
const KEEP: Duration = Duration::from_secs(3_600);
const START: i64 = 1_700_000_000;

fn at(seconds: i64) -> Timestamp {
    Timestamp::from_unix(START + seconds)
}

fn queue(prefix: &str, test: &str) -> String {
    format!("{prefix}:{test}")
}

fn item(queue: &str, id: &str) -> NewItem {
    NewItem::new(
        queue,
        id,
        "order.created",
        format!(r#"{{"id":"{id}"}}"#).into_bytes(),
    )
}

async fn push(store: &dyn InboxStore, item: &NewItem, now: Timestamp, want: Pushed) {
    let got = store.push(item, now).await;
    assert!(
        matches!(&got, Ok(p) if *p == want),
        "push of {} {} at {now}: expected {want:?}, got {got:?}",
        item.queue,
        item.id
    );
}

async fn claim(
    store: &dyn InboxStore,
    queue: &str,
    now: Timestamp,
    limit: usize,
) -> Vec<ClaimedDelivery> {
    claim_at_most(store, queue, now, limit, RUNS).await
}

async fn claim_at_most(
    store: &dyn InboxStore,
    queue: &str,
    now: Timestamp,
    limit: usize,
    max_attempts: u32,
) -> Vec<ClaimedDelivery> {
    store
        .claim(queue, now, LEASE, limit, max_attempts)
        .await
        .unwrap_or_else(|e| panic!("claim in {queue} at {now}: {e}"))
}

fn ids(claimed: &[ClaimedDelivery]) -> Vec<&str> {
    claimed.iter().map(|c| c.item.id.as_str()).collect()
}

async fn stats(store: &dyn InboxStore, queue: &str) -> InboxStats {
    store
        .stats(queue)
        .await
        .unwrap_or_else(|e| panic!("stats of {queue}: {e}"))
}

/// Runs every check of the suite.
///
/// ```
/// # use hookwire::inbox::{MemoryInbox, conformance};
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// conformance::all(&MemoryInbox::new(), "memory").await;
/// # });
/// ```
pub async fn all(store: &dyn InboxStore, prefix: &str) {
    push_is_unique_per_id(store, prefix).await;
    deliveries_round_trip(store, prefix).await;
    claims_oldest_first_once(store, prefix).await;
    expired_lease_is_taken_over(store, prefix).await;
    complete_keeps_the_id(store, prefix).await;
    failures_retry_then_die(store, prefix).await;
    queues_are_apart(store, prefix).await;
    poison_work_ends(store, prefix).await;
    recovered_one_at_a_time(store, prefix).await;
}

/// A second push of an id is a duplicate, whatever state the first is in.
///
/// ```
/// # use hookwire::inbox::{MemoryInbox, conformance};
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// conformance::push_is_unique_per_id(&MemoryInbox::new(), "t").await;
/// # });
/// ```
pub async fn push_is_unique_per_id(store: &dyn InboxStore, prefix: &str) {
    let q = queue(prefix, "unique");
    let one = item(&q, "msg_1");
    push(store, &one, at(0), Pushed::New).await;
    push(store, &one, at(1), Pushed::Duplicate).await;
    let claimed = claim(store, &q, at(2), 10).await;
    assert_eq!(
        ids(&claimed),
        ["msg_1"],
        "the pushed delivery is claimable once"
    );
    push(store, &one, at(3), Pushed::Duplicate).await;
    let failure = Failure::Dead {
        error: "boom".into(),
    };
    let settled = store
        .fail(&q, "msg_1", claimed[0].token, &failure, at(4))
        .await;
    assert!(matches!(settled, Ok(Settled::Applied)), "fail: {settled:?}");
    push(store, &one, at(5), Pushed::Duplicate).await;
    assert_eq!(
        stats(store, &q).await,
        InboxStats {
            dead: 1,
            ..InboxStats::default()
        }
    );
}

/// What is pushed comes back byte for byte: body (not UTF-8 either), headers in order, type,
/// signed time, and when it was received.
///
/// ```
/// # use hookwire::inbox::{MemoryInbox, conformance};
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// conformance::deliveries_round_trip(&MemoryInbox::new(), "t").await;
/// # });
/// ```
pub async fn deliveries_round_trip(store: &dyn InboxStore, prefix: &str) {
    let q = queue(prefix, "round-trip");
    let mut body = br#"{"name":"caf\u00e9 "}"#.to_vec();
    body.extend_from_slice(&[0xff, 0x00, 0xfe]);
    let mut sent = NewItem::new(&q, "delivery 1/é", "pull_request.opened", body)
        .header("x-github-event", "pull_request")
        .header("x-request-id", "a b;c")
        .signed_at(Timestamp::from_unix_nanos(START, 250_000_000));
    sent.headers.push(("x-empty".into(), String::new()));
    push(store, &sent, at(0), Pushed::New).await;
    let claimed = claim(store, &q, at(0), 1).await;
    assert_eq!(claimed.len(), 1, "one delivery pushed");
    assert_eq!(
        claimed[0].item, sent,
        "the claimed delivery is the pushed one"
    );
    assert_eq!(claimed[0].received_at, at(0));
    assert_eq!(claimed[0].attempt, 1);
}

/// Due deliveries are claimed oldest first, each by one caller; a claimed one is not due
/// until its lease ends; concurrent claims never share a delivery.
///
/// ```
/// # use hookwire::inbox::{MemoryInbox, conformance};
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// conformance::claims_oldest_first_once(&MemoryInbox::new(), "t").await;
/// # });
/// ```
pub async fn claims_oldest_first_once(store: &dyn InboxStore, prefix: &str) {
    let q = queue(prefix, "order");
    for (n, id) in ["a", "b", "c"].into_iter().enumerate() {
        push(store, &item(&q, id), at(n as i64), Pushed::New).await;
    }
    assert!(
        claim(store, &q, at(-1), 10).await.is_empty(),
        "nothing is due before it was pushed"
    );
    let first = claim(store, &q, at(5), 2).await;
    assert_eq!(ids(&first), ["a", "b"], "oldest first, at most the limit");
    let second = claim(store, &q, at(5), 10).await;
    assert_eq!(
        ids(&second),
        ["c"],
        "claimed deliveries are not handed out twice"
    );
    assert!(claim(store, &q, at(6), 10).await.is_empty());
    let tokens: HashSet<_> = first.iter().chain(&second).map(|c| c.token).collect();
    assert_eq!(tokens.len(), 3, "every claim has its own token");
    assert_eq!(stats(store, &q).await.running, 3);

    let many = queue(prefix, "concurrent");
    for n in 0..40 {
        push(store, &item(&many, &format!("m{n}")), at(0), Pushed::New).await;
    }
    let (x, y, z) = futures_join3(
        store.claim(&many, at(1), LEASE, 15, RUNS),
        store.claim(&many, at(1), LEASE, 15, RUNS),
        store.claim(&many, at(1), LEASE, 15, RUNS),
    )
    .await;
    let mut all: Vec<String> = [x, y, z]
        .into_iter()
        .flat_map(|claimed| claimed.expect("concurrent claim"))
        .map(|c| c.item.id)
        .collect();
    let total = all.len();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), total, "a delivery was claimed twice");
    assert_eq!(total, 40, "three claims of 15 take all 40 deliveries");
}

/// A claim whose lease ended is due again: the next claim takes it with a new token and the
/// next attempt number, and the old token settles nothing.
///
/// ```
/// # use hookwire::inbox::{MemoryInbox, conformance};
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// conformance::expired_lease_is_taken_over(&MemoryInbox::new(), "t").await;
/// # });
/// ```
pub async fn expired_lease_is_taken_over(store: &dyn InboxStore, prefix: &str) {
    let q = queue(prefix, "lease");
    push(store, &item(&q, "x"), at(0), Pushed::New).await;
    let first = claim(store, &q, at(0), 1).await;
    assert!(
        claim(store, &q, at(59), 1).await.is_empty(),
        "lease still held"
    );
    let second = claim(store, &q, at(60), 1).await;
    assert_eq!(ids(&second), ["x"], "due again when the lease ends");
    assert_eq!(
        second[0].attempt, 2,
        "the cut-short run counts as an attempt"
    );
    assert!(
        !first[0].recovered && second[0].recovered,
        "only a claim taken over from an ended lease is recovered"
    );
    assert_ne!(second[0].token, first[0].token);
    let late = store.complete(&q, "x", first[0].token, at(61), KEEP).await;
    assert!(
        matches!(late, Ok(Settled::Lost)),
        "old token completed: {late:?}"
    );
    let retry = Failure::RetryAt {
        at: at(62),
        error: "late".into(),
    };
    let late = store.fail(&q, "x", first[0].token, &retry, at(61)).await;
    assert!(
        matches!(late, Ok(Settled::Lost)),
        "old token failed: {late:?}"
    );
    let now = store.complete(&q, "x", second[0].token, at(62), KEEP).await;
    assert!(
        matches!(now, Ok(Settled::Applied)),
        "current token: {now:?}"
    );
    let again = store.complete(&q, "x", second[0].token, at(63), KEEP).await;
    assert!(
        matches!(again, Ok(Settled::Lost)),
        "completed twice: {again:?}"
    );
}

/// A completed delivery is never claimed again and its id stays a duplicate for `keep`; a
/// purge after that forgets it.
///
/// ```
/// # use hookwire::inbox::{MemoryInbox, conformance};
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// conformance::complete_keeps_the_id(&MemoryInbox::new(), "t").await;
/// # });
/// ```
pub async fn complete_keeps_the_id(store: &dyn InboxStore, prefix: &str) {
    let q = queue(prefix, "keep");
    let one = item(&q, "k");
    push(store, &one, at(0), Pushed::New).await;
    let claimed = claim(store, &q, at(0), 1).await;
    let done = store
        .complete(&q, "k", claimed[0].token, at(10), KEEP)
        .await;
    assert!(matches!(done, Ok(Settled::Applied)), "complete: {done:?}");
    assert!(
        claim(store, &q, at(10_000), 10).await.is_empty(),
        "done is never due"
    );
    push(store, &one, at(20), Pushed::Duplicate).await;
    assert_eq!(stats(store, &q).await.done, 1);
    let early = store.purge(at(3_609)).await.expect("purge");
    assert_eq!(
        stats(store, &q).await.done,
        1,
        "purged {early} before its time"
    );
    store.purge(at(3_610)).await.expect("purge");
    assert_eq!(stats(store, &q).await, InboxStats::default());
    push(store, &one, at(3_611), Pushed::New).await;
}

/// A failure to retry is due at its time with the next attempt number; a dead one is listed
/// with its error and attempts, never claimed, and revived as a first attempt.
///
/// ```
/// # use hookwire::inbox::{MemoryInbox, conformance};
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// conformance::failures_retry_then_die(&MemoryInbox::new(), "t").await;
/// # });
/// ```
pub async fn failures_retry_then_die(store: &dyn InboxStore, prefix: &str) {
    let q = queue(prefix, "fail");
    push(store, &item(&q, "f"), at(0), Pushed::New).await;
    push(store, &item(&q, "g"), at(0), Pushed::New).await;
    let first = claim(store, &q, at(0), 1).await;
    assert_eq!(ids(&first), ["f"]);
    let retry = Failure::RetryAt {
        at: at(30),
        error: "database busy".into(),
    };
    let settled = store.fail(&q, "f", first[0].token, &retry, at(1)).await;
    assert!(matches!(settled, Ok(Settled::Applied)), "fail: {settled:?}");
    assert_eq!(ids(&claim(store, &q, at(29), 10).await), ["g"], "f waits");
    let second = claim(store, &q, at(30), 10).await;
    assert_eq!(ids(&second), ["f"]);
    assert_eq!(second[0].attempt, 2);
    let dead = Failure::Dead {
        error: "still failing".into(),
    };
    let settled = store.fail(&q, "f", second[0].token, &dead, at(31)).await;
    assert!(matches!(settled, Ok(Settled::Applied)), "dead: {settled:?}");
    assert_eq!(
        ids(&claim(store, &q, at(100_000), 10).await),
        ["g"],
        "a dead letter is never claimed (g's lease ended)"
    );
    let letters = store.dead(&q, 10).await.expect("dead letters");
    assert_eq!(letters.len(), 1, "one dead letter: {letters:?}");
    let letter = &letters[0];
    assert_eq!(
        (letter.id.as_str(), letter.event_type.as_str()),
        ("f", "order.created")
    );
    assert_eq!(
        (letter.attempts, letter.error.as_str()),
        (2, "still failing")
    );
    assert_eq!((letter.received_at, letter.failed_at), (at(0), at(31)));

    assert!(
        !store.revive(&q, "g", at(40)).await.expect("revive"),
        "only dead letters revive"
    );
    assert!(
        !store.revive(&q, "nope", at(40)).await.expect("revive"),
        "unknown ids do not revive"
    );
    assert!(store.revive(&q, "f", at(40)).await.expect("revive"));
    assert!(store.dead(&q, 10).await.expect("dead").is_empty());
    let revived = claim(store, &q, at(40), 10).await;
    let f: Vec<_> = revived.iter().filter(|c| c.item.id == "f").collect();
    assert_eq!(f.len(), 1, "a revived letter is due at once");
    assert_eq!(f[0].attempt, 1, "a revived letter starts over");
}

/// Queues share nothing: not ids, claims, dead letters or counts.
///
/// ```
/// # use hookwire::inbox::{MemoryInbox, conformance};
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// conformance::queues_are_apart(&MemoryInbox::new(), "t").await;
/// # });
/// ```
pub async fn queues_are_apart(store: &dyn InboxStore, prefix: &str) {
    let (a, b) = (queue(prefix, "apart-a"), queue(prefix, "apart-b"));
    push(store, &item(&a, "same"), at(0), Pushed::New).await;
    push(store, &item(&b, "same"), at(0), Pushed::New).await;
    assert_eq!(ids(&claim(store, &a, at(1), 10).await), ["same"]);
    assert_eq!(stats(store, &b).await.waiting, 1);
    assert_eq!(ids(&claim(store, &b, at(1), 10).await), ["same"]);
}

/// Awaits three futures at once (without a futures-crate dependency).
async fn futures_join3<A, B, C>(a: A, b: B, c: C) -> (A::Output, B::Output, C::Output)
where
    A: std::future::Future,
    B: std::future::Future,
    C: std::future::Future,
{
    use std::pin::pin;
    use std::task::Poll;
    let (mut a, mut b, mut c) = (pin!(a), pin!(b), pin!(c));
    let (mut ra, mut rb, mut rc) = (None, None, None);
    std::future::poll_fn(move |cx| {
        if ra.is_none()
            && let Poll::Ready(v) = a.as_mut().poll(cx)
        {
            ra = Some(v);
        }
        if rb.is_none()
            && let Poll::Ready(v) = b.as_mut().poll(cx)
        {
            rb = Some(v);
        }
        if rc.is_none()
            && let Poll::Ready(v) = c.as_mut().poll(cx)
        {
            rc = Some(v);
        }
        if ra.is_some() && rb.is_some() && rc.is_some() {
            Poll::Ready((ra.take().unwrap(), rb.take().unwrap(), rc.take().unwrap()))
        } else {
            Poll::Pending
        }
    })
    .await
}
