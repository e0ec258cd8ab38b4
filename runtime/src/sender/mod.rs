//! The webhook sender: serialize once, sign each attempt, POST, retry on schedule, report.
//!
//! A [`Sender`] holds one `reqwest::Client` (connections are reused), the signature
//! [`Scheme`] (Standard Webhooks by default; a `StandardWebhooks` with several keys signs with
//! each during a rotation), the [`RetryPolicy`], and a bound on requests in flight. A
//! [`Message`] keeps its id across attempts; each attempt signs with a fresh timestamp.
//!
//! | answer | [`Verdict`] of the attempt | what the sender does | outcome when it stops |
//! |---|---|---|---|
//! | 2xx | `Delivered` | stops | [`Outcome::Delivered`] |
//! | `410 Gone` | `Gone` | stops: the endpoint asks to be disabled | [`Outcome::Gone`] |
//! | any other status (3xx, 4xx such as `401`, `409`, `422`, `429`, 5xx) | `Retry` | retries on schedule, at least `Retry-After` later | [`Outcome::Exhausted`] after the last |
//! | timeout, connection refused or reset | `NoResponse` | retries on schedule | [`Outcome::Exhausted`] after the last |
//! | a status you listed with [`SenderBuilder::stop_on`] (none by default) | `Stopped` | stops | [`Outcome::Stopped`] |
//! | the request cannot be signed or built | `Failed` | stops | [`Outcome::Failed`] |
//! | (shutdown) | | stops before the next attempt | [`Outcome::ShutDown`] |
//!
//! Every non-2xx answer but `410` is retried, as Standard Webhooks, Svix and Stripe do: a
//! hookwire receiver answers `409` while it is handling the same message, `422` for an event
//! type it does not know yet, `503` when its duplicate store is full, and each means "later".
//!
//! One attempt is [`attempt`]: given a `reqwest::Client`, a scheme, a [`Message`], the
//! timestamp to sign and [`AttemptOptions`], it signs, POSTs and classifies the answer. The
//! `Sender` runs it on its schedule; an outbox worker runs it with its own client and schedule.
//!
//! Redirects are never followed by the client the sender builds: a 3xx is a failed attempt.
//! A client you pass should not follow them either (see [`SenderBuilder::client`]). The client
//! the sender builds has only the TLS support your build enables in reqwest (hookwire enables
//! none): enable a reqwest TLS feature, or pass your own client, to reach `https` endpoints.
//!
//! The retry schedule lives in memory. [`Sender::shutdown`] hands back every message it
//! interrupted, with its id and bytes, so a service can store them and send them again (with
//! the same id) when it starts; for deliveries that must survive a crash, keep them in your own
//! outbox and delete them once the report says they are done.
//!
//! ```
//! use hookwire::sender::{Outcome, Sender};
//! use hookwire::signature::StandardWebhooks;
//! use hookwire::{Event, Events, JsonSchema, schemars};
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Serialize, Deserialize, JsonSchema, Event)]
//! #[hookwire(event = "order.shipped")]
//! struct OrderShipped {
//!     order_id: String,
//! }
//!
//! #[derive(Events)]
//! enum ShopEvent {
//!     OrderShipped(OrderShipped),
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! # let url = format!("http://{}/webhooks", listener.local_addr()?);
//! # let app = axum::Router::new().route("/webhooks", axum::routing::post(|| async { axum::http::StatusCode::NO_CONTENT }));
//! # tokio::spawn(async move { axum::serve(listener, app).await });
//! let scheme = StandardWebhooks::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?;
//! let sender = Sender::builder(scheme).build()?;
//!
//! let event = ShopEvent::OrderShipped(OrderShipped { order_id: "98765".into() });
//! let report = sender.send(&url, &event).await?;
//! assert_eq!(report.outcome, Outcome::Delivered);
//! assert_eq!(report.attempts.len(), 1);
//! # Ok(())
//! # }
//! ```

mod attempt;
mod builder;
mod id;
mod message;
mod pool;
mod report;
mod retry;
mod run;
mod sleep;
mod spawn;
mod verdict;

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use bytes::Bytes;

use crate::retry::RetryPolicy;
pub use attempt::{AttemptOptions, attempt};
pub use builder::{BuildError, SenderBuilder};
pub use message::{Message, SendError};
pub use report::{DeliveryReport, Outcome};
pub use sleep::{Sleep, Sleeper, TokioSleeper};
pub use spawn::{DeliveryHandle, SpawnError};
pub use verdict::{Attempt, AttemptError, ErrorKind, Verdict};

use crate::clock::Clock;
use crate::event::SendEvents;
use crate::signature::Scheme;
use pool::Pool;

/// Sends webhooks: signs each attempt, retries on schedule, and reports what happened.
///
/// Cheap to clone; clones share the client, the bound on requests in flight and the
/// shutdown. Build one with [`Sender::builder`] (see [`SenderBuilder`] for the defaults).
///
/// - [`send`](Sender::send) a catalog event, or [`send_bytes`](Sender::send_bytes) for a
///   body serialized elsewhere, and await the [`DeliveryReport`];
/// - or make a [`Message`] and [`deliver`](Sender::deliver) it, or [`spawn`](Sender::spawn)
///   it onto the tokio runtime;
/// - [`shutdown`](Sender::shutdown) stops new attempts, lets requests in flight finish, and
///   hands back every spawned message that did not finish, with its id and bytes.
///
/// ```
/// use hookwire::sender::Sender;
/// use hookwire::signature::StandardWebhooks;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
/// # let url = format!("http://{}/webhooks", listener.local_addr()?);
/// # let app = axum::Router::new().route("/webhooks", axum::routing::post(|| async { axum::http::StatusCode::NO_CONTENT }));
/// # tokio::spawn(async move { axum::serve(listener, app).await });
/// let sender = Sender::builder(StandardWebhooks::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?)
///     .build()?;
/// let body = br#"{"type":"ping","timestamp":"2024-01-01T00:00:00Z","data":{}}"#.to_vec();
/// let report = sender.send_bytes(&url, "ping", body).await?;
/// assert!(report.is_delivered());
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Sender {
    inner: Arc<Inner>,
}

/// What a sender is configured with, shared by every message.
struct Config {
    client: reqwest::Client,
    scheme: Arc<dyn Scheme>,
    clock: Arc<dyn Clock>,
    sleeper: Arc<dyn Sleeper>,
    retry: RetryPolicy,
    options: AttemptOptions,
}

struct Inner {
    config: Config,
    pool: Arc<Pool>,
    max_in_flight: usize,
}

impl fmt::Debug for Sender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let config = &self.inner.config;
        f.debug_struct("Sender")
            .field("scheme", &config.scheme.name())
            .field("options", &config.options)
            .field("retry", &config.retry)
            .field("max_in_flight", &self.inner.max_in_flight)
            .field("shut_down", &self.inner.pool.is_shut_down())
            .finish_non_exhaustive()
    }
}

impl Sender {
    /// Starts configuring a sender that signs with `scheme` (for a scheme chosen at run
    /// time, see [`SenderBuilder::from_arc`]).
    ///
    /// ```
    /// # use hookwire::sender::Sender;
    /// # use hookwire::signature::StandardWebhooks;
    /// let sender = Sender::builder(StandardWebhooks::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?).build()?;
    /// # let _ = sender;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn builder(scheme: impl Scheme) -> SenderBuilder {
        SenderBuilder::from_arc(Arc::new(scheme))
    }

    /// A sender with every default; see [`SenderBuilder`].
    ///
    /// # Errors
    ///
    /// As [`SenderBuilder::build`].
    ///
    /// ```
    /// # use hookwire::sender::Sender;
    /// # use hookwire::signature::Stripe;
    /// let sender = Sender::new(Stripe::new("whsec_test_secret")?)?;
    /// # let _ = sender;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(scheme: impl Scheme) -> Result<Self, BuildError> {
        Self::builder(scheme).build()
    }

    /// A [`Message`] of `event` to `url`, its envelope stamped with the sender's clock.
    ///
    /// # Errors
    ///
    /// As [`Message::event`].
    ///
    /// ```
    /// # use hookwire::sender::Sender;
    /// # use hookwire::clock::FixedClock;
    /// # use hookwire::signature::StandardWebhooks;
    /// # use hookwire::{Event, Events, JsonSchema, schemars};
    /// # use serde::{Deserialize, Serialize};
    /// # #[derive(Serialize, Deserialize, JsonSchema, Event)]
    /// # #[hookwire(event = "ping")]
    /// # struct Ping {}
    /// # #[derive(Events)]
    /// # enum Catalog { Ping(Ping) }
    /// let sender = Sender::builder(StandardWebhooks::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?)
    ///     .clock(FixedClock::new(0))
    ///     .build()?;
    /// let message = sender.message("http://127.0.0.1:9/hooks", &Catalog::Ping(Ping {}))?;
    /// assert_eq!(&message.body()[..], br#"{"type":"ping","timestamp":"1970-01-01T00:00:00Z","data":{}}"#);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn message<E: SendEvents>(&self, url: &str, event: &E) -> Result<Message, SendError> {
        let now = self.inner.config.clock.now();
        Message::event(url, event, now)
    }

    /// Sends `event` to `url` and returns the report once the message has ended (which,
    /// with the default schedule, can take a day: [`spawn`](Sender::spawn) to not wait).
    ///
    /// # Errors
    ///
    /// [`SendError`] when the URL is invalid or the event does not serialize; everything
    /// after that is in the report.
    ///
    /// See the [module](self) example.
    ///
    /// ```
    /// # use hookwire::sender::{Outcome, Sender};
    /// # use hookwire::retry::RetryPolicy;
    /// # use hookwire::signature::StandardWebhooks;
    /// # use hookwire::{Event, Events, JsonSchema, schemars};
    /// # use serde::{Deserialize, Serialize};
    /// # #[derive(Serialize, Deserialize, JsonSchema, Event)]
    /// # #[hookwire(event = "ping")]
    /// # struct Ping {}
    /// # #[derive(Events)]
    /// # enum Catalog { Ping(Ping) }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let closed = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?;
    /// let sender = Sender::builder(StandardWebhooks::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?)
    ///     .retry(RetryPolicy::never())
    ///     .build()?;
    /// // Nothing listens there: one failed attempt, and no retry.
    /// let report = sender.send(&format!("http://{closed}/hooks"), &Catalog::Ping(Ping {})).await?;
    /// assert_eq!(report.outcome, Outcome::Exhausted);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn send<E: SendEvents>(
        &self,
        url: &str,
        event: &E,
    ) -> Result<DeliveryReport, SendError> {
        let message = self.message(url, event)?;
        Ok(self.deliver(message).await)
    }

    /// Sends a body serialized elsewhere (a file, an outbox row) as event `event_type`.
    ///
    /// # Errors
    ///
    /// As [`Message::new`].
    ///
    /// See [`Sender`] for an example.
    ///
    /// ```
    /// # use hookwire::sender::{SendError, Sender};
    /// # use hookwire::signature::Slack;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let sender = Sender::new(Slack::new("8f742231b10e8888abcd99yyyzzz85a5")?)?;
    /// let err = sender.send_bytes("not a url", "ping", "{}").await.unwrap_err();
    /// assert!(matches!(err, SendError::InvalidUrl { .. }));
    /// # Ok(())
    /// # }
    /// ```
    pub async fn send_bytes(
        &self,
        url: &str,
        event_type: impl Into<Cow<'static, str>>,
        body: impl Into<Bytes>,
    ) -> Result<DeliveryReport, SendError> {
        let message = Message::new(url, event_type, body)?;
        Ok(self.deliver(message).await)
    }

    /// Delivers `message`: attempts until the endpoint accepts it, refuses it, the schedule
    /// runs out, or the sender shuts down. The report hands the message back.
    ///
    /// Dropping the future abandons the message, cutting off an attempt in flight.
    ///
    /// ```
    /// # use hookwire::sender::{Message, Sender};
    /// # use hookwire::signature::StandardWebhooks;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let url = format!("http://{}/webhooks", listener.local_addr()?);
    /// # let app = axum::Router::new().route("/webhooks", axum::routing::post(|| async { axum::http::StatusCode::OK }));
    /// # tokio::spawn(async move { axum::serve(listener, app).await });
    /// let sender = Sender::new(StandardWebhooks::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?)?;
    /// let message = Message::new(&url, "ping", "{}")?.with_id("evt_1")?;
    /// let report = sender.deliver(message).await;
    /// assert!(report.is_delivered());
    /// assert_eq!(report.message.id(), "evt_1");
    /// # Ok(())
    /// # }
    /// ```
    pub async fn deliver(&self, message: Message) -> DeliveryReport {
        match self.inner.pool.enter() {
            Some(_active) => self.run(message).await,
            None => DeliveryReport::new(message, Vec::new(), Outcome::ShutDown),
        }
    }

    /// Requests in flight now.
    ///
    /// ```
    /// # use hookwire::sender::Sender;
    /// # use hookwire::signature::Slack;
    /// let sender = Sender::new(Slack::new("8f742231b10e8888abcd99yyyzzz85a5")?)?;
    /// assert_eq!(sender.in_flight(), 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn in_flight(&self) -> usize {
        self.inner.pool.in_flight(self.inner.max_in_flight)
    }

    /// Whether [`shutdown`](Sender::shutdown) has been called on this sender or a clone.
    ///
    /// ```
    /// # use hookwire::sender::Sender;
    /// # use hookwire::signature::Slack;
    /// let sender = Sender::new(Slack::new("8f742231b10e8888abcd99yyyzzz85a5")?)?;
    /// assert!(!sender.is_shut_down());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_shut_down(&self) -> bool {
        self.inner.pool.is_shut_down()
    }
}
