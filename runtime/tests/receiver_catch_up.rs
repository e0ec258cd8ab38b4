//! Catching up by polling through the receiver: events delivered by webhook and read again
//! from the events feed run their handler once (the outbox's `webhook-id` is the feed's event
//! id, and both go through the same duplicate check), and a catch-up after downtime runs
//! exactly the missed events. With an inbox, the catch-up stores the events for the workers.

mod receiver_support;

use std::sync::{Arc, Mutex};

use axum::http::StatusCode;
use hookwire::client::ApiClient;
use hookwire::feed::{FeedClient, SqliteFeed};
use hookwire::inbox::MemoryInbox;
use hookwire::receiver::{CaughtUp, Delivery, Receiver};
use hookwire::store::sqlite::SqliteOutbox;
use hookwire::store::{ClaimRequest, NewEndpoint, OutboxStore, RawEvent};
use receiver_support::{Kind, NOW, Ping, Target, Transport};

struct Shop {
    outbox: SqliteOutbox,
    api: ApiClient,
}

/// An outbox with one endpoint, and its events feed served on 127.0.0.1.
async fn shop(test: &str) -> Shop {
    let path = std::env::temp_dir().join(format!(
        "hookwire-catch-up-{test}-{}.db",
        std::process::id()
    ));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let outbox = SqliteOutbox::open(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    outbox
        .add_endpoint(&NewEndpoint::new("http://127.0.0.1:9/", "whsec_c2VjcmV0"))
        .await
        .unwrap();
    let app: axum::Router = hookwire::feed::router(SqliteFeed::new(outbox.pool().clone()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    Shop {
        outbox,
        api: ApiClient::new(base).unwrap(),
    }
}

impl Shop {
    async fn publish(&self, n: u32) {
        let mut tx = self.outbox.begin().await.unwrap();
        let event = RawEvent::new("test.ping", serde_json::json!({ "n": n })).unwrap();
        self.outbox.publish_raw_in(&mut tx, &event).await.unwrap();
        tx.commit().await.unwrap();
    }

    /// Delivers what the outbox has due as its workers would: the stored envelope, signed,
    /// with the delivery's `webhook-id`.
    async fn deliver(&self, target: &Target) {
        for delivery in self.outbox.claim(ClaimRequest::new(100)).await.unwrap() {
            let body = delivery.payload.into_bytes();
            let headers = Kind::Standard.headers(&delivery.webhook_id, "test.ping", &body, NOW);
            let answer = target.send_raw(headers, body).await;
            assert_eq!(answer.status, StatusCode::OK, "{answer:?}");
        }
    }
}

type Ran = Arc<Mutex<Vec<u32>>>;

fn receiver(ran: &Ran) -> Receiver {
    let ran = Arc::clone(ran);
    Receiver::new(Kind::Standard.config().dedup_namespace("shop-events")).on(
        move |delivery: Delivery<Ping>| {
            let ran = Arc::clone(&ran);
            async move { ran.lock().unwrap().push(delivery.event.n) }
        },
    )
}

fn sorted(ran: &Ran) -> Vec<u32> {
    let mut ran = ran.lock().unwrap().clone();
    ran.sort_unstable();
    ran
}

#[tokio::test]
async fn webhooks_and_polling_run_each_event_once() {
    let shop = shop("direct").await;
    let ran: Ran = Arc::default();
    let receiver = receiver(&ran);
    let target = Target::new(receiver.clone().into_router(), Transport::Oneshot).await;

    for n in 0..5 {
        shop.publish(n).await;
    }
    shop.deliver(&target).await;
    assert_eq!(sorted(&ran), [0, 1, 2, 3, 4]);

    // Reading the feed from the start finds only events the webhooks handled.
    let mut feed = FeedClient::new(shop.api.clone()).page_size(2);
    let report = receiver.catch_up(&mut feed, "/webhook", ()).await.unwrap();
    assert_eq!(
        (report.handled, report.duplicates, report.ignored),
        (0, 5, 0),
        "{report:?}"
    );
    let cursor = feed.cursor().cloned().unwrap();

    // Down while five more are published (their webhooks fail meanwhile): catching up from
    // the stored cursor runs exactly those.
    for n in 5..10 {
        shop.publish(n).await;
    }
    let mut feed = FeedClient::from_cursor(shop.api.clone(), cursor).page_size(2);
    let report = receiver.catch_up(&mut feed, "/webhook", ()).await.unwrap();
    assert_eq!(report.handled, 5, "{report:?}");
    assert_eq!(report.duplicates, 0, "{report:?}");
    assert_eq!(sorted(&ran), (0..10).collect::<Vec<_>>());

    // The outbox's retries arrive once the receiver is back: answered, not run again.
    shop.deliver(&target).await;
    assert_eq!(sorted(&ran), (0..10).collect::<Vec<_>>());
    let report = receiver.catch_up(&mut feed, "/webhook", ()).await.unwrap();
    assert_eq!(report, CaughtUp::default(), "nothing new after the cursor");
}

#[tokio::test]
async fn with_an_inbox_the_catch_up_stores_events_for_the_workers() {
    let shop = shop("inbox").await;
    let ran: Ran = Arc::default();
    let receiver = receiver(&ran).inbox(MemoryInbox::new(), "shop");
    let target = Target::new(receiver.clone().into_router(), Transport::Oneshot).await;
    let worker = receiver.inbox_worker(());

    for n in 0..3 {
        shop.publish(n).await;
    }
    shop.deliver(&target).await;
    for n in 3..6 {
        shop.publish(n).await;
    }
    let mut feed = FeedClient::new(shop.api.clone());
    let report = receiver.catch_up(&mut feed, "/webhook", ()).await.unwrap();
    assert_eq!((report.handled, report.duplicates), (3, 3), "{report:?}");
    assert!(ran.lock().unwrap().is_empty(), "stored, not run yet");
    while worker.run_once().await.unwrap() > 0 {}
    shop.deliver(&target).await;
    while worker.run_once().await.unwrap() > 0 {}
    assert_eq!(sorted(&ran), [0, 1, 2, 3, 4, 5]);
}
