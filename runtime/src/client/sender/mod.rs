//! The webhook sender: serialize once, sign each attempt, POST, retry on schedule, report.
//!
//! A [`Sender`] holds one `reqwest::Client` (connections are reused), the signature
//! [`Scheme`] (Standard Webhooks by default; a `StandardWebhooks` with several keys signs with
//! each during a rotation), the [`RetryPolicy`], and a bound on requests in flight. Each
//! delivery keeps its id across attempts; each attempt signs with a fresh timestamp.
//!
//! | response | what the sender does | outcome when it stops |
//! |---|---|---|
//! | 2xx | stops | [`Outcome::Delivered`] |
//! | `410 Gone` | stops: the endpoint asks to be disabled | [`Outcome::Gone`] |
//! | other 4xx (not 408 or 429) | stops: the same request would fail again | [`Outcome::Rejected`] |
//! | 3xx, 408, 429, 5xx, timeout, network error | retries on schedule, at least `Retry-After` later | [`Outcome::Exhausted`] after the last |
//! | (shutdown) | stops before the next attempt | [`Outcome::ShutDown`] |
//!
//! Redirects are never followed by the client the sender builds: a 3xx is a failed attempt.
//! A client you pass should not follow them either (see [`SenderBuilder::client`]). The client
//! the sender builds has only the TLS support your build enables in reqwest (hookwire enables
//! none): enable a reqwest TLS feature, or pass your own client, to reach `https` endpoints.
//!
//! The retry schedule lives in memory. [`Sender::shutdown`] hands back every delivery it
//! interrupted, with its id and bytes, so a service can store them and send them again (with
//! the same id) when it starts; for deliveries that must survive a crash, keep them in your own
//! outbox and delete them once the report says they are done.
//!
//! ```
//! use std::sync::Arc;
//! use hookwire::client::sender::{Outcome, Sender};
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
//! let sender = Sender::builder(Arc::new(scheme)).build()?;
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
mod delivery;
mod id;
mod pool;
mod report;
mod retry;
mod run;
mod sleep;
mod spawn;

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use bytes::Bytes;

pub use builder::{BuildError, SenderBuilder};
pub use delivery::{Delivery, SendError};
pub use report::{Attempt, AttemptError, DeliveryReport, ErrorKind, Outcome};
pub use retry::RetryPolicy;
pub use sleep::{Sleep, Sleeper, TokioSleeper};
pub use spawn::{DeliveryHandle, SpawnError};

use crate::event::Events;
use crate::signature::Scheme;
use crate::timestamp::Timestamp;
use attempt::Config;
use pool::Pool;

/// Sends webhooks: signs each attempt, retries on schedule, and reports what happened.
///
/// Cheap to clone; clones share the client, the bound on requests in flight and the
/// shutdown. Build one with [`Sender::builder`] (see [`SenderBuilder`] for the defaults).
///
/// - [`send`](Sender::send) a catalog event, or [`send_bytes`](Sender::send_bytes) for a
///   body serialized elsewhere, and await the [`DeliveryReport`];
/// - or make a [`Delivery`] and [`deliver`](Sender::deliver) it, or [`spawn`](Sender::spawn)
///   it onto the tokio runtime;
/// - [`shutdown`](Sender::shutdown) stops new attempts, lets requests in flight finish, and
///   hands back every spawned delivery that did not finish, with its id and bytes.
///
/// ```
/// use std::sync::Arc;
/// use hookwire::client::sender::Sender;
/// use hookwire::signature::StandardWebhooks;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
/// # let url = format!("http://{}/webhooks", listener.local_addr()?);
/// # let app = axum::Router::new().route("/webhooks", axum::routing::post(|| async { axum::http::StatusCode::NO_CONTENT }));
/// # tokio::spawn(async move { axum::serve(listener, app).await });
/// let sender = Sender::builder(Arc::new(StandardWebhooks::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?))
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
            .field("timeout", &config.timeout)
            .field("retry", &config.retry)
            .field("max_in_flight", &self.inner.max_in_flight)
            .field("shut_down", &self.inner.pool.is_shut_down())
            .finish_non_exhaustive()
    }
}

impl Sender {
    /// Starts configuring a sender that signs with `scheme`.
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use hookwire::client::sender::Sender;
    /// # use hookwire::signature::StandardWebhooks;
    /// let sender = Sender::builder(Arc::new(StandardWebhooks::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?)).build()?;
    /// # let _ = sender;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn builder(scheme: Arc<dyn Scheme>) -> SenderBuilder {
        SenderBuilder::new(scheme)
    }

    /// A sender with every default; see [`SenderBuilder`].
    ///
    /// # Errors
    ///
    /// As [`SenderBuilder::build`].
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use hookwire::client::sender::Sender;
    /// # use hookwire::signature::Stripe;
    /// let sender = Sender::new(Arc::new(Stripe::new("whsec_test_secret")?))?;
    /// # let _ = sender;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(scheme: Arc<dyn Scheme>) -> Result<Self, BuildError> {
        Self::builder(scheme).build()
    }

    /// A [`Delivery`] of `event` to `url`, its envelope stamped with the sender's clock.
    ///
    /// # Errors
    ///
    /// As [`Delivery::event`].
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use hookwire::client::sender::Sender;
    /// # use hookwire::clock::FixedClock;
    /// # use hookwire::signature::StandardWebhooks;
    /// # use hookwire::{Event, Events, JsonSchema, schemars};
    /// # use serde::{Deserialize, Serialize};
    /// # #[derive(Serialize, Deserialize, JsonSchema, Event)]
    /// # #[hookwire(event = "ping")]
    /// # struct Ping {}
    /// # #[derive(Events)]
    /// # enum Catalog { Ping(Ping) }
    /// let sender = Sender::builder(Arc::new(StandardWebhooks::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?))
    ///     .clock(FixedClock::new(0))
    ///     .build()?;
    /// let delivery = sender.delivery("http://127.0.0.1:9/hooks", &Catalog::Ping(Ping {}))?;
    /// assert_eq!(&delivery.body()[..], br#"{"type":"ping","timestamp":"1970-01-01T00:00:00Z","data":{}}"#);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn delivery<E: Events>(&self, url: &str, event: &E) -> Result<Delivery, SendError> {
        let now = Timestamp::from_unix(self.inner.config.clock.now());
        Delivery::event(url, event, now)
    }

    /// Sends `event` to `url` and returns the report once the delivery has ended (which,
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
    /// # use std::sync::Arc;
    /// # use hookwire::client::sender::{Outcome, RetryPolicy, Sender};
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
    /// let sender = Sender::builder(Arc::new(StandardWebhooks::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?))
    ///     .retry(RetryPolicy::never())
    ///     .build()?;
    /// // Nothing listens there: one failed attempt, and no retry.
    /// let report = sender.send(&format!("http://{closed}/hooks"), &Catalog::Ping(Ping {})).await?;
    /// assert_eq!(report.outcome, Outcome::Exhausted);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn send<E: Events>(&self, url: &str, event: &E) -> Result<DeliveryReport, SendError> {
        let delivery = self.delivery(url, event)?;
        Ok(self.deliver(delivery).await)
    }

    /// Sends a body serialized elsewhere (a file, an outbox row) as event `event_type`.
    ///
    /// # Errors
    ///
    /// As [`Delivery::new`].
    ///
    /// See [`Sender`] for an example.
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use hookwire::client::sender::{SendError, Sender};
    /// # use hookwire::signature::Slack;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let sender = Sender::new(Arc::new(Slack::new("8f742231b10e8888abcd99yyyzzz85a5")?))?;
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
        let delivery = Delivery::new(url, event_type, body)?;
        Ok(self.deliver(delivery).await)
    }

    /// Delivers `delivery`: attempts until the endpoint accepts it, refuses it, the schedule
    /// runs out, or the sender shuts down. The report hands the delivery back.
    ///
    /// Dropping the future abandons the delivery, cutting off an attempt in flight.
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use hookwire::client::sender::{Delivery, Sender};
    /// # use hookwire::signature::StandardWebhooks;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let url = format!("http://{}/webhooks", listener.local_addr()?);
    /// # let app = axum::Router::new().route("/webhooks", axum::routing::post(|| async { axum::http::StatusCode::OK }));
    /// # tokio::spawn(async move { axum::serve(listener, app).await });
    /// let sender = Sender::new(Arc::new(StandardWebhooks::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?))?;
    /// let delivery = Delivery::new(&url, "ping", "{}")?.with_id("evt_1")?;
    /// let report = sender.deliver(delivery).await;
    /// assert!(report.is_delivered());
    /// assert_eq!(report.delivery.id(), "evt_1");
    /// # Ok(())
    /// # }
    /// ```
    pub async fn deliver(&self, delivery: Delivery) -> DeliveryReport {
        match self.inner.pool.enter() {
            Some(_active) => self.run(delivery).await,
            None => DeliveryReport::new(delivery, Vec::new(), Outcome::ShutDown),
        }
    }

    /// Requests in flight now.
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use hookwire::client::sender::Sender;
    /// # use hookwire::signature::Slack;
    /// let sender = Sender::new(Arc::new(Slack::new("8f742231b10e8888abcd99yyyzzz85a5")?))?;
    /// assert_eq!(sender.in_flight(), 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn in_flight(&self) -> usize {
        self.inner.pool.in_flight(self.inner.max_in_flight)
    }

    /// Whether [`shutdown`](Sender::shutdown) has been called on this sender or a clone.
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use hookwire::client::sender::Sender;
    /// # use hookwire::signature::Slack;
    /// let sender = Sender::new(Arc::new(Slack::new("8f742231b10e8888abcd99yyyzzz85a5")?))?;
    /// assert!(!sender.is_shut_down());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_shut_down(&self) -> bool {
        self.inner.pool.is_shut_down()
    }
}
