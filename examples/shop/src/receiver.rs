//! A customer's receiver for the shop's webhooks: what a merchant integrating with the shop
//! runs to get `order.shipped` and the other events into typed handlers.
//!
//! Every delivery is verified with the endpoint's Standard Webhooks secret, copies of a
//! delivery are skipped by `webhook-id`, and each event reaches a typed handler that records
//! it in an [`Inbox`] and prints a line. `order.shipped` has its own handler; the other shop
//! events share one that matches on [`ShopEvent`]; types the shop adds later are logged and
//! acknowledged.
//!
//! ```
//! use hookwire_example_shop::receiver::{self, Inbox};
//!
//! let inbox = Inbox::default();
//! let app: axum::Router = axum::Router::new().nest(
//!     "/webhooks/shop",
//!     receiver::router("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", inbox.clone())?,
//! );
//! assert!(inbox.is_empty());
//! # Ok::<(), hookwire::signature::SecretError>(())
//! ```

use std::sync::{Arc, Mutex, MutexGuard};

use hookwire::receiver::{Delivery, Receiver, WebhookConfig};
use hookwire::serde_json::value::RawValue;
use hookwire::signature::{SecretError, StandardWebhooks};

use crate::{OrderShipped, ShopEvent};

/// One event the receiver handled.
#[derive(Debug, Clone, PartialEq)]
pub struct Received {
    /// The delivery id (`webhook-id`).
    pub id: Option<String>,
    /// The event.
    pub event: ShopEvent,
}

/// What the receiver handled, in order: shared between the handlers and whoever looks.
///
/// ```
/// let inbox = hookwire_example_shop::receiver::Inbox::default();
/// assert_eq!(inbox.len(), 0);
/// ```
#[derive(Debug, Clone, Default)]
pub struct Inbox(Arc<Mutex<Vec<Received>>>);

impl Inbox {
    fn lock(&self) -> MutexGuard<'_, Vec<Received>> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn push(&self, id: Option<String>, event: ShopEvent) {
        self.lock().push(Received { id, event });
    }

    /// The events handled so far.
    ///
    /// ```
    /// let inbox = hookwire_example_shop::receiver::Inbox::default();
    /// assert!(inbox.received().is_empty());
    /// ```
    pub fn received(&self) -> Vec<Received> {
        self.lock().clone()
    }

    /// How many events were handled.
    ///
    /// ```
    /// assert_eq!(hookwire_example_shop::receiver::Inbox::default().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether no event was handled yet.
    ///
    /// ```
    /// assert!(hookwire_example_shop::receiver::Inbox::default().is_empty());
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
pub fn router(secret: &str, inbox: Inbox) -> Result<axum::Router, SecretError> {
    let config = WebhookConfig::new(StandardWebhooks::new(secret)?);
    Ok(receiver(config, inbox).into_router())
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
pub fn receiver(config: WebhookConfig, inbox: Inbox) -> Receiver {
    let shipped_inbox = inbox.clone();
    Receiver::new(config)
        .on(move |delivery: Delivery<OrderShipped>| {
            let inbox = shipped_inbox.clone();
            async move { order_shipped(&inbox, delivery) }
        })
        .events(move |delivery: Delivery<ShopEvent>| {
            let inbox = inbox.clone();
            async move { shop_event(&inbox, delivery) }
        })
        .unknown(|delivery: Delivery<Box<RawValue>>| async move {
            println!(
                "[receiver] {}: not known to this receiver, acknowledged",
                delivery.event_type
            );
        })
}

fn order_shipped(inbox: &Inbox, delivery: Delivery<OrderShipped>) {
    let shipped = &delivery.event;
    let tracking = shipped
        .tracking
        .as_ref()
        .map(|t| format!(", {} {}", t.carrier, t.number))
        .unwrap_or_default();
    println!(
        "[receiver] order {} shipped: {} item(s), total {}{tracking} ({})",
        shipped.order_id,
        shipped.items.len(),
        shipped.total,
        delivery.id.as_deref().unwrap_or("no id"),
    );
    inbox.push(delivery.id, ShopEvent::OrderShipped(delivery.event));
}

fn shop_event(inbox: &Inbox, delivery: Delivery<ShopEvent>) {
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
    println!("[receiver] {line}");
    inbox.push(delivery.id, delivery.event);
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
        let inbox = Inbox::default();
        let app = router(SECRET, inbox.clone()).unwrap();
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
            inbox.received(),
            [Received {
                id: Some("msg_1".into()),
                event
            }]
        );
        server.abort();
    }
}
