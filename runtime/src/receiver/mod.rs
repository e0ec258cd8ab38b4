//! Receiving webhooks with axum (feature `axum`).
//!
//! A request goes through these steps, each answered as the sender expects:
//!
//! 1. content type: one the scheme's senders use, or none (`415` otherwise);
//! 2. body: read as bytes under a size limit, 1 MiB by default (`413`);
//! 3. verification with the [`Scheme`](crate::signature::Scheme): a missing or wrong signature
//!    and a timestamp outside the tolerance (a replay) are `401`;
//! 4. event type and delivery id, from where the provider puts them ([`PayloadFormat`]): the
//!    envelope's `type` (Standard Webhooks), a header (GitHub, Shopify), Stripe's event object,
//!    or your rule (`400` when absent);
//! 5. duplicates, by delivery id in a [`DedupStore`] (see [`crate::dedup`] for what this
//!    protects per provider): handled already is `200` without running anything, being
//!    handled right now is `409` (retry later), a full or unreachable store `503` with
//!    `Retry-After`;
//! 6. parsing, in one pass, into your type (`400` when it does not match);
//! 7. your handler: `200`, or `500` on error, so the sender retries (the id is not marked
//!    done).
//!
//! Errors are `application/problem+json` bodies ([`ReceiveError`]) that never contain a
//! secret, a signature or payload values. Every request of a [`Receiver`] runs in a `webhook`
//! tracing span with `scheme`, `delivery_id` and `event_type`.
//!
//! Three ways in, from most to least done for you:
//!
//! - [`Receiver`]: a router with a typed handler per event type (`.on(handler)`, the type
//!   read from the handler's `Delivery<T>` argument), a catalog-wide one (`.events(handler)`)
//!   and a policy for unknown types; handlers take axum extractors (`State`, `HeaderMap`) as
//!   axum handlers do;
//! - [`Webhook<E>`](Webhook): an extractor giving the delivery parsed into catalog `E`, for
//!   your own handler;
//! - [`VerifiedWebhook`]: an extractor giving the verified bytes, to queue and parse later.
//!
//! ```
//! use axum::Router;
//! use hookwire::Event;
//! use hookwire::receiver::{Delivery, Receiver, WebhookConfig};
//! use hookwire::signature::GitHub;
//! use serde::Deserialize;
//!
//! /// GitHub's `push` event: the fields you need, the rest ignored.
//! #[derive(Debug, Deserialize, Event)]
//! #[hookwire(event = "push")]
//! struct Push {
//!     #[serde(rename = "ref")]
//!     git_ref: String,
//! }
//!
//! async fn pushed(push: Delivery<Push>) {
//!     println!("pushed to {}", push.event.git_ref);
//! }
//!
//! let github = Receiver::new(WebhookConfig::new(GitHub::new("It's a Secret to Everybody")?)).on(pushed);
//! let app: Router = Router::new().route("/webhooks/github", github.into_method_router());
//! # Ok::<(), hookwire::signature::SecretError>(())
//! ```

mod claim;
mod config;
mod deadline;
mod dispatch;
mod error;
mod extract;
mod format;
mod handler;
mod head;
mod inbox;
mod parse;
mod pipeline;
mod route;
mod router;
mod stats;

pub use crate::dedup::{DedupError, DedupStore, MemoryDedup};
pub use config::{ContentTypes, WebhookConfig};
pub use error::{HandlerError, ReceiveError};
pub use extract::{VerifiedWebhook, Webhook};
pub use format::{PayloadFormat, TypeRule};
pub use handler::{Handler, HandlerResult};
#[cfg(all(feature = "outbox", feature = "reqwest"))]
#[cfg_attr(docsrs, doc(cfg(feature = "outbox")))]
pub use inbox::CaughtUp;
pub use inbox::InboxWorker;
pub use parse::Payload;
pub use router::Receiver;
pub use stats::ReceiverStats;

use bytes::Bytes;

use crate::Timestamp;

/// One delivery: its id, event type, time and body, with the event parsed into `T`.
///
/// ```
/// use hookwire::receiver::Delivery;
///
/// // Handlers can be unit-tested with a hand-made delivery.
/// let delivery = Delivery::new("order.shipped", 42_u32).with_id("msg_1");
/// assert_eq!(delivery.id.as_deref(), Some("msg_1"));
/// assert_eq!(delivery.event, 42);
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Delivery<T> {
    /// The delivery id (`webhook-id`, `X-GitHub-Delivery`, `X-Shopify-Event-Id`, Stripe's
    /// event `id`, Slack's `event_id`), when the provider sends one.
    pub id: Option<String>,
    /// The event type, as the sender named it.
    pub event_type: String,
    /// When the event occurred: the envelope's `timestamp`, Stripe's `created`, or else the
    /// signed timestamp.
    pub timestamp: Option<Timestamp>,
    /// The verified body, exactly as received (Stripe's whole event object, for example).
    pub body: Bytes,
    /// The event.
    pub event: T,
}

impl<T> Delivery<T> {
    /// A delivery of `event`, with no id, time or body: for tests of handlers.
    ///
    /// ```
    /// # use hookwire::receiver::Delivery;
    /// let delivery = Delivery::new("ping", ());
    /// assert_eq!(delivery.event_type, "ping");
    /// ```
    pub fn new(event_type: impl Into<String>, event: T) -> Self {
        Delivery {
            id: None,
            event_type: event_type.into(),
            timestamp: None,
            body: Bytes::new(),
            event,
        }
    }

    /// The same delivery with an id.
    ///
    /// ```
    /// # use hookwire::receiver::Delivery;
    /// assert_eq!(Delivery::new("ping", ()).with_id("d-1").id.as_deref(), Some("d-1"));
    /// ```
    pub fn with_id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }
}
