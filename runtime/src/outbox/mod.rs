//! The durable outbox's store contract: what a backend keeps (events, endpoints, deliveries,
//! the attempt log) and the operations workers and operators run on it. No SQL lives here;
//! the SQLite (`sqlite` feature) and PostgreSQL (`postgres` feature) backends implement
//! [`OutboxStore`], and each passes the same conformance suite.
//!
//! The flow: `publish` (a backend method taking the caller's own transaction) stores the
//! event's envelope, serialized once, and fans it out in the same transaction to one delivery
//! per subscribed endpoint, whose `webhook-id` is the event id. Workers [`claim`](OutboxStore::claim)
//! due deliveries under a lease with a fencing token, attempt them, and
//! [`record`](OutboxStore::record) the results; the store applies the [`Policy`] (retry
//! schedule, pauses, circuit breaker, disabling) using its injected [`Clock`](crate::clock::Clock).
//!
//! ```
//! use hookwire::outbox::{AttemptOutcome, AttemptResult, ClaimRequest, OutboxStore, StoreError};
//!
//! /// One pass of a minimal worker: claim, "send", record.
//! async fn pass(store: &impl OutboxStore) -> Result<usize, StoreError> {
//!     let claimed = store.claim(ClaimRequest::new(16)).await?;
//!     let results: Vec<AttemptResult> = claimed
//!         .iter()
//!         .map(|delivery| {
//!             // POST delivery.payload to delivery.target.url, signed with its secrets ...
//!             AttemptResult::new(delivery.lease, AttemptOutcome::Response { status: 204, retry_after: None })
//!         })
//!         .collect();
//!     store.record(&results).await?;
//!     Ok(claimed.len())
//! }
//! ```
//!
//! # Workers
//!
//! A [`Worker`] runs up to `concurrency` attempts at once. It claims only as many deliveries
//! as it has free slots (memory stays bounded whatever the backlog), each under a lease with a
//! fencing token; attempts each one with the sender's one-attempt function
//! ([`sender::attempt`](crate::sender::attempt)), signed with the endpoint's secrets under the
//! delivery's fixed `webhook-id`; and records the results in batches. The store applies the
//! retry schedule, pauses, the breaker and disabling ([`Policy`]).
//!
//! - **Any number of workers**, in any number of processes, share one store: claims never
//!   hand the same delivery to two workers while its lease runs, and the store keeps every
//!   endpoint to its own in-flight limit, so an endpoint that never answers holds only its
//!   own slots.
//! - **Crashes**: a killed worker's deliveries come back when their lease runs out (by
//!   default the 30 s attempt timeout plus 15 s), and are attempted again with the same
//!   `webhook-id`, so the receiver's duplicate store absorbs a repeat. A worker that lost its
//!   lease cannot record a result ([`Recorded::Stale`]).
//! - **Poison work ends**: a delivery that never gets a result recorded (it crashes or hangs
//!   every worker, or its result cannot be stored) is failed as `abandoned` once it was claimed
//!   as often as the retry schedule allows ([`OutboxStore::claim`]).
//! - **Hostile answers**: response bodies are stored escaped (NUL and bytes that are not UTF-8
//!   as `\x00`), and a result the database refuses costs the other results of its batch
//!   nothing ([`OutboxStore::record`]).
//! - **Shutdown**: when the future given to [`run_until`](Worker::run_until) completes, the
//!   worker stops claiming, lets the attempts in flight finish (at most the grace period),
//!   records them and releases the leases of any it had to cut off.
//! - **Waking**: an empty claim waits for [`wait_for_work`](crate::outbox::OutboxStore::wait_for_work)
//!   (a publish in this process, PostgreSQL `LISTEN/NOTIFY`) or the polling interval.
//! - **Ordering**: events published with an [ordering key](RawEvent::ordering_key) reach
//!   each endpoint one at a time, in publish order, per key; a key waiting for a retry holds
//!   back only itself (the guarantee and its limits: [ordering](crate::outbox#ordering)).
//! - **SSRF**: endpoint URLs come from customers, so deliveries go through the
//!   [`ssrf`](crate::ssrf) guard unless the endpoint was added with `allow_private`.
//!
//! ```no_run
//! use hookwire::outbox::Worker;
//! use hookwire::outbox::OutboxStore;
//!
//! async fn run_workers<S: OutboxStore + 'static>(store: S) -> Result<(), Box<dyn std::error::Error>> {
//!     let worker = Worker::builder(std::sync::Arc::new(store)).concurrency(64).build()?;
//!     // In a service: until SIGTERM (`tokio::signal`); here, for a minute.
//!     let report = worker
//!         .run_until(tokio::time::sleep(std::time::Duration::from_secs(60)))
//!         .await;
//!     println!("{} attempts, {} delivered", report.attempts, report.delivered);
//!     Ok(())
//! }
//! ```
//!
//! # Ordering
//!
//! An event may carry an ordering key (an order id, an account id): [`RawEvent::ordering_key`],
//! or [`PublishOptions::ordering_key`] for typed events. For one endpoint and one key, its
//! deliveries are attempted strictly in publish order.
//!
//! ## The guarantee
//!
//! A delivery with a key is claimed only when no earlier delivery of the same endpoint and
//! key (a lower delivery id: publish order) is still pending, in flight, waiting for a retry,
//! or held for a disabled endpoint, and no other delivery of that key is in flight under a
//! lease that still runs. So:
//!
//! - one endpoint never has two attempts of one key at once, whatever the number of workers
//!   and processes (PostgreSQL: claims of one endpoint are serialized by its lane's row lock;
//!   SQLite: one writer);
//! - a delivery waiting for its retries holds back the later ones of its key only: other keys
//!   of the endpoint, deliveries without a key and other endpoints keep flowing;
//! - deliveries held for a disabled endpoint keep their order when it is enabled again;
//! - what happens after one ends `failed` is the policy's [`OrderingFailure`]: by default
//!   ([`Hold`](OrderingFailure::Hold)) the later ones wait until an operator
//!   [retries](OutboxStore::retry) or [recovers](OutboxStore::recover)
//!   it, or it is [purged](OutboxStore::purge);
//!   [`Skip`](OrderingFailure::Skip) lets them go on.
//!
//! ## Its limits
//!
//! - **At least once, in order of first arrival.** A worker killed mid-attempt leaves its
//!   delivery in flight until the lease runs out; it is then attempted again (same
//!   `webhook-id`) before any later delivery of its key. A receiver may so see a duplicate of
//!   the delivery that was in flight, never a later event before an earlier one.
//! - **Publish order is the order of the deliveries' ids**: the order of publishing within one
//!   transaction, and across transactions that commit one after the other (two updates of one
//!   order row are serialized by that row's lock). Two transactions publishing the same key
//!   at the same time have no order between them: whichever commits first may be sent first.
//! - **Per endpoint.** Each endpoint gets the key's events in order on its own; a slow endpoint
//!   does not hold back another.
//! - **A held key stays held**: under [`Hold`](OrderingFailure::Hold) a failed delivery blocks
//!   its key until someone acts (it shows as `failed`, and the later ones as `pending`); the
//!   worker's retention, which purges failed deliveries after its period, ends the hold then.
//! - **A held key costs its endpoint's claims**: its later deliveries stay due, and every
//!   claim of the endpoint checks each of them again (one index probe each: a few
//!   milliseconds per 10,000) until the key moves.
//! - **Throughput per key is one attempt at a time**: a key's deliveries go out one after the
//!   other, each waiting for the previous one's answer. Spread load over many keys.
//!
//! Deliveries without a key are claimed exactly as before: the check is skipped for them.
//!
//! ```
//! use hookwire::outbox::{ClaimRequest, MemoryOutbox, NewEndpoint, OutboxStore, RawEvent};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), hookwire::outbox::StoreError> {
//! let outbox = MemoryOutbox::new();
//! outbox.add_endpoint(&NewEndpoint::new("https://example.com/hooks", "whsec_c2VjcmV0")).await?;
//! let created = RawEvent::new("order.created", serde_json::json!({"id": 1}))?.ordering_key("order-1");
//! let paid = RawEvent::new("order.paid", serde_json::json!({"id": 1}))?.ordering_key("order-1");
//! outbox.publish_raw(&[created, paid]).await?;
//! // Only `order.created` is claimable until its attempt is recorded.
//! let claimed = outbox.claim(ClaimRequest::new(10)).await?;
//! assert_eq!(claimed.len(), 1);
//! assert_eq!(claimed[0].event_type, "order.created");
//! # Ok(()) }
//! ```

mod application;
mod breaker;
mod contract;
mod delivery;
mod endpoint;
mod error;
pub(crate) mod excerpt;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod fallback;
mod filter;
mod id;
mod lanes;
mod memory;
mod ops;
mod ordering;
mod policy;
mod raw_event;
pub(crate) mod record;
mod secrets;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) mod sql;
mod tenancy;
#[cfg(feature = "reqwest")]
mod worker;

pub use application::{AppId, Application, Erased, NewApplication, check_uid};
pub use breaker::{Breaker, BreakerState, Health};
pub use contract::OutboxStore;
pub use delivery::{
    AttemptOutcome, AttemptResult, ClaimRequest, Claimed, DeliveryId, DeliveryState, EXCERPT_LIMIT,
    Lease, Recorded, Target,
};
pub use endpoint::{DisabledReason, EndpointId, NewEndpoint, WebhookEndpoint};
pub use error::StoreError;
pub use filter::{TypeFilter, check_header};
pub use memory::MemoryOutbox;
pub use ops::{
    AttemptLog, DeliveryInfo, DeliveryQuery, EndpointStats, OutboxStats, Purged, StateCounts,
};
pub use ordering::{ORDERING_KEY_LIMIT, OrderingFailure, check_ordering_key};
pub use policy::{Decision, EndpointChange, EndpointDisabled, Policy};
pub use raw_event::{PublishOptions, RawEvent};
pub use secrets::Secrets;
pub use tenancy::{ApplicationStore, EventQuery, KeyedRecord, StoredEvent};
#[cfg(feature = "reqwest")]
#[cfg_attr(docsrs, doc(cfg(feature = "reqwest")))]
pub use worker::{FinishedAttempt, Worker, WorkerBuilder, WorkerError, WorkerReport};

/// `with_clock` and `with_policy`, written once for every outbox (memory and SQL): the type
/// has `clock: Arc<dyn Clock>` and `policy: Policy` fields. `$setup` and `$outbox` make the
/// examples: hidden lines before, and the expression of an outbox.
macro_rules! clock_and_policy {
    ($setup:literal, $outbox:literal) => {
        /// Uses `clock` for every decision (leases, schedule, pauses, disabling).
        ///
        /// ```
        #[doc = $setup]
        #[doc = concat!("let outbox = ", $outbox, ".with_clock(std::sync::Arc::new(hookwire::clock::FixedClock::new(0)));")]
        /// # let _ = outbox;
        /// # Ok::<(), hookwire::outbox::StoreError>(())
        /// # };
        /// ```
        #[must_use]
        pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
            self.clock = clock;
            self
        }

        /// Applies `policy` to recorded results.
        ///
        /// ```
        #[doc = $setup]
        /// use hookwire::retry::RetryPolicy;
        #[doc = concat!("let outbox = ", $outbox, ".with_policy(hookwire::outbox::Policy::default().retry(RetryPolicy::never()));")]
        /// # let _ = outbox;
        /// # Ok::<(), hookwire::outbox::StoreError>(())
        /// # };
        /// ```
        #[must_use]
        pub fn with_policy(mut self, policy: Policy) -> Self {
            self.policy = policy;
            self
        }
    };
}
pub(crate) use clock_and_policy;
