//! The durable inbox: acknowledge a verified delivery once it is stored, run its handler later.
//!
//! Providers give a receiver seconds to answer (GitHub 10 s, Shopify 5 s) and advise storing the
//! event and processing it later. A [`Receiver`](crate::receiver::Receiver) given an inbox
//! (`.inbox(store, "queue")`) verifies each request, [`push`](InboxStore::push)es the verified
//! delivery (its id, event type, body bytes and the headers handlers may read) and answers
//! `200`; its [`InboxWorker`](crate::receiver::InboxWorker)s [`claim`](InboxStore::claim) stored
//! deliveries under a lease, run the same typed handlers, and
//! [`complete`](InboxStore::complete) or [`fail`](InboxStore::fail) them: a failure is retried
//! with backoff, and one that keeps failing ends [dead](Failure::Dead), listed by
//! [`dead`](InboxStore::dead) and put back by [`revive`](InboxStore::revive).
//!
//! The inbox is also the duplicate check: `(queue, id)` is unique, so a redelivery of an id the
//! inbox holds (waiting, running, done within its retention, or dead) is answered `200` and not
//! stored again. A crash loses nothing: a claimed delivery whose worker died is due again when
//! its lease ends, and results are fenced by the claim's token, so a late worker changes
//! nothing.
//!
//! Like [`DedupStore`](crate::dedup::DedupStore), a store holds no clock and no policy: every
//! call carries `now` and the durations, so the [`conformance`] suite checks each rule without
//! sleeping, and every backend applies the worker's policy the same way.
//!
//! **Poison work ends.** Every claim counts as a run, whether or not its result was recorded;
//! a delivery claimed as often as the worker's retry schedule allows is not handed out again:
//! the next [`claim`](InboxStore::claim) makes it a dead letter whose error says why
//! ([`gave_up`]), counted in [`stats`](InboxStore::stats) and listed by
//! [`dead`](InboxStore::dead) (and `hookwire inbox dead`). A claim taken over from an ended
//! lease is [`recovered`](ClaimedDelivery::recovered) (at most one per claim) and the worker runs it
//! alone, so a delivery that crashes its process takes no other delivery's run with it.
//!
//! The stores, each passing the [`conformance`] suite (a database driver is compiled only with
//! its feature; [`open::inbox`](crate::open::inbox) picks one from a URL), and what an acknowledged delivery (a `200`)
//! survives:
//!
//! | Store | Feature | Shared by | The receiver's process crashes | The store's server or OS crashes, or its machine loses power |
//! |---|---|---|---|---|
//! | [`MemoryInbox`] | none | one process | lost | lost |
//! | `SqliteStore::inbox` (`hookwire::sqlite`) | `sqlite` | the processes of one machine | kept | kept: WAL, `synchronous = FULL` (each commit synced); `?synchronous=normal` may roll the last commits back |
//! | `PgStore::inbox` (`hookwire::postgres`) | `postgres` | every replica | kept | kept when the server runs `fsync = on` and `synchronous_commit` not `off` (the defaults); on a replica set, as `synchronous_commit` says |
//! | `RedisStore::inbox` (`hookwire::redis`) | `redis` | every replica | kept | as Redis persists: `appendonly yes` with `appendfsync always` keeps every push; `everysec` (the AOF default) may lose the last second; snapshots alone (Redis's default) lose what came since the last one |
//!
//! Redis also needs `maxmemory-policy noeviction`: an evicted delivery is a dead letter saying
//! so (its body is gone), never a silent drop.
//!
//! ```
//! use std::time::Duration;
//! use hookwire::Timestamp;
//! use hookwire::inbox::{InboxStore, MemoryInbox, NewItem, Pushed};
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let inbox = MemoryInbox::new();
//! let now = Timestamp::from_unix(1_700_000_000);
//! let item = NewItem::new("shop", "msg_1", "order.created", br#"{"data":{}}"#.to_vec());
//! assert_eq!(inbox.push(&item, now).await?, Pushed::New);
//! assert_eq!(inbox.push(&item, now).await?, Pushed::Duplicate);
//!
//! let claimed = inbox.claim("shop", now, Duration::from_secs(60), 10, 8).await?;
//! assert_eq!(claimed[0].item.id, "msg_1");
//! assert_eq!(claimed[0].attempt, 1);
//! inbox.complete("shop", "msg_1", claimed[0].token, now, Duration::from_secs(86_400)).await?;
//! # Ok::<(), hookwire::inbox::InboxError>(())
//! # }).unwrap();
//! ```

pub mod conformance;
mod memory;
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "redis"))]
pub(crate) mod stored;

use bytes::Bytes;
use std::time::Duration;

pub use memory::MemoryInbox;

use crate::plumbing::NoRandomness;
use crate::{BoxFuture, ClaimToken, Settled, Timestamp};

/// A verified delivery to store: what the worker needs to run its handler later.
///
/// ```
/// use hookwire::inbox::NewItem;
///
/// let item = NewItem::new("github", "72d3162e", "push", b"{}".to_vec())
///     .header("x-github-event", "push");
/// assert_eq!(item.headers, [("x-github-event".to_owned(), "push".to_owned())]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct NewItem {
    /// The receiver's queue: the name given to `Receiver::inbox`, the same on every replica.
    pub queue: String,
    /// The delivery id, unique in the queue (a delivery without one gets a random id).
    pub id: String,
    /// The event type.
    pub event_type: String,
    /// The signed timestamp, when the scheme has one.
    pub signed_at: Option<Timestamp>,
    /// The request headers handlers may read (lowercase names), signatures left out.
    pub headers: Vec<(String, String)>,
    /// The verified body, byte for byte (a [`Bytes`] shares the request's buffer: the
    /// receiver stores a delivery without copying it).
    pub body: Bytes,
}

impl NewItem {
    /// A delivery with no signed time and no headers.
    ///
    /// ```
    /// # use hookwire::inbox::NewItem;
    /// let item = NewItem::new("shop", "msg_1", "order.created", b"{}".to_vec());
    /// assert_eq!(item.queue, "shop");
    /// ```
    pub fn new(
        queue: impl Into<String>,
        id: impl Into<String>,
        event_type: impl Into<String>,
        body: impl Into<Bytes>,
    ) -> Self {
        NewItem {
            queue: queue.into(),
            id: id.into(),
            event_type: event_type.into(),
            signed_at: None,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    /// The same delivery, with one more header.
    ///
    /// ```
    /// # use hookwire::inbox::NewItem;
    /// let item = NewItem::new("q", "1", "t", vec![]).header("x-request-id", "abc");
    /// assert_eq!(item.headers.len(), 1);
    /// ```
    #[must_use]
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The same delivery, with its signed time.
    ///
    /// ```
    /// # use hookwire::{Timestamp, inbox::NewItem};
    /// let item = NewItem::new("q", "1", "t", vec![]).signed_at(Timestamp::from_unix(5));
    /// assert_eq!(item.signed_at, Some(Timestamp::from_unix(5)));
    /// ```
    #[must_use]
    pub fn signed_at(mut self, at: Timestamp) -> Self {
        self.signed_at = Some(at);
        self
    }
}

/// What [`InboxStore::push`] did.
///
/// ```
/// use hookwire::inbox::Pushed;
/// assert_ne!(Pushed::New, Pushed::Duplicate);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pushed {
    /// Stored: a worker will run it.
    New,
    /// The queue holds this id already (waiting, running, done within its retention, or
    /// dead): nothing stored.
    Duplicate,
}

/// A stored delivery a worker claimed: run its handler, then
/// [`complete`](InboxStore::complete) or [`fail`](InboxStore::fail) it with the token.
///
/// ```
/// use hookwire::ClaimToken;
/// use hookwire::inbox::{ClaimedDelivery, NewItem};
/// use hookwire::Timestamp;
///
/// let claimed = ClaimedDelivery {
///     item: NewItem::new("q", "1", "t", vec![]),
///     token: ClaimToken::new(1),
///     attempt: 1,
///     received_at: Timestamp::from_unix(0),
///     recovered: false,
/// };
/// assert_eq!(claimed.attempt, 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedDelivery {
    /// The delivery as it was pushed.
    pub item: NewItem,
    /// Owns the claim until the lease ends.
    pub token: ClaimToken,
    /// 1 for the first run, counting every claim since it was pushed or revived (a run cut
    /// short by a crash counts).
    pub attempt: u32,
    /// When it was pushed.
    pub received_at: Timestamp,
    /// Its previous run ended without a recorded result: the claim was taken over when its
    /// lease ran out (the worker crashed or was killed, or could not record). It may be the
    /// delivery that crashes its worker, so the [`InboxWorker`](crate::receiver::InboxWorker)
    /// runs it with nothing else in flight; a claim hands out at most one.
    pub recovered: bool,
}

/// How a handler's failure is recorded by [`InboxStore::fail`].
///
/// ```
/// use hookwire::{Timestamp, inbox::Failure};
/// let retry = Failure::RetryAt { at: Timestamp::from_unix(60), error: "timeout".into() };
/// assert!(matches!(retry, Failure::RetryAt { .. }));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Run it again at `at`.
    RetryAt {
        /// When it is due again.
        at: Timestamp,
        /// What went wrong, kept for the dead-letter list.
        error: String,
    },
    /// Give up: a dead letter, until [`revive`](InboxStore::revive)d.
    Dead {
        /// What went wrong.
        error: String,
    },
}

/// A delivery whose handler kept failing, as [`InboxStore::dead`] lists it.
///
/// ```
/// use hookwire::{Timestamp, inbox::DeadLetter};
/// let dead = DeadLetter {
///     id: "msg_1".into(),
///     event_type: "order.created".into(),
///     attempts: 8,
///     error: "database is down".into(),
///     received_at: Timestamp::from_unix(0),
///     failed_at: Timestamp::from_unix(9),
/// };
/// assert_eq!(dead.attempts, 8);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadLetter {
    /// The delivery id.
    pub id: String,
    /// Its event type.
    pub event_type: String,
    /// How many times its handler ran.
    pub attempts: u32,
    /// The last error.
    pub error: String,
    /// When it was pushed.
    pub received_at: Timestamp,
    /// When it was given up.
    pub failed_at: Timestamp,
}

/// How many deliveries a queue holds in each state, as [`InboxStore::stats`] counts them.
///
/// ```
/// use hookwire::inbox::InboxStats;
/// assert_eq!(InboxStats::default().waiting, 0);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct InboxStats {
    /// Waiting for their first run or a retry.
    pub waiting: u64,
    /// Claimed by a worker (or by one that died, until the lease ends).
    pub running: u64,
    /// Handled, kept until their retention ends so redeliveries are recognised.
    pub done: u64,
    /// Given up.
    pub dead: u64,
}

crate::plumbing::shareable_store_trait! {
    /// Where a receiver stores verified deliveries until its workers have handled them:
    /// [`MemoryInbox`], the SQLite, PostgreSQL and Redis inboxes behind their features, or your own.
    ///
    /// The rules, checked by the [`conformance`] suite:
    ///
    /// - `push` is atomic per `(queue, id)`: of concurrent pushes of one id, one is `New`; an id
    ///   stays known until it is purged after being done for its retention.
    /// - `claim` hands out due deliveries (waiting with `run_at <= now`, or running with an ended
    ///   lease), oldest first, each to one caller, with a new token and `attempt` one higher;
    ///   they are due again at `now + lease`. A running one whose lease ended is
    ///   [`recovered`](ClaimedDelivery::recovered), at most one per claim.
    /// - Poison work ends: a due delivery claimed `max_attempts` times already is not handed out
    ///   again but becomes a dead letter at `now`, its error saying why ([`gave_up`]): a crash
    ///   that records nothing can never loop forever.
    /// - `complete` and `fail` act only for the current token (else [`Settled::Lost`]);
    ///   `complete` keeps the id for `keep` so redeliveries stay duplicates.
    /// - `revive` puts a dead letter back as a first attempt, due at once.
    pub trait InboxStore: Send + Sync + 'static {
        /// Stores `item` unless its queue holds its id already.
        ///
        /// # Errors
        /// The store cannot be reached: the receiver answers `503`, so the sender retries.
        fn push<'a>(
            &'a self,
            item: &'a NewItem,
            now: Timestamp,
        ) -> BoxFuture<'a, Result<Pushed, InboxError>>;

        /// Claims up to `limit` due deliveries of `queue` for `lease`; a due delivery already
        /// claimed `max_attempts` times becomes a dead letter instead (so a claim may return fewer
        /// than `limit` while more are due).
        ///
        /// # Errors
        /// The store cannot be reached.
        fn claim<'a>(
            &'a self,
            queue: &'a str,
            now: Timestamp,
            lease: Duration,
            limit: usize,
            max_attempts: u32,
        ) -> BoxFuture<'a, Result<Vec<ClaimedDelivery>, InboxError>>;

        /// Marks a claimed delivery handled; its id is kept until `now + keep`.
        ///
        /// # Errors
        /// The store cannot be reached; the claim then ends with its lease and the delivery runs
        /// again.
        fn complete<'a>(
            &'a self,
            queue: &'a str,
            id: &'a str,
            token: ClaimToken,
            now: Timestamp,
            keep: Duration,
        ) -> BoxFuture<'a, Result<Settled, InboxError>>;

        /// Records a claimed delivery's failure: due again later, or dead.
        ///
        /// # Errors
        /// The store cannot be reached; the claim then ends with its lease.
        fn fail<'a>(
            &'a self,
            queue: &'a str,
            id: &'a str,
            token: ClaimToken,
            failure: &'a Failure,
            now: Timestamp,
        ) -> BoxFuture<'a, Result<Settled, InboxError>>;

        /// Up to `limit` dead letters of `queue`, oldest failure first.
        ///
        /// # Errors
        /// The store cannot be reached.
        fn dead<'a>(
            &'a self,
            queue: &'a str,
            limit: usize,
        ) -> BoxFuture<'a, Result<Vec<DeadLetter>, InboxError>>;

        /// Puts dead letter `id` back, due at `now` as a first attempt; `false` when `queue` has no
        /// dead letter `id`.
        ///
        /// # Errors
        /// The store cannot be reached.
        fn revive<'a>(
            &'a self,
            queue: &'a str,
            id: &'a str,
            now: Timestamp,
        ) -> BoxFuture<'a, Result<bool, InboxError>>;

        /// Counts `queue`'s deliveries by state.
        ///
        /// # Errors
        /// The store cannot be reached.
        fn stats<'a>(&'a self, queue: &'a str) -> BoxFuture<'a, Result<InboxStats, InboxError>>;

        /// Forgets done deliveries whose retention ended before `now`; returns how many.
        ///
        /// # Errors
        /// The store cannot be reached.
        fn purge<'a>(&'a self, now: Timestamp) -> BoxFuture<'a, Result<u64, InboxError>>;
    }
}

/// An [`InboxStore`] failure.
///
/// ```
/// use hookwire::inbox::InboxError;
/// assert_eq!(InboxError::new("disk full").to_string(), "the inbox is unavailable: disk full");
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum InboxError {
    /// The store could not be reached or answered nonsense.
    Unavailable(Box<dyn std::error::Error + Send + Sync>),
    /// [`open::inbox`](crate::open::inbox) was given a URL it cannot use: an unknown scheme, a backend this build does
    /// not include, or a malformed parameter.
    Url(crate::UrlError),
}

impl std::fmt::Display for InboxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InboxError::Unavailable(source) => write!(f, "the inbox is unavailable: {source}"),
            InboxError::Url(error) => std::fmt::Display::fmt(error, f),
        }
    }
}

impl std::error::Error for InboxError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            InboxError::Unavailable(source) => Some(source.as_ref()),
            // Transparent: the URL error's own source (it has none).
            InboxError::Url(error) => std::error::Error::source(error),
        }
    }
}

impl From<crate::UrlError> for InboxError {
    fn from(error: crate::UrlError) -> Self {
        InboxError::Url(error)
    }
}

impl From<NoRandomness> for InboxError {
    fn from(error: NoRandomness) -> Self {
        InboxError::new(error)
    }
}

/// A backend that could not be opened, reached or migrated is unavailable.
impl From<crate::BackendError> for InboxError {
    fn from(error: crate::BackendError) -> Self {
        InboxError::new(error)
    }
}

impl InboxError {
    /// An [`Unavailable`](Self::Unavailable) error wrapping the store's error (or a message).
    ///
    /// ```
    /// # use hookwire::inbox::InboxError;
    /// assert!(matches!(InboxError::new("down"), InboxError::Unavailable(_)));
    /// ```
    pub fn new(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        InboxError::Unavailable(error.into())
    }
}

/// The error of a delivery [`claim`](InboxStore::claim) gave up on after `attempts` claims:
/// the same words in every store. `recovered` says its last run recorded no result (its lease
/// ran out); otherwise `last_error` is the error its last run recorded.
///
/// ```
/// use hookwire::inbox::gave_up;
///
/// assert_eq!(
///     gave_up(3, true, ""),
///     "abandoned after 3 runs without a recorded result: the worker crashed or was killed, \
///      or the handler outlived its lease"
/// );
/// assert_eq!(
///     gave_up(3, false, "timeout"),
///     "gave up after 3 runs, as many as the retry schedule allows: timeout"
/// );
/// ```
pub fn gave_up(attempts: u32, recovered: bool, last_error: &str) -> String {
    if recovered {
        format!(
            "abandoned after {attempts} runs without a recorded result: the worker crashed or \
             was killed, or the handler outlived its lease"
        )
    } else {
        format!("gave up after {attempts} runs, as many as the retry schedule allows: {last_error}")
    }
}
