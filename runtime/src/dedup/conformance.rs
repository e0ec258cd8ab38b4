//! The conformance suite of the [`DedupStore`] contract: one async function per behaviour,
//! each panicking with a message when the store breaks the rule.
//!
//! A backend runs every function against a fresh, real store; [`all`] runs them in turn. Each
//! function uses its own namespace (from `prefix`), so they can share one store when run one
//! after another, and passes its own times (a store must take `now` from its arguments, not
//! from a clock of its own), so none of them sleeps.
//!
//! ```
//! use hookwire::dedup::{MemoryDedup, conformance};
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! conformance::all(&MemoryDedup::new(), "doc").await;
//! # });
//! ```

use std::time::Duration;

use crate::Timestamp;
use crate::dedup::{Claim, DedupKey, DedupStore};
use crate::{ClaimToken, Settled};

const LEASE: Duration = Duration::from_secs(60);
const TTL: Duration = Duration::from_secs(3_600);
const START: i64 = 1_700_000_000;

fn at(seconds: i64) -> Timestamp {
    Timestamp::from_unix(START + seconds)
}

fn key(prefix: &str, test: &str, id: &str) -> DedupKey {
    DedupKey::new(format!("{prefix}:{test}"), id)
}

async fn new_claim(store: &dyn DedupStore, key: &DedupKey, now: Timestamp) -> ClaimToken {
    match store.claim(key, now, LEASE).await {
        Ok(Claim::New(token)) => token,
        other => panic!("claim of {key} at {now}: expected New, got {other:?}"),
    }
}

async fn expect(store: &dyn DedupStore, key: &DedupKey, now: Timestamp, want: Claim) {
    let got = store.claim(key, now, LEASE).await;
    assert!(
        matches!(&got, Ok(claim) if *claim == want),
        "claim of {key} at {now}: expected {want:?}, got {got:?}"
    );
}

/// Runs every check of the suite.
///
/// ```
/// # use hookwire::dedup::{MemoryDedup, conformance};
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// conformance::all(&MemoryDedup::new(), "memory").await;
/// # });
/// ```
pub async fn all(store: &dyn DedupStore, prefix: &str) {
    claim_new_in_flight_done(store, prefix).await;
    abandon_releases(store, prefix).await;
    owned_claims(store, prefix).await;
    expired_lease_is_taken_over(store, prefix).await;
    done_lasts_its_ttl(store, prefix).await;
    namespaces_are_apart(store, prefix).await;
}

/// A first claim is `New`; while it is held, `InFlight`; once completed, `Done`.
///
/// ```
/// # use hookwire::dedup::{MemoryDedup, conformance};
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// conformance::claim_new_in_flight_done(&MemoryDedup::new(), "t").await;
/// # });
/// ```
pub async fn claim_new_in_flight_done(store: &dyn DedupStore, prefix: &str) {
    let key = key(prefix, "states", "msg_1");
    let token = new_claim(store, &key, at(0)).await;
    expect(store, &key, at(1), Claim::InFlight).await;
    let settled = store.complete(&key, token, at(2), TTL).await;
    assert!(
        matches!(settled, Ok(Settled::Applied)),
        "complete with the current token: {settled:?}"
    );
    expect(store, &key, at(3), Claim::Done).await;
}

/// An abandoned claim can be claimed again at once, with a different token.
///
/// ```
/// # use hookwire::dedup::{MemoryDedup, conformance};
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// conformance::abandon_releases(&MemoryDedup::new(), "t").await;
/// # });
/// ```
pub async fn abandon_releases(store: &dyn DedupStore, prefix: &str) {
    let key = key(prefix, "abandon", "msg_1");
    let first = new_claim(store, &key, at(0)).await;
    let settled = store.abandon(&key, first).await;
    assert!(
        matches!(settled, Ok(Settled::Applied)),
        "abandon with the current token: {settled:?}"
    );
    let second = new_claim(store, &key, at(1)).await;
    assert_ne!(first, second, "a new claim must get a new token");
}

/// Completing or abandoning with a token that is not the current one changes nothing.
///
/// ```
/// # use hookwire::dedup::{MemoryDedup, conformance};
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// conformance::owned_claims(&MemoryDedup::new(), "t").await;
/// # });
/// ```
pub async fn owned_claims(store: &dyn DedupStore, prefix: &str) {
    let key = key(prefix, "owned", "msg_1");
    let token = new_claim(store, &key, at(0)).await;
    let forged = ClaimToken::new(token.get().wrapping_add(1_000_003));
    let settled = store.complete(&key, forged, at(1), TTL).await;
    assert!(
        matches!(settled, Ok(Settled::Lost)),
        "complete with a foreign token must be Lost: {settled:?}"
    );
    let settled = store.abandon(&key, forged).await;
    assert!(
        matches!(settled, Ok(Settled::Lost)),
        "abandon with a foreign token must be Lost: {settled:?}"
    );
    expect(store, &key, at(2), Claim::InFlight).await;
    let settled = store.complete(&key, token, at(3), TTL).await;
    assert!(matches!(settled, Ok(Settled::Applied)), "{settled:?}");
    // Settling twice: the claim is over.
    let settled = store.abandon(&key, token).await;
    assert!(
        matches!(settled, Ok(Settled::Lost)),
        "abandon after complete must be Lost: {settled:?}"
    );
    expect(store, &key, at(4), Claim::Done).await;
}

/// After its lease the claim is taken over by the next claim; the first holder's late
/// `complete` and `abandon` are `Lost` and leave the new claim alone.
///
/// ```
/// # use hookwire::dedup::{MemoryDedup, conformance};
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// conformance::expired_lease_is_taken_over(&MemoryDedup::new(), "t").await;
/// # });
/// ```
pub async fn expired_lease_is_taken_over(store: &dyn DedupStore, prefix: &str) {
    let key = key(prefix, "lease", "msg_1");
    let lease = i64::try_from(LEASE.as_secs()).unwrap_or(i64::MAX);
    let slow = new_claim(store, &key, at(0)).await;
    expect(store, &key, at(lease - 1), Claim::InFlight).await;
    let next = new_claim(store, &key, at(lease)).await;
    assert_ne!(slow, next, "a take-over must get a new token");
    let late = store.complete(&key, slow, at(lease + 1), TTL).await;
    assert!(
        matches!(late, Ok(Settled::Lost)),
        "a late complete must be Lost: {late:?}"
    );
    let late = store.abandon(&key, slow).await;
    assert!(
        matches!(late, Ok(Settled::Lost)),
        "a late abandon must be Lost: {late:?}"
    );
    expect(store, &key, at(lease + 2), Claim::InFlight).await;
    let settled = store.complete(&key, next, at(lease + 3), TTL).await;
    assert!(matches!(settled, Ok(Settled::Applied)), "{settled:?}");
    expect(store, &key, at(lease + 4), Claim::Done).await;
}

/// A done key is remembered until `now + ttl` of its completion, and forgotten after.
///
/// ```
/// # use hookwire::dedup::{MemoryDedup, conformance};
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// conformance::done_lasts_its_ttl(&MemoryDedup::new(), "t").await;
/// # });
/// ```
pub async fn done_lasts_its_ttl(store: &dyn DedupStore, prefix: &str) {
    let key = key(prefix, "ttl", "msg_1");
    let ttl = i64::try_from(TTL.as_secs()).unwrap_or(i64::MAX);
    let token = new_claim(store, &key, at(0)).await;
    let settled = store.complete(&key, token, at(10), TTL).await;
    assert!(matches!(settled, Ok(Settled::Applied)), "{settled:?}");
    expect(store, &key, at(10 + ttl - 1), Claim::Done).await;
    new_claim(store, &key, at(10 + ttl)).await;
}

/// The same id in two namespaces is two keys.
///
/// ```
/// # use hookwire::dedup::{MemoryDedup, conformance};
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// conformance::namespaces_are_apart(&MemoryDedup::new(), "t").await;
/// # });
/// ```
pub async fn namespaces_are_apart(store: &dyn DedupStore, prefix: &str) {
    let billing = key(prefix, "billing", "evt_1");
    let shipping = key(prefix, "shipping", "evt_1");
    let token = new_claim(store, &billing, at(0)).await;
    new_claim(store, &shipping, at(0)).await;
    let settled = store.complete(&billing, token, at(1), TTL).await;
    assert!(matches!(settled, Ok(Settled::Applied)), "{settled:?}");
    expect(store, &billing, at(2), Claim::Done).await;
    expect(store, &shipping, at(2), Claim::InFlight).await;
}
