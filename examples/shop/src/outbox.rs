//! The shop's durable delivery: an order and its `order.created` event are committed in one
//! SQLite transaction (an embedded file, nothing to install), and an outbox worker delivers
//! the event to the customer's endpoint. A rolled-back order publishes nothing.

use std::error::Error;
use std::sync::Arc;
use std::time::Duration;

use hookwire::outbox::Worker;
use hookwire::outbox::{NewEndpoint, OutboxStats, OutboxStore, StoreError, TypeFilter};
use hookwire::sqlite::SqliteOutbox;
use hookwire::{Timestamp, outbox::DeliveryState};

use crate::receiver::Received;
use crate::{Customer, LineItem, Money, OrderCreated, OrderStatus, ShopEvent};

/// What the outbox part of the demo saw.
#[derive(Debug)]
#[non_exhaustive]
pub struct OutboxRun {
    /// The id of the committed `order.created` event.
    pub event_id: String,
    /// The `webhook-id` its delivery arrived with.
    pub delivery_id: Option<String>,
    /// The outbox's counts after the worker stopped.
    pub stats: OutboxStats,
}

/// A new order, as the shop would build it from a checkout.
fn order(order_id: &str, now: i64) -> Result<OrderCreated, crate::InvalidMoney> {
    Ok(OrderCreated {
        order_id: order_id.into(),
        status: OrderStatus::Pending,
        total: Money::new("39.98")?,
        currency: "EUR".into(),
        customer: Customer {
            customer_id: "c_1001".into(),
            email: "ada@example.com".into(),
        },
        items: vec![LineItem {
            product_id: "12345".into(),
            quantity: 2,
            price: Money::new("19.99")?,
        }],
        created_at: Timestamp::from_unix(now),
    })
}

/// Stores `order` in the shop's own table and publishes its event, in one transaction that
/// commits or rolls back as a whole.
async fn place_order(
    outbox: &SqliteOutbox,
    order: OrderCreated,
    commit: bool,
) -> Result<String, StoreError> {
    let mut tx = outbox.begin().await?;
    sqlx::query("INSERT INTO shop_order (order_id, total) VALUES (?, ?)")
        .bind(&order.order_id)
        .bind(order.total.as_str())
        .execute(&mut *tx)
        .await
        .map_err(StoreError::database)?;
    let event_id = outbox
        .publish(&mut tx, &ShopEvent::OrderCreated(order))
        .await?;
    if commit {
        tx.commit().await.map_err(StoreError::database)?;
    } else {
        tx.rollback().await.map_err(StoreError::database)?;
    }
    Ok(event_id)
}

/// Runs the outbox part: `endpoint_url` is the customer's receiver, which knows `secret` and
/// records what it handles in `received`.
///
/// # Errors
/// The database cannot be created or written, or the worker cannot be built.
pub async fn run(
    endpoint_url: &str,
    secret: &str,
    received: &Received,
    say: &mut impl FnMut(String),
) -> Result<OutboxRun, Box<dyn Error>> {
    let path = std::env::temp_dir().join(format!("hookwire-shop-{}.db", std::process::id()));
    remove_database(&path);
    let outbox = Arc::new(SqliteOutbox::open(&format!("sqlite://{}", path.display())).await?);
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS shop_order (order_id TEXT PRIMARY KEY, total TEXT NOT NULL)",
    )
    .execute(outbox.pool())
    .await?;
    // The customer subscribes to order events; 127.0.0.1 is allowed for the demo only.
    let endpoint = NewEndpoint::new(endpoint_url, secret)
        .types(["order.*".parse::<TypeFilter>()?])
        .allow_private(true);
    outbox.add_endpoint(&endpoint).await?;

    let now = outbox.now();
    place_order(&outbox, order("11111", now)?, false).await?;
    say("shop: order 11111 rolled back: its order.created was never published".to_owned());
    let event_id = place_order(&outbox, order("24680", now)?, true).await?;
    say(format!(
        "shop: order 24680 and its order.created ({event_id}) committed in one SQLite transaction ({})",
        path.display()
    ));

    // A worker delivers it; the demo stops the worker once the customer has handled it.
    let worker = Worker::builder(Arc::clone(&outbox))
        .concurrency(4)
        .timeout(Duration::from_secs(10))
        .build()?;
    let handled = |received: &Received| {
        received
            .events()
            .into_iter()
            .find(|r| matches!(r.event, ShopEvent::OrderCreated(_)))
            .and_then(|r| r.id)
    };
    let report = worker
        .run_until(async {
            for _ in 0..1000 {
                if handled(received).is_some() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
        .await;
    let delivery_id = handled(received);
    let stats = outbox.stats().await?;
    let deliveries = outbox
        .deliveries(&hookwire::outbox::DeliveryQuery::new(10).state(DeliveryState::Delivered))
        .await?;
    say(format!(
        "worker: {} attempt(s); order.created delivered as {} ({} delivered, {} pending in the outbox)",
        report.attempts,
        deliveries
            .first()
            .map_or("-", |delivery| delivery.webhook_id.as_str()),
        stats.states.delivered,
        stats.states.pending
    ));
    outbox.pool().close().await;
    remove_database(&path);
    Ok(OutboxRun {
        event_id,
        delivery_id,
        stats,
    })
}

/// Removes the demo's database file and its WAL companions.
fn remove_database(path: &std::path::Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut file = path.as_os_str().to_owned();
        file.push(suffix);
        let _ = std::fs::remove_file(file);
    }
}
