//! The README's first command, as a test: the shop demo's whole flow on 127.0.0.1.

use hookwire::sender::Outcome;
use hookwire_example_shop::{OrderShipped, Product, ShopEvent};

#[tokio::test]
async fn the_shop_demo_runs_end_to_end() {
    let mut lines = Vec::new();
    let run = hookwire_example_shop::demo::run(|line| lines.push(line))
        .await
        .unwrap();

    assert_eq!(run.product.data, Product::example());
    assert_eq!(run.documented, (3, 5));
    assert!(
        matches!(run.outcome, Outcome::Delivered),
        "{:?}",
        run.outcome
    );
    assert!(
        matches!(run.forged_outcome, Outcome::Exhausted),
        "{:?}",
        run.forged_outcome
    );
    assert_eq!(run.forged_status.map(|s| s.as_u16()), Some(401));
    assert_eq!(
        run.received.len(),
        2,
        "order.shipped and the outbox's order.created; the forged and the rolled-back ones never"
    );
    let received = &run.received[0];
    assert_eq!(received.id.as_deref(), Some(run.delivery_id.as_str()));
    assert_eq!(
        received.event,
        ShopEvent::OrderShipped(OrderShipped::example())
    );
    // The outbox: the committed order's event, delivered by a worker under its webhook-id.
    let ShopEvent::OrderCreated(created) = &run.received[1].event else {
        panic!("expected order.created, got {:?}", run.received[1].event);
    };
    assert_eq!(
        created.order_id, "24680",
        "the rolled-back order 11111 sent nothing"
    );
    assert_eq!(run.received[1].id, run.outbox.delivery_id);
    assert!(run.outbox.event_id.starts_with("evt_"));
    assert_eq!(run.outbox.stats.states.delivered, 2);
    // Two merchants, each an application with its own endpoint: each got only its own order.
    assert_eq!(
        run.outbox.merchants,
        [
            ("merchant-ada".to_owned(), vec!["24680".to_owned()]),
            ("merchant-bolt".to_owned(), vec!["13571".to_owned()]),
        ]
    );
    assert_eq!(run.outbox.stats.states.pending, 0);
    assert!(
        lines
            .iter()
            .any(|line| line.contains("GET /products/12345"))
    );
    assert!(
        lines
            .iter()
            .any(|line| line == "sender: order.shipped delivered")
    );
}
