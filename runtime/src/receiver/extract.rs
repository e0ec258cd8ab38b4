//! The axum extractors: [`VerifiedWebhook`] (verified bytes, parse later) and [`Webhook`]
//! (verified, duplicate-checked and parsed into a catalog).

use axum::body::Body;
use axum::extract::{FromRef, FromRequest, Request};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use bytes::Bytes;

use crate::Events;
use crate::dedup::DedupError;
use crate::receiver::Delivery;
use crate::receiver::claim::{self, Held};
use crate::receiver::config::WebhookConfig;
use crate::receiver::error::ReceiveError;
use crate::receiver::head::Head;
use crate::receiver::parse::{CatalogSeed, Payload};
use crate::receiver::pipeline;

/// A request whose body passed verification, not yet parsed: take the bytes to a queue and
/// parse them later with [`parse`](Self::parse) or [`PayloadFormat::parse`].
///
/// The extractor reads the [`WebhookConfig`] from the router state (directly or through
/// `FromRef`), checks the content type, reads the body under the limit and verifies it. It
/// does not check duplicates: whoever consumes the queue does, with the id. A failure is a
/// [`ReceiveError`] response.
///
/// [`PayloadFormat::parse`]: crate::receiver::PayloadFormat::parse
///
/// ```
/// use axum::{Router, routing::post};
/// use hookwire::receiver::{VerifiedWebhook, WebhookConfig};
/// use hookwire::signature::StandardWebhooks;
///
/// async fn enqueue(webhook: VerifiedWebhook) {
///     // Hand `webhook.id` and `webhook.body` (cheap to clone) to a queue.
///     println!("{:?}: {} bytes", webhook.id, webhook.body.len());
/// }
///
/// let config = WebhookConfig::new(StandardWebhooks::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?);
/// let app: Router = Router::new().route("/webhooks", post(enqueue)).with_state(config);
/// # Ok::<(), hookwire::signature::SecretError>(())
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct VerifiedWebhook {
    /// The delivery id from the scheme's headers (`webhook-id`, `X-GitHub-Delivery`, ...);
    /// `None` for Stripe, whose id is in the body ([`parse`](Self::parse) reads it).
    pub id: Option<String>,
    /// The signed timestamp, when the scheme has one.
    pub timestamp: Option<crate::Timestamp>,
    /// The request headers.
    pub headers: HeaderMap,
    /// The body, exactly as received and verified.
    pub body: Bytes,
    config: WebhookConfig,
}

impl VerifiedWebhook {
    /// Parses the verified body into catalog `E` with the configured format.
    ///
    /// # Errors
    /// [`ReceiveError::MissingEventType`] or [`ReceiveError::MalformedPayload`].
    ///
    /// ```
    /// # use hookwire::receiver::{Payload, VerifiedWebhook};
    /// # use hookwire::Events;
    /// async fn handle<E: Events + std::fmt::Debug>(webhook: VerifiedWebhook) {
    ///     match webhook.parse::<E>() {
    ///         Ok(delivery) => println!("{}: {:?}", delivery.event_type, delivery.event),
    ///         Err(error) => eprintln!("{error}"),
    ///     }
    /// }
    /// ```
    pub fn parse<E: Events>(&self) -> Result<Delivery<Payload<E>>, ReceiveError> {
        let format = self.config.payload_format();
        // `Bytes` clones share the buffer: the body is not copied.
        Head::parse_verified(
            format,
            &self.headers,
            self.id.clone(),
            self.timestamp,
            self.body.clone(),
        )
    }
}

impl<S> FromRequest<S> for VerifiedWebhook
where
    S: Send + Sync,
    WebhookConfig: FromRef<S>,
{
    type Rejection = ReceiveError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ReceiveError> {
        let config = WebhookConfig::from_ref(state);
        let (parts, body) = request.into_parts();
        let inner = config.inner();
        let verified = async {
            let body = pipeline::read_body(inner, &parts.headers, body).await?;
            let verified = pipeline::verify(inner, &parts.headers, &body)?;
            Ok((verified.timestamp(), verified.into_id(), body))
        };
        let (timestamp, id, body) = verified.await.inspect_err(pipeline::log_rejection)?;
        Ok(VerifiedWebhook {
            id,
            timestamp,
            headers: parts.headers,
            body,
            config,
        })
    }
}

/// A verified, duplicate-checked delivery parsed into catalog `E`.
///
/// The extractor does what [`VerifiedWebhook`] does, then claims the delivery id in the
/// configured duplicate store (a delivery handled already is answered `200` before your
/// handler runs; one being handled right now `409`), then parses. **Call
/// [`complete`](Self::complete) once you handled it**: a `Webhook` dropped without it releases
/// the claim, so the sender's retry runs your handler again. [`Receiver`] does this for you.
///
/// [`Receiver`]: crate::receiver::Receiver
///
/// ```
/// use axum::{Router, http::StatusCode, routing::post};
/// use hookwire::receiver::{Payload, Webhook, WebhookConfig};
/// use hookwire::signature::StandardWebhooks;
/// use hookwire::{Event, Events, JsonSchema, schemars};
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Debug, Serialize, Deserialize, JsonSchema, Event)]
/// #[hookwire(event = "order.shipped")]
/// struct OrderShipped {
///     order_id: String,
/// }
/// #[derive(Debug, Events)]
/// enum ShopEvent {
///     OrderShipped(OrderShipped),
/// }
///
/// async fn receive(webhook: Webhook<ShopEvent>) -> StatusCode {
///     match &webhook.delivery.event {
///         Payload::Known(ShopEvent::OrderShipped(shipped)) => println!("{}", shipped.order_id),
///         Payload::Unknown(_) => println!("ignoring {}", webhook.delivery.event_type),
///     }
///     match webhook.complete().await {
///         Ok(()) => StatusCode::OK,
///         Err(_) => StatusCode::SERVICE_UNAVAILABLE,
///     }
/// }
///
/// let config = WebhookConfig::new(StandardWebhooks::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?);
/// let app: Router = Router::new().route("/webhooks", post(receive)).with_state(config);
/// # Ok::<(), hookwire::signature::SecretError>(())
/// ```
pub struct Webhook<E> {
    /// The delivery, parsed.
    pub delivery: Delivery<Payload<E>>,
    claim: Option<Held>,
    config: WebhookConfig,
}

impl<E> Webhook<E> {
    /// Marks the delivery handled, so copies of it get `200` without reaching a handler.
    ///
    /// # Errors
    /// The duplicate store could not be reached; the delivery may then run again.
    ///
    /// ```
    /// # use hookwire::receiver::Webhook;
    /// async fn done<E>(webhook: Webhook<E>) {
    ///     if let Err(error) = webhook.complete().await {
    ///         eprintln!("{error}");
    ///     }
    /// }
    /// ```
    pub async fn complete(mut self) -> Result<(), DedupError> {
        match self.claim.take() {
            Some(claim) => claim.complete(self.config.inner()).await,
            None => Ok(()),
        }
    }

    /// Releases the claim now, so a retry runs a handler again (dropping the `Webhook` does
    /// the same in the background).
    ///
    /// ```
    /// # use hookwire::receiver::Webhook;
    /// async fn failed<E>(webhook: Webhook<E>) {
    ///     webhook.abandon().await;
    /// }
    /// ```
    pub async fn abandon(mut self) {
        if let Some(claim) = self.claim.take() {
            claim.abandon().await;
        }
    }
}

impl<E: std::fmt::Debug> std::fmt::Debug for Webhook<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Webhook")
            .field("delivery", &self.delivery)
            .field("claimed", &self.claim.is_some())
            .finish()
    }
}

impl<S, E> FromRequest<S> for Webhook<E>
where
    S: Send + Sync,
    E: Events + Send,
    WebhookConfig: FromRef<S>,
{
    type Rejection = ReceiveError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ReceiveError> {
        let config = WebhookConfig::from_ref(state);
        let (parts, body) = request.into_parts();
        extract(config, parts, body)
            .await
            .inspect_err(pipeline::log_rejection)
    }
}

async fn extract<E: Events>(
    config: WebhookConfig,
    parts: Parts,
    body: Body,
) -> Result<Webhook<E>, ReceiveError> {
    let inner = config.inner();
    let body = pipeline::read_body(inner, &parts.headers, body).await?;
    let verified = pipeline::verify(inner, &parts.headers, &body)?;
    let located = inner.format.locate(&parts.headers, verified.body())?;
    let head = Head::new(verified, located, body.clone());
    let namespace = || claim::namespace(inner, &parts);
    let claim = claim::claim(inner, namespace, head.id.as_deref()).await?;
    let delivery = match head.parse::<CatalogSeed<E>>(inner.format.shape()) {
        Ok(delivery) => delivery,
        Err(error) => {
            if let Some(claim) = claim {
                claim.abandon().await;
            }
            return Err(error);
        }
    };
    Ok(Webhook {
        delivery,
        claim,
        config,
    })
}
