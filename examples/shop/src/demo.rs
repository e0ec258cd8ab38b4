//! The shop demo, end to end on 127.0.0.1: the shop serves its product API and
//! `/openapi.json`, a customer runs a receiver for the shop's webhooks, the typed client fetches
//! a product, and the sender delivers `order.shipped`, which the receiver verifies and handles.
//! Then the durable way: an order and its `order.created` are committed in one SQLite
//! transaction and an outbox worker delivers the event.
//!
//! `cargo run -p hookwire-example-shop` runs it and prints each step; `tests/tests/demo.rs`
//! runs the same function and checks what it returns.

use std::error::Error;
use std::net::SocketAddr;
use std::sync::Arc;

use hookwire::client::ApiClient;
use hookwire::receiver::WebhookConfig;
use hookwire::retry::RetryPolicy;
use hookwire::sender::{Outcome, Sender, SenderBuilder};
use hookwire::signature::{Scheme, StandardKey, StandardWebhooks};

use crate::api::{Catalogue, GetProduct};
use crate::outbox::Merchant;
use crate::receiver::{self, Received, ReceivedEvent};
use crate::{ApiResponse, OrderShipped, Product, ShopEvent};

/// What the demo saw, for a test to check.
#[derive(Debug)]
#[non_exhaustive]
pub struct DemoRun {
    /// The response of `GET /products/12345`.
    pub product: ApiResponse<Product>,
    /// The `paths` and `webhooks` the served `/openapi.json` lists.
    pub documented: (usize, usize),
    /// The id of the `order.shipped` delivery.
    pub delivery_id: String,
    /// How the signed delivery ended.
    pub outcome: Outcome,
    /// How the same delivery signed with the wrong secret ended.
    pub forged_outcome: Outcome,
    /// The status the receiver answered the forged delivery.
    pub forged_status: Option<axum::http::StatusCode>,
    /// What the customer's receiver handled.
    pub received: Vec<ReceivedEvent>,
    /// The outbox step: `order.created` committed with its order, delivered by a worker.
    pub outbox: crate::outbox::OutboxRun,
}

async fn serve(app: axum::Router) -> Result<SocketAddr, Box<dyn Error>> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(address)
}

/// Runs the demo, printing each step with `say`.
///
/// # Errors
/// A step that fails: a server that cannot bind, a call that fails.
pub async fn run(mut say: impl FnMut(String)) -> Result<DemoRun, Box<dyn Error>> {
    // 1. The shop: its product API and its OpenAPI document.
    let shop = serve(crate::api::router(Catalogue::demo())).await?;
    say(format!("shop API listening on http://{shop}"));

    // 2. A customer's endpoint for the shop's webhooks, with the secret the shop issued it.
    let secret = StandardKey::generate_hmac_secret()?;
    // The shop keeps the secret with the endpoint in its outbox (step 7).
    let secret_text = std::str::from_utf8(secret.expose_secret())?.to_owned();
    let scheme: Arc<dyn Scheme> = Arc::new(StandardWebhooks::new(secret)?);
    let handled = Received::default();
    let customer = receiver::receiver(WebhookConfig::from_arc(scheme.clone()), handled.clone());
    // A second merchant, with its own secret and receiver (for the outbox, step 7).
    let bolt_secret = StandardKey::generate_hmac_secret()?;
    let bolt_secret_text = std::str::from_utf8(bolt_secret.expose_secret())?.to_owned();
    let bolt_handled = Received::default();
    let bolt = receiver::receiver(
        WebhookConfig::new(StandardWebhooks::new(bolt_secret)?),
        bolt_handled.clone(),
    );
    let endpoint = serve(
        axum::Router::new()
            .nest("/webhooks/shop", customer.into_router())
            .nest("/webhooks/bolt", bolt.into_router()),
    )
    .await?;
    let endpoint_url = format!("http://{endpoint}/webhooks/shop");
    let bolt_url = format!("http://{endpoint}/webhooks/bolt");
    say(format!("customer receiver listening on {endpoint_url}"));

    // 3. The document, as served.
    let document: hookwire::serde_json::Value = hookwire::serde_json::from_slice(
        &reqwest::get(format!("http://{shop}/openapi.json"))
            .await?
            .bytes()
            .await?,
    )?;
    let count = |key: &str| document[key].as_object().map_or(0, |map| map.len());
    let documented = (count("paths"), count("webhooks"));
    say(format!(
        "GET /openapi.json: OpenAPI {} with {} paths and {} webhooks",
        document["openapi"].as_str().unwrap_or("?"),
        documented.0,
        documented.1
    ));

    // 4. The typed client.
    let client = ApiClient::new(format!("http://{shop}"))?;
    let product = client
        .call(&GetProduct {
            product_id: "12345".into(),
        })
        .await?;
    say(format!(
        "client: GET /products/12345 -> {}",
        hookwire::serde_json::to_string(&product)?
    ));

    // 5. The sender delivers order.shipped; the receiver verifies and handles it.
    let sender = SenderBuilder::from_arc(scheme).build()?;
    let event = ShopEvent::OrderShipped(OrderShipped::example());
    let report = sender.send(&endpoint_url, &event).await?;
    let delivery_id = report.message.id().to_owned();
    for (number, attempt) in (1..).zip(&report.attempts) {
        say(format!(
            "sender: {} attempt {} -> {} in {:?}",
            delivery_id,
            number,
            attempt
                .status
                .map_or_else(|| "no response".to_owned(), |status| status.to_string()),
            attempt.duration
        ));
    }
    say(format!("sender: order.shipped {}", report.outcome));

    // 6. A forged delivery: signed with another secret, refused with 401, never handled.
    // A sender retries a 401 (the receiver may be rotating its secret); this one tries once.
    let forger = Sender::builder(StandardWebhooks::new(StandardKey::generate_hmac_secret()?)?)
        .retry(RetryPolicy::never())
        .build()?;
    let forged = forger.send(&endpoint_url, &event).await?;
    let forged_status = forged.last_attempt().and_then(|attempt| attempt.status);
    say(format!(
        "forged delivery: {} ({})",
        forged.outcome,
        forged_status.map_or_else(|| "no response".to_owned(), |status| status.to_string())
    ));

    // 7. Durable: the order and its order.created in one SQLite transaction; a worker delivers
    // each merchant its own orders.
    let merchants = [
        Merchant {
            uid: "merchant-ada",
            name: "Ada's Boutique",
            endpoint_url: &endpoint_url,
            secret: &secret_text,
            received: &handled,
        },
        Merchant {
            uid: "merchant-bolt",
            name: "Bolt Bikes",
            endpoint_url: &bolt_url,
            secret: &bolt_secret_text,
            received: &bolt_handled,
        },
    ];
    let outbox = crate::outbox::run(&merchants, &mut say).await?;

    let received = handled.events();
    say(format!(
        "receiver handled {} event(s): {}",
        received.len(),
        received
            .iter()
            .map(|r| format!(
                "{} ({})",
                event_name(&r.event),
                r.id.as_deref().unwrap_or("-")
            ))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    Ok(DemoRun {
        product,
        documented,
        delivery_id,
        outcome: report.outcome,
        forged_outcome: forged.outcome,
        forged_status,
        received,
        outbox,
    })
}

fn event_name(event: &ShopEvent) -> &'static str {
    hookwire::Events::event_type(event)
}
