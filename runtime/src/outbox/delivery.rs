//! Deliveries: one per event and subscribed endpoint; what workers claim and record.

use std::fmt;
use std::time::Duration;

use serde::Serialize;

use crate::outbox::{EndpointId, Secrets, excerpt};

/// A delivery's id, assigned by the store.
///
/// ```
/// use hookwire::outbox::DeliveryId;
///
/// assert_eq!(DeliveryId(12).to_string(), "12");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct DeliveryId(pub i64);

impl fmt::Display for DeliveryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Where a delivery stands.
///
/// ```
/// use hookwire::outbox::DeliveryState;
///
/// assert_eq!(DeliveryState::InFlight.as_str(), "in_flight");
/// assert_eq!(DeliveryState::parse("failed"), Some(DeliveryState::Failed));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DeliveryState {
    /// Waiting for its next attempt (the first, or a retry at its scheduled time).
    Pending,
    /// Claimed by a worker under a lease.
    InFlight,
    /// The endpoint answered 2xx.
    Delivered,
    /// The retry schedule ran out (or the attempt was refused, e.g. by the SSRF guard).
    Failed,
    /// Held because its endpoint is disabled; enabling the endpoint releases it.
    Disabled,
}

impl DeliveryState {
    /// Every state, in the order `outbox stats` prints them.
    pub const ALL: [DeliveryState; 5] = [
        DeliveryState::Pending,
        DeliveryState::InFlight,
        DeliveryState::Delivered,
        DeliveryState::Failed,
        DeliveryState::Disabled,
    ];

    /// The name stored in the database and printed by the CLI.
    ///
    /// ```
    /// # use hookwire::outbox::DeliveryState;
    /// assert_eq!(DeliveryState::Pending.as_str(), "pending");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::InFlight => "in_flight",
            DeliveryState::Delivered => "delivered",
            DeliveryState::Failed => "failed",
            DeliveryState::Disabled => "disabled",
        }
    }

    /// The state stored under `name`, if any.
    ///
    /// ```
    /// # use hookwire::outbox::DeliveryState;
    /// assert_eq!(DeliveryState::parse("nope"), None);
    /// ```
    pub fn parse(name: &str) -> Option<Self> {
        DeliveryState::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

/// What a worker asks for in [`OutboxStore::claim`](crate::outbox::OutboxStore::claim).
///
/// ```
/// use std::time::Duration;
/// use hookwire::outbox::ClaimRequest;
///
/// let request = ClaimRequest::new(32).lease(Duration::from_secs(45));
/// assert_eq!(request.limit, 32);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClaimRequest {
    /// At most this many deliveries (the worker's free slots).
    pub limit: u32,
    /// How long the worker holds them: set it above the HTTP timeout. When it runs out, another
    /// worker may claim the delivery again (a crashed worker's deliveries come back this way).
    pub lease: Duration,
}

impl ClaimRequest {
    /// Up to `limit` deliveries under a 45 second lease (a 30 second HTTP timeout plus margin,
    /// so a crashed worker's deliveries are attempted again within a minute).
    ///
    /// ```
    /// # use hookwire::outbox::ClaimRequest;
    /// assert_eq!(ClaimRequest::new(8).lease.as_secs(), 45);
    /// ```
    pub fn new(limit: u32) -> Self {
        Self {
            limit,
            lease: Duration::from_secs(45),
        }
    }

    /// Sets the lease (at least one second).
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use hookwire::outbox::ClaimRequest;
    /// assert_eq!(ClaimRequest::new(1).lease(Duration::ZERO).lease, Duration::from_secs(1));
    /// ```
    #[must_use]
    pub fn lease(mut self, lease: Duration) -> Self {
        self.lease = lease.max(Duration::from_secs(1));
        self
    }
}

/// The proof that a worker holds a delivery: its id and the fencing token of this claim.
/// Recording with a lease that another claim has replaced is refused.
///
/// ```
/// use hookwire::outbox::{DeliveryId, Lease};
///
/// let lease = Lease { delivery: DeliveryId(1), token: 99 };
/// assert_eq!(lease.delivery, DeliveryId(1));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Lease {
    /// The delivery held.
    pub delivery: DeliveryId,
    /// The fencing token this claim wrote.
    pub token: i64,
}

/// The endpoint a claimed delivery goes to, with what the worker needs to send it.
///
/// ```
/// # fn demo(target: &hookwire::outbox::Target) {
/// println!("POST {} (private allowed: {})", target.url, target.allow_private);
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Target {
    /// The endpoint.
    pub id: EndpointId,
    /// Its URL.
    pub url: String,
    /// Its secrets, newest first: sign with each.
    pub secrets: Secrets,
    /// Whether private addresses are allowed.
    pub allow_private: bool,
    /// Extra headers to send ([`NewEndpoint::headers`](crate::outbox::NewEndpoint::headers)).
    pub headers: std::collections::BTreeMap<String, String>,
}

/// A delivery a worker claimed: attempt it, then [`record`](crate::outbox::OutboxStore::record)
/// the result with its lease.
///
/// ```
/// # fn demo(claimed: &hookwire::outbox::Claimed) {
/// println!("{} attempt {} -> {}", claimed.webhook_id, claimed.attempt, claimed.target.url);
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Claimed {
    /// The lease to record the result with.
    pub lease: Lease,
    /// The `webhook-id` header: the event id, the same on every attempt and every endpoint (so a
    /// receiver reading the events feed too deduplicates both by one key).
    pub webhook_id: String,
    /// The event's id (shared by the deliveries it fanned out to).
    pub event_id: String,
    /// The event's type.
    pub event_type: String,
    /// The envelope, exactly as serialized at publish: the request body.
    pub payload: String,
    /// This attempt's number, from 1, as the attempt log will show it: it counts on across
    /// [`retry`](crate::outbox::OutboxStore::retry) and
    /// [`recover`](crate::outbox::OutboxStore::recover), which give the delivery a fresh retry
    /// schedule but never restart the numbering.
    pub attempt: u32,
    /// When the lease runs out (Unix seconds).
    pub lease_until: i64,
    /// Where it goes.
    pub target: Target,
    /// The trace its event continues ([`crate::trace`]): the parent of the attempt's span.
    pub trace: Option<crate::trace::TraceContext>,
}

/// What one attempt led to, as the worker saw it.
///
/// ```
/// use std::time::Duration;
/// use hookwire::outbox::AttemptOutcome;
///
/// let throttled = AttemptOutcome::Response { status: 429, retry_after: Some(Duration::from_secs(30)) };
/// assert!(!throttled.is_success());
/// assert!(AttemptOutcome::Response { status: 204, retry_after: None }.is_success());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AttemptOutcome {
    /// The endpoint answered with this status; `Retry-After`, when it sent one.
    Response {
        /// The HTTP status.
        status: u16,
        /// The parsed `Retry-After`.
        retry_after: Option<Duration>,
    },
    /// No answer: connection refused or reset, TLS failure, timeout.
    NoResponse,
    /// Not sent, and sending again will not help: the SSRF guard refused the address, or the
    /// URL is unusable. The delivery fails at once.
    Refused,
}

impl AttemptOutcome {
    /// A 2xx response.
    ///
    /// ```
    /// # use hookwire::outbox::AttemptOutcome;
    /// assert!(!AttemptOutcome::NoResponse.is_success());
    /// ```
    pub fn is_success(&self) -> bool {
        matches!(self, AttemptOutcome::Response { status, .. } if (200..300).contains(status))
    }

    /// The HTTP status, when there was a response.
    ///
    /// ```
    /// # use hookwire::outbox::AttemptOutcome;
    /// assert_eq!(AttemptOutcome::Refused.status(), None);
    /// ```
    pub fn status(&self) -> Option<u16> {
        match self {
            AttemptOutcome::Response { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// The longest response excerpt kept in the attempt log, in bytes (after escaping: see
/// [`AttemptResult::excerpt_bytes`]).
pub const EXCERPT_LIMIT: usize = 1024;

/// One attempt's result, for [`OutboxStore::record`](crate::outbox::OutboxStore::record).
///
/// ```
/// use std::time::Duration;
/// use hookwire::outbox::{AttemptOutcome, AttemptResult, DeliveryId, Lease};
///
/// let lease = Lease { delivery: DeliveryId(1), token: 7 };
/// let result = AttemptResult::new(lease, AttemptOutcome::Response { status: 204, retry_after: None })
///     .duration(Duration::from_millis(12))
///     .excerpt("ok");
/// assert_eq!(result.excerpt, "ok");
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct AttemptResult {
    /// The lease the delivery was claimed with.
    pub lease: Lease,
    /// What happened.
    pub outcome: AttemptOutcome,
    /// How long the attempt took.
    pub duration: Duration,
    /// The start of the response body, or the error's message (cut to [`EXCERPT_LIMIT`] bytes,
    /// control characters and bytes that are not UTF-8 escaped). The store escapes and cuts
    /// it again when it records, so a value set directly is stored safely too.
    pub excerpt: String,
}

impl AttemptResult {
    /// A result with no duration and no excerpt.
    ///
    /// ```
    /// # use hookwire::outbox::{AttemptOutcome, AttemptResult, DeliveryId, Lease};
    /// let result = AttemptResult::new(Lease { delivery: DeliveryId(1), token: 1 }, AttemptOutcome::NoResponse);
    /// assert!(result.excerpt.is_empty());
    /// ```
    pub fn new(lease: Lease, outcome: AttemptOutcome) -> Self {
        Self {
            lease,
            outcome,
            duration: Duration::ZERO,
            excerpt: String::new(),
        }
    }

    /// Sets how long the attempt took.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use hookwire::outbox::{AttemptOutcome, AttemptResult, DeliveryId, Lease};
    /// # let lease = Lease { delivery: DeliveryId(1), token: 1 };
    /// let result = AttemptResult::new(lease, AttemptOutcome::NoResponse).duration(Duration::from_secs(30));
    /// assert_eq!(result.duration.as_secs(), 30);
    /// ```
    #[must_use]
    pub fn duration(mut self, duration: Duration) -> Self {
        self.duration = duration;
        self
    }

    /// Sets the excerpt (an error's message, a body already decoded): control characters
    /// other than tab and line breaks, NUL among them, are escaped (`\x00`), and the text is
    /// cut to [`EXCERPT_LIMIT`] bytes at a character boundary.
    ///
    /// ```
    /// # use hookwire::outbox::{AttemptOutcome, AttemptResult, DeliveryId, Lease, EXCERPT_LIMIT};
    /// # let lease = Lease { delivery: DeliveryId(1), token: 1 };
    /// let result = AttemptResult::new(lease, AttemptOutcome::NoResponse).excerpt("x".repeat(5000));
    /// assert_eq!(result.excerpt.len(), EXCERPT_LIMIT);
    /// let result = AttemptResult::new(lease, AttemptOutcome::NoResponse).excerpt("a\0b");
    /// assert_eq!(result.excerpt, "a\\x00b");
    /// ```
    #[must_use]
    pub fn excerpt(mut self, text: impl Into<String>) -> Self {
        let text = text.into();
        self.excerpt = match excerpt::from_text(&text) {
            std::borrow::Cow::Borrowed(_) => text,
            std::borrow::Cow::Owned(safe) => safe,
        };
        self
    }

    /// Sets the excerpt from the raw bytes a remote party sent (a response body): UTF-8 is kept,
    /// every other byte and every control character but tab and line breaks is escaped as
    /// `\xNN` (escaped, not dropped), cut to [`EXCERPT_LIMIT`] bytes. Both backends store it
    /// as it is.
    ///
    /// ```
    /// # use hookwire::outbox::{AttemptOutcome, AttemptResult, DeliveryId, Lease};
    /// # let lease = Lease { delivery: DeliveryId(1), token: 1 };
    /// let failed = AttemptOutcome::Response { status: 500, retry_after: None };
    /// let result = AttemptResult::new(lease, failed).excerpt_bytes(b"bad\0\xff");
    /// assert_eq!(result.excerpt, "bad\\x00\\xff");
    /// ```
    #[must_use]
    pub fn excerpt_bytes(mut self, bytes: &[u8]) -> Self {
        self.excerpt = excerpt::from_bytes(bytes);
        self
    }
}

/// What recording one result did.
///
/// ```
/// use hookwire::outbox::{DeliveryState, Recorded};
///
/// let recorded = Recorded::Done { state: DeliveryState::Delivered, next_attempt_at: None, endpoint_disabled: None };
/// assert!(recorded.is_done());
/// assert!(!Recorded::Stale.is_done());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Recorded {
    /// The result was stored.
    Done {
        /// The delivery's state now.
        state: DeliveryState,
        /// When it will be attempted again, if pending.
        next_attempt_at: Option<i64>,
        /// Why its endpoint was disabled by this result, if it was.
        endpoint_disabled: Option<crate::outbox::DisabledReason>,
    },
    /// Refused: the lease was replaced by another claim (it ran out and another worker took the
    /// delivery), or the delivery was released, held or finished meanwhile.
    Stale,
    /// The database refused this result, alone and again without its excerpt, while it stored
    /// the others of the batch. The delivery stays in flight: when its lease runs out it is
    /// claimed again, and once claimed as often as the retry schedule allows it is failed as
    /// `abandoned` (see [`OutboxStore::claim`](crate::outbox::OutboxStore::claim)).
    NotStored,
}

impl Recorded {
    /// Whether the result was stored.
    ///
    /// ```
    /// # use hookwire::outbox::Recorded;
    /// assert!(!Recorded::Stale.is_done());
    /// ```
    pub fn is_done(&self) -> bool {
        matches!(self, Recorded::Done { .. })
    }
}
