//! The shop's durable delivery: an order and its `order.created` event are committed in one
//! SQLite transaction (an embedded file, nothing to install), and an outbox worker delivers
//! the event to the merchant's endpoint. Each merchant is an application of the outbox: its
//! endpoint receives its own orders and never another merchant's. A rolled-back order
//! publishes nothing.

use std::error::Error;
use std::sync::Arc;
use std::time::Duration;

use hookwire::outbox::Worker;
use hookwire::outbox::{
    AppId, ApplicationStore, NewApplication, NewEndpoint, OutboxStats, OutboxStore, StoreError,
    TypeFilter,
};
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
    /// Each merchant's uid and the orders its receiver handled.
    pub merchants: Vec<(String, Vec<String>)>,
}

/// A merchant of the shop: an application of the outbox with one endpoint, its receiver.
#[derive(Debug, Clone, Copy)]
pub struct Merchant<'a> {
    /// The merchant's id in the shop (the application's uid).
    pub uid: &'a str,
    /// Its name.
    pub name: &'a str,
    /// Its receiver's URL.
    pub endpoint_url: &'a str,
    /// The secret the shop issued it.
    pub secret: &'a str,
    /// What its receiver handled.
    pub received: &'a Received,
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
    merchant: AppId,
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
        .publish_to(&mut tx, &merchant, &ShopEvent::OrderCreated(order))
        .await?;
    if commit {
        tx.commit().await.map_err(StoreError::database)?;
    } else {
        tx.rollback().await.map_err(StoreError::database)?;
    }
    Ok(event_id)
}

/// The `order.created` events a receiver handled: their order ids and `webhook-id`s.
fn orders(received: &Received) -> Vec<(String, Option<String>)> {
    received
        .events()
        .into_iter()
        .filter_map(|r| match r.event {
            ShopEvent::OrderCreated(order) => Some((order.order_id, r.id)),
            _ => None,
        })
        .collect()
}

/// Runs the outbox part for `merchants` (the first places orders 11111, rolled back, and
/// 24680; each other one order of its own).
///
/// # Errors
/// The database cannot be created or written, or the worker cannot be built.
pub async fn run(
    merchants: &[Merchant<'_>],
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
    // Each merchant is an application with its endpoint, subscribed to order events;
    // 127.0.0.1 is allowed for the demo only.
    let mut apps = Vec::with_capacity(merchants.len());
    for merchant in merchants {
        let app = NewApplication::new(merchant.name).uid(merchant.uid);
        let app = outbox.add_application(&app).await?.id;
        let endpoint = NewEndpoint::new(merchant.endpoint_url, merchant.secret)
            .app(app)
            .types(["order.*".parse::<TypeFilter>()?])
            .allow_private(true);
        outbox.add_endpoint(&endpoint).await?;
        apps.push(app);
    }
    let first = *apps.first().ok_or("the demo needs a merchant")?;

    let now = outbox.now();
    place_order(&outbox, first, order("11111", now)?, false).await?;
    say("shop: order 11111 rolled back: its order.created was never published".to_owned());
    let event_id = place_order(&outbox, first, order("24680", now)?, true).await?;
    say(format!(
        "shop: order 24680 for {} and its order.created ({event_id}) committed in one SQLite transaction ({})",
        merchants[0].uid,
        path.display()
    ));
    for (n, (merchant, app)) in (1..).zip(merchants.iter().zip(&apps).skip(1)) {
        let order_id = format!("1357{n}");
        let id = place_order(&outbox, *app, order(&order_id, now)?, true).await?;
        say(format!(
            "shop: order {order_id} for {} committed ({id})",
            merchant.uid
        ));
    }

    // A worker delivers it; the demo stops the worker once the customer has handled it.
    let worker = Worker::builder(Arc::clone(&outbox))
        .concurrency(4)
        .timeout(Duration::from_secs(10))
        .build()?;
    let report = worker
        .run_until(async {
            for _ in 0..1000 {
                if merchants.iter().all(|m| !orders(m.received).is_empty()) {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
        .await;
    let delivery_id = orders(merchants[0].received)
        .into_iter()
        .next()
        .and_then(|(_, id)| id);
    let merchants: Vec<(String, Vec<String>)> = merchants
        .iter()
        .map(|m| {
            let handled = orders(m.received).into_iter().map(|(order, _)| order);
            (m.uid.to_owned(), handled.collect())
        })
        .collect();
    for (uid, handled) in &merchants {
        say(format!(
            "{uid}'s receiver: order.created for {}",
            handled.join(", ")
        ));
    }
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
        merchants,
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
