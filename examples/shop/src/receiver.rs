//! A customer's receiver for the shop's webhooks: what a merchant integrating with the shop
//! runs to get `order.shipped` and the other events into typed handlers.
//!
//! Every delivery is verified with the endpoint's Standard Webhooks secret, copies of a
//! delivery are skipped by `webhook-id`, and each event reaches a typed handler that records
//! it in [`Received`] and logs a line to stderr. `order.shipped` has its own handler; the other
//! shop events share one that matches on [`ShopEvent`]; types the shop adds later are logged
//! and acknowledged.
//!
//! ```
//! use hookwire_example_shop::receiver::{self, Received};
//!
//! let received = Received::default();
//! let app: axum::Router = axum::Router::new().nest(
//!     "/webhooks/shop",
//!     receiver::router("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", received.clone())?,
//! );
//! assert!(received.is_empty());
//! # Ok::<(), hookwire::signature::SecretError>(())
//! ```

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

use hookwire::receiver::{Delivery, Receiver, WebhookConfig};
use hookwire::serde_json::value::RawValue;
use hookwire::signature::{SecretError, StandardWebhooks};

use crate::{OrderShipped, ShopEvent};

/// One event the receiver handled.
#[derive(Debug, Clone, PartialEq)]
pub struct ReceivedEvent {
    /// The delivery id (`webhook-id`).
    pub id: Option<String>,
    /// The event.
    pub event: ShopEvent,
}

/// Reports each handled delivery: its id and event type (see [`Received::reporting`]).
type Report = dyn Fn(Option<&str>, &str) + Send + Sync;

/// What the receiver handled: shared between the handlers and whoever looks.
///
/// [`Received::default`] keeps the shop's events in memory, in order;
/// [`Received::reporting`] hands each handled delivery to a function instead and keeps
/// nothing (for a receiver that runs for long).
///
/// ```
/// let received = hookwire_example_shop::receiver::Received::default();
/// assert_eq!(received.len(), 0);
/// ```
#[derive(Clone, Default)]
pub struct Received(Arc<Shared>);

#[derive(Default)]
struct Shared {
    events: Mutex<Vec<ReceivedEvent>>,
    report: Option<Box<Report>>,
}

impl fmt::Debug for Received {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Received")
            .field("events", &*self.lock())
            .field("reporting", &self.0.report.is_some())
            .finish()
    }
}

impl Received {
    /// Calls `report` with the delivery id and the event type of each handled delivery,
    /// types this receiver does not know included, and keeps nothing.
    ///
    /// ```
    /// use hookwire_example_shop::receiver::Received;
    /// let received = Received::reporting(|id, event_type| {
    ///     eprintln!("{event_type} {}", id.unwrap_or("-"));
    /// });
    /// assert!(received.is_empty());
    /// ```
    pub fn reporting(report: impl Fn(Option<&str>, &str) + Send + Sync + 'static) -> Self {
        Received(Arc::new(Shared {
            events: Mutex::default(),
            report: Some(Box::new(report)),
        }))
    }

    fn lock(&self) -> MutexGuard<'_, Vec<ReceivedEvent>> {
        self.0
            .events
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Records a handled delivery: reports it, or keeps it if it is one of the shop's events.
    fn record(&self, id: Option<String>, event_type: &str, event: Option<ShopEvent>) {
        match (&self.0.report, event) {
            (Some(report), _) => report(id.as_deref(), event_type),
            (None, Some(event)) => self.lock().push(ReceivedEvent { id, event }),
            (None, None) => {}
        }
    }

    /// The events handled so far (none when [`reporting`](Self::reporting)).
    ///
    /// ```
    /// let received = hookwire_example_shop::receiver::Received::default();
    /// assert!(received.events().is_empty());
    /// ```
    pub fn events(&self) -> Vec<ReceivedEvent> {
        self.lock().clone()
    }

    /// How many events are kept.
    ///
    /// ```
    /// assert_eq!(hookwire_example_shop::receiver::Received::default().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether no event is kept.
    ///
    /// ```
    /// assert!(hookwire_example_shop::receiver::Received::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }
}

/// The receiver for the shop's events, verifying with `secret` (the endpoint's `whsec_...`
/// signing secret), as a router answering `POST /`: nest it where the shop delivers.
///
/// # Errors
/// [`SecretError`] when `secret` is not a Standard Webhooks secret.
///
/// ```
/// let app = hookwire_example_shop::receiver::router(
///     "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
///     Default::default(),
/// )?;
/// # Ok::<(), hookwire::signature::SecretError>(())
/// ```
pub fn router(secret: &str, received: Received) -> Result<axum::Router, SecretError> {
    let config = WebhookConfig::new(StandardWebhooks::new(secret)?);
    Ok(receiver(config, received).into_router())
}

/// The same receiver for any configuration (another scheme, a shared duplicate store, a test
/// clock), to mount with [`Receiver::into_method_router`] or [`Receiver::into_router`].
///
/// ```
/// use hookwire::receiver::WebhookConfig;
/// use hookwire::signature::StandardWebhooks;
///
/// let scheme = StandardWebhooks::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?;
/// let receiver = hookwire_example_shop::receiver::receiver(WebhookConfig::new(scheme), Default::default());
/// let app: axum::Router = axum::Router::new().route("/hooks", receiver.into_method_router());
/// # Ok::<(), hookwire::signature::SecretError>(())
/// ```
pub fn receiver(config: WebhookConfig, received: Received) -> Receiver {
    let shipped = received.clone();
    let unknown = received.clone();
    Receiver::new(config)
        .on(move |delivery: Delivery<OrderShipped>| {
            let received = shipped.clone();
            async move { order_shipped(&received, delivery) }
        })
        .events(move |delivery: Delivery<ShopEvent>| {
            let received = received.clone();
            async move { shop_event(&received, delivery) }
        })
        .unknown(move |delivery: Delivery<Box<RawValue>>| {
            let received = unknown.clone();
            async move {
                eprintln!(
                    "[receiver] {}: not known to this receiver, acknowledged",
                    delivery.event_type
                );
                received.record(delivery.id, &delivery.event_type, None);
            }
        })
}

fn order_shipped(received: &Received, delivery: Delivery<OrderShipped>) {
    let shipped = &delivery.event;
    let tracking = shipped
        .tracking
        .as_ref()
        .map(|t| format!(", {} {}", t.carrier, t.number))
        .unwrap_or_default();
    eprintln!(
        "[receiver] order {} shipped: {} item(s), total {}{tracking} ({})",
        shipped.order_id,
        shipped.items.len(),
        shipped.total,
        delivery.id.as_deref().unwrap_or("no id"),
    );
    received.record(
        delivery.id,
        &delivery.event_type,
        Some(ShopEvent::OrderShipped(delivery.event)),
    );
}

fn shop_event(received: &Received, delivery: Delivery<ShopEvent>) {
    let line = match &delivery.event {
        ShopEvent::OrderCreated(created) => {
            format!("order {} created for {}", created.order_id, created.total)
        }
        // Routed to `order_shipped`; kept so the match stays exhaustive.
        ShopEvent::OrderShipped(shipped) => format!("order {} shipped", shipped.order_id),
        ShopEvent::OrderCancelled(cancelled) => format!("order {} cancelled", cancelled.order_id),
        ShopEvent::PaymentSucceeded(paid) => {
            format!(
                "payment {} for order {} succeeded",
                paid.payment_id, paid.order_id
            )
        }
        ShopEvent::PaymentFailed(failed) => format!(
            "payment {} for order {} failed: {}",
            failed.payment_id, failed.order_id, failed.failure_code
        ),
    };
    eprintln!("[receiver] {line}");
    received.record(delivery.id, &delivery.event_type, Some(delivery.event));
}

#[cfg(test)]
mod tests {
    use super::*;
    use hookwire::signature::Scheme;
    use hookwire::{Events, Timestamp};
    use std::io::{Read, Write};

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    /// Posts `body` with `headers` to `address` over HTTP/1.1 and returns the status code.
    async fn post(address: std::net::SocketAddr, headers: &[(&str, String)], body: &[u8]) -> u16 {
        let mut request = format!(
            "POST / HTTP/1.1\r\nhost: {address}\r\ncontent-type: application/json\r\n\
             content-length: {}\r\nconnection: close\r\n",
            body.len()
        );
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("\r\n");
        let mut request = request.into_bytes();
        request.extend_from_slice(body);
        let response = tokio::task::spawn_blocking(move || {
            let mut stream = std::net::TcpStream::connect(address).unwrap();
            stream.write_all(&request).unwrap();
            let mut response = Vec::new();
            stream.read_to_end(&mut response).unwrap();
            response
        })
        .await
        .unwrap();
        String::from_utf8_lossy(&response[9..12]).parse().unwrap()
    }

    #[tokio::test]
    async fn receives_the_shops_own_deliveries_once() {
        let received = Received::default();
        let app = router(SECRET, received.clone()).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let server = tokio::spawn(async move { axum::serve(listener, app).await });

        let event = ShopEvent::OrderShipped(OrderShipped::example());
        let body = event.to_envelope(Timestamp::now()).unwrap();
        let scheme = StandardWebhooks::new(SECRET).unwrap();
        let signed = scheme.sign("msg_1", Timestamp::now(), &body).unwrap();
        let headers: Vec<(&str, String)> = signed.into_iter().collect();

        assert_eq!(post(address, &headers, &body).await, 200);
        assert_eq!(
            post(address, &headers, &body).await,
            200,
            "a copy is acknowledged"
        );
        let mut forged = body.clone();
        forged[0] = b' ';
        assert_eq!(post(address, &headers, &forged).await, 401);

        assert_eq!(
            received.events(),
            [ReceivedEvent {
                id: Some("msg_1".into()),
                event
            }]
        );
        server.abort();
    }

    #[tokio::test]
    async fn reporting_sees_every_handled_delivery_and_keeps_none() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        let received = Received::reporting(move |id, event_type| {
            log.lock()
                .unwrap()
                .push((id.map(str::to_owned), event_type.to_owned()));
        });
        let app = router(SECRET, received.clone()).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let server = tokio::spawn(async move { axum::serve(listener, app).await });
        let scheme = StandardWebhooks::new(SECRET).unwrap();

        let shipped = ShopEvent::OrderShipped(OrderShipped::example())
            .to_envelope(Timestamp::now())
            .unwrap();
        let unknown = br#"{"type":"refund.created","timestamp":"2024-05-01T12:00:00Z","data":{}}"#;
        for (id, body) in [
            ("msg_1", &shipped[..]),
            ("msg_2", unknown),
            ("msg_1", &shipped[..]),
        ] {
            let signed = scheme.sign(id, Timestamp::now(), body).unwrap();
            let headers: Vec<(&str, String)> = signed.into_iter().collect();
            assert_eq!(post(address, &headers, body).await, 200, "{id}");
        }

        assert_eq!(
            *seen.lock().unwrap(),
            [
                (Some("msg_1".to_owned()), "order.shipped".to_owned()),
                (Some("msg_2".to_owned()), "refund.created".to_owned()),
            ]
        );
        assert!(received.is_empty(), "a reporting receiver keeps nothing");
        server.abort();
    }
}
