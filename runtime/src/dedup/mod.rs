//! Skipping duplicate deliveries: the [`DedupStore`] contract, the in-memory [`MemoryDedup`],
//! and the [`conformance`] suite every store passes; [`open::dedup`](crate::open::dedup) picks a store by URL
//! (`memory`, `sqlite://PATH`, `postgres://...`, `redis://...`).
//!
//! A receiver [`claim`](DedupStore::claim)s a delivery's [`DedupKey`] before running its
//! handler. The claim is *owned*: it comes with a [`ClaimToken`], and only the holder of the
//! current token can [`complete`](DedupStore::complete) or [`abandon`](DedupStore::abandon)
//! it. A handler that outlived its lease, whose delivery another request claimed meanwhile,
//! gets [`Settled::Lost`] and changes nothing (a fencing token).
//!
//! The store holds no clock and no policy: every call carries `now`, and the lease and the
//! time to live, so each behaviour is testable without sleeping and every backend applies the
//! receiver's policy the same way.
//!
//! What deduplication protects, per provider:
//!
//! - Standard Webhooks, Stripe and Slack sign the id (Standard Webhooks' `webhook-id`, the
//!   `id` or `event_id` in Stripe's and Slack's signed body): a redelivery runs the handler
//!   once, and a replayed request is caught by the id as well as by the timestamp.
//! - GitHub and Shopify do not sign their id headers (`X-GitHub-Delivery`,
//!   `X-Shopify-Event-Id`) nor their event type headers, and sign no timestamp. Deduplication
//!   absorbs their honest redeliveries (same id), but anyone holding a captured signed body can
//!   send it again under a fresh id, or under another event type, and it verifies: the handler
//!   runs again. Make such handlers idempotent on a field of the signed body (an object id and
//!   its `updated_at`, say) when a replay matters. A GitHub delivery without
//!   `X-GitHub-Delivery` is not deduplicated at all (the receiver logs it).
//!
//! ```
//! use std::time::Duration;
//! use hookwire::Timestamp;
//! use hookwire::Settled;
//! use hookwire::dedup::{Claim, DedupKey, DedupStore, MemoryDedup};
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let store = MemoryDedup::new();
//! let key = DedupKey::new("stripe:/webhooks/billing", "evt_1");
//! let (now, lease, ttl) = (Timestamp::from_unix(1_000), Duration::from_secs(60), Duration::from_secs(3_600));
//! let Claim::New(token) = store.claim(&key, now, lease).await? else { unreachable!() };
//! assert_eq!(store.claim(&key, now, lease).await?, Claim::InFlight);
//! assert_eq!(store.complete(&key, token, now, ttl).await?, Settled::Applied);
//! assert_eq!(store.claim(&key, now, lease).await?, Claim::Done);
//! # Ok::<(), hookwire::dedup::DedupError>(())
//! # }).unwrap();
//! ```

pub mod conformance;
mod memory;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

pub use memory::MemoryDedup;

use crate::plumbing::NoRandomness;
use crate::{BoxFuture, ClaimToken, Settled, Timestamp, UrlError};

/// What a delivery is deduplicated by: the receiver's namespace and the delivery id.
///
/// The namespace keeps receivers that share a store apart (Stripe sends the same `evt_` id to
/// every endpoint subscribed to an event, so two Stripe routes must not absorb each other's
/// deliveries). A receiver's default namespace is its provider and the request path
/// (`stripe:/webhooks/billing`), the same on every replica.
///
/// ```
/// use hookwire::dedup::DedupKey;
///
/// let key = DedupKey::new("github:/hooks", "72d3162e-cc78-11e3-81ab-4c9367dc0958");
/// assert_eq!(key.namespace(), "github:/hooks");
/// assert_eq!(key.to_string(), "github:/hooks 72d3162e-cc78-11e3-81ab-4c9367dc0958");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DedupKey {
    namespace: Arc<str>,
    id: String,
}

impl DedupKey {
    /// The key of delivery `id` in `namespace`.
    ///
    /// ```
    /// # use hookwire::dedup::DedupKey;
    /// assert_eq!(DedupKey::new("ns", "msg_1").id(), "msg_1");
    /// ```
    pub fn new(namespace: impl Into<Arc<str>>, id: impl Into<String>) -> Self {
        DedupKey {
            namespace: namespace.into(),
            id: id.into(),
        }
    }

    /// The receiver's namespace.
    ///
    /// ```
    /// # use hookwire::dedup::DedupKey;
    /// assert_eq!(DedupKey::new("ns", "msg_1").namespace(), "ns");
    /// ```
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The delivery id.
    ///
    /// ```
    /// # use hookwire::dedup::DedupKey;
    /// assert_eq!(DedupKey::new("ns", "msg_1").id(), "msg_1");
    /// ```
    pub fn id(&self) -> &str {
        &self.id
    }
}

/// `namespace id` (ids have no spaces), for logs and for stores keyed by one string.
impl fmt::Display for DedupKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.namespace, self.id)
    }
}

/// What [`DedupStore::claim`] found for a key.
///
/// ```
/// use hookwire::ClaimToken;
/// use hookwire::dedup::Claim;
/// assert_ne!(Claim::New(ClaimToken::new(1)), Claim::Done);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Claim {
    /// Never seen, forgotten after its time to live, or an in-flight claim whose lease
    /// expired: the key is now claimed by the caller, who must complete or abandon it.
    New(ClaimToken),
    /// Another request holds a live claim: the receiver answers `409` so the sender retries.
    InFlight,
    /// Handled already: the receiver answers `200` without running a handler.
    Done,
}

crate::plumbing::shareable_store_trait! {
    /// A store of delivery keys that makes each delivery run its handler once.
    ///
    /// The receiver calls [`claim`](Self::claim) before running the handler; on [`Claim::New`] it
    /// runs it, then [`complete`](Self::complete)s the key when the handler succeeded or
    /// [`abandon`](Self::abandon)s it when it failed, so the sender's retry runs it again.
    ///
    /// The rules, checked by the [`conformance`] suite:
    ///
    /// - `claim` is atomic: of concurrent claims of one key, one gets `New`.
    /// - An in-flight claim lasts until `now + lease`; after that the next `claim` takes it over
    ///   with a new token.
    /// - `complete` with the current token marks the key done until `now + ttl`; with any other
    ///   token it returns [`Settled::Lost`] and changes nothing. `abandon` likewise releases the
    ///   key only for the current token.
    /// - Nothing is forgotten before its time. A bounded store that is full answers
    ///   [`DedupError::Full`] (the receiver answers `503` with `Retry-After`) rather than evicting.
    ///
    /// With Redis, for example: `claim` is a script doing `SET key token NX PXAT lease-end` (then
    /// reading the value: a `done` marker or another token), `complete` a compare-and-set of the
    /// token to `done` with `PXAT ttl-end`, `abandon` a compare-and-delete.
    ///
    /// ```
    /// use std::time::Duration;
    /// use hookwire::Timestamp;
    /// use hookwire::{BoxFuture, ClaimToken, Settled};
    /// use hookwire::dedup::{Claim, DedupError, DedupKey, DedupStore, MemoryDedup};
    ///
    /// /// A store that delegates to another one and counts claims.
    /// struct Counting(MemoryDedup, std::sync::atomic::AtomicUsize);
    ///
    /// impl DedupStore for Counting {
    ///     fn claim<'a>(&'a self, key: &'a DedupKey, now: Timestamp, lease: Duration) -> BoxFuture<'a, Result<Claim, DedupError>> {
    ///         self.1.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    ///         self.0.claim(key, now, lease)
    ///     }
    ///     fn complete<'a>(&'a self, key: &'a DedupKey, token: ClaimToken, now: Timestamp, ttl: Duration) -> BoxFuture<'a, Result<Settled, DedupError>> {
    ///         self.0.complete(key, token, now, ttl)
    ///     }
    ///     fn abandon<'a>(&'a self, key: &'a DedupKey, token: ClaimToken) -> BoxFuture<'a, Result<Settled, DedupError>> {
    ///         self.0.abandon(key, token)
    ///     }
    /// }
    /// ```
    pub trait DedupStore: Send + Sync + 'static {
        /// Claims `key` at `now` for `lease` if it is new (or its claim expired); reports it in
        /// flight or done otherwise.
        ///
        /// # Errors
        /// [`DedupError::Full`] when a bounded store has no room; [`DedupError::Unavailable`] when
        /// it cannot be reached. The receiver answers `503` either way.
        fn claim<'a>(
            &'a self,
            key: &'a DedupKey,
            now: Timestamp,
            lease: Duration,
        ) -> BoxFuture<'a, Result<Claim, DedupError>>;

        /// Marks `key` handled until `now + ttl`, if `token` is its current claim.
        ///
        /// # Errors
        /// The store could not be reached; the handler already ran, so the receiver still answers
        /// success and logs the error.
        fn complete<'a>(
            &'a self,
            key: &'a DedupKey,
            token: ClaimToken,
            now: Timestamp,
            ttl: Duration,
        ) -> BoxFuture<'a, Result<Settled, DedupError>>;

        /// Releases `key` without marking it handled, if `token` is its current claim, so a retry
        /// runs the handler.
        ///
        /// # Errors
        /// The store could not be reached; the claim then lasts until its lease expires.
        fn abandon<'a>(
            &'a self,
            key: &'a DedupKey,
            token: ClaimToken,
        ) -> BoxFuture<'a, Result<Settled, DedupError>>;

        /// [`claim`](Self::claim) answered at once, without a future, by a store that never
        /// waits (an in-memory one); `None`, the default, from a store that must wait (a
        /// network or a disk): the caller then awaits `claim`. The receiver asks this first,
        /// so a memory store costs no boxed future per delivery.
        ///
        /// ```
        /// use std::time::Duration;
        /// use hookwire::Timestamp;
        /// use hookwire::dedup::{Claim, DedupKey, DedupStore, MemoryDedup};
        ///
        /// let store = MemoryDedup::new();
        /// let key = DedupKey::new("ns", "msg_1");
        /// let now = Timestamp::from_unix(0);
        /// let claimed = store.claim_now(&key, now, Duration::from_secs(60));
        /// assert!(matches!(claimed, Some(Ok(Claim::New(_)))));
        /// ```
        fn claim_now<'a>(
            &'a self,
            key: &'a DedupKey,
            now: Timestamp,
            lease: Duration,
        ) -> Option<Result<Claim, DedupError>> where default {
            let _ = (key, now, lease);
            None
        };

        /// [`complete`](Self::complete) answered at once, as [`claim_now`](Self::claim_now);
        /// `None` by default.
        ///
        /// ```
        /// use std::time::Duration;
        /// use hookwire::{Settled, Timestamp};
        /// use hookwire::dedup::{Claim, DedupKey, DedupStore, MemoryDedup};
        ///
        /// let store = MemoryDedup::new();
        /// let (key, now) = (DedupKey::new("ns", "msg_1"), Timestamp::from_unix(0));
        /// let Some(Ok(Claim::New(token))) = store.claim_now(&key, now, Duration::from_secs(60)) else { unreachable!() };
        /// let settled = store.complete_now(&key, token, now, Duration::from_secs(3600));
        /// assert!(matches!(settled, Some(Ok(Settled::Applied))));
        /// ```
        fn complete_now<'a>(
            &'a self,
            key: &'a DedupKey,
            token: ClaimToken,
            now: Timestamp,
            ttl: Duration,
        ) -> Option<Result<Settled, DedupError>> where default {
            let _ = (key, token, now, ttl);
            None
        };

        /// [`abandon`](Self::abandon) answered at once, as [`claim_now`](Self::claim_now);
        /// `None` by default.
        ///
        /// ```
        /// use std::time::Duration;
        /// use hookwire::{Settled, Timestamp};
        /// use hookwire::dedup::{Claim, DedupKey, DedupStore, MemoryDedup};
        ///
        /// let store = MemoryDedup::new();
        /// let (key, now) = (DedupKey::new("ns", "msg_1"), Timestamp::from_unix(0));
        /// let Some(Ok(Claim::New(token))) = store.claim_now(&key, now, Duration::from_secs(60)) else { unreachable!() };
        /// assert!(matches!(store.abandon_now(&key, token), Some(Ok(Settled::Applied))));
        /// ```
        fn abandon_now<'a>(
            &'a self,
            key: &'a DedupKey,
            token: ClaimToken,
        ) -> Option<Result<Settled, DedupError>> where default {
            let _ = (key, token);
            None
        };
    }
}

/// A [`DedupStore`] failure.
///
/// ```
/// use std::time::Duration;
/// use hookwire::dedup::DedupError;
///
/// assert_eq!(DedupError::new("redis timed out").to_string(), "the duplicate store is unavailable: redis timed out");
/// let full = DedupError::Full { capacity: 10, retry_after: Duration::from_secs(30) };
/// assert!(full.to_string().contains("10 ids"));
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum DedupError {
    /// The store could not be reached or answered nonsense.
    Unavailable(Box<dyn std::error::Error + Send + Sync>),
    /// A bounded store holds `capacity` ids, none of them expired: nothing is evicted inside
    /// its time to live, so the delivery is refused until `retry_after` has passed.
    Full {
        /// The store's bound.
        capacity: usize,
        /// When the earliest id expires (at least one second).
        retry_after: Duration,
    },
    /// [`open::dedup`](crate::open::dedup) was given a URL it cannot use: an unknown scheme, a backend this build does
    /// not include, or a malformed parameter.
    Url(UrlError),
}

impl std::fmt::Display for DedupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DedupError::Unavailable(source) => {
                write!(f, "the duplicate store is unavailable: {source}")
            }
            DedupError::Full {
                capacity,
                retry_after,
            } => write!(
                f,
                "the duplicate store is full ({capacity} ids, none expired); retry in {} s",
                retry_after.as_secs()
            ),
            DedupError::Url(error) => std::fmt::Display::fmt(error, f),
        }
    }
}

impl std::error::Error for DedupError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            DedupError::Unavailable(source) => Some(source.as_ref()),
            DedupError::Full { .. } => None,
            // Transparent: the URL error's own source (it has none).
            DedupError::Url(error) => std::error::Error::source(error),
        }
    }
}

impl From<UrlError> for DedupError {
    fn from(error: UrlError) -> Self {
        DedupError::Url(error)
    }
}

impl From<NoRandomness> for DedupError {
    fn from(error: NoRandomness) -> Self {
        DedupError::new(error)
    }
}

/// A backend that could not be opened, reached or migrated is unavailable.
impl From<crate::BackendError> for DedupError {
    fn from(error: crate::BackendError) -> Self {
        DedupError::new(error)
    }
}

impl DedupError {
    /// An [`Unavailable`](Self::Unavailable) error wrapping the store's error (or a message).
    ///
    /// ```
    /// # use hookwire::dedup::DedupError;
    /// let io = std::io::Error::other("connection reset");
    /// assert!(matches!(DedupError::new(io), DedupError::Unavailable(_)));
    /// ```
    pub fn new(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        DedupError::Unavailable(error.into())
    }
}
