//! Catching up by polling through the receiver: events delivered by webhook and read again
//! from the events feed run their handler once (the outbox's `webhook-id` is the feed's event
//! id, and both go through the same duplicate check), and a catch-up after downtime runs
//! exactly the missed events. With an inbox, the catch-up stores the events for the workers.
//! Handlers get the stored envelope's exact bytes; a forged feed reaches no handler.

use crate::receiver_support;

use std::sync::{Arc, Mutex};

use axum::http::StatusCode;
use hookwire::clock::{Clock, SystemClock};
use hookwire::feed::{
    CatchUpError, Cursor, FeedClient, FeedConsumer, FeedConsumers, FeedEvent, FeedReadError,
    FeedToken, RawEnvelope, SignedPage,
};
use hookwire::inbox::MemoryInbox;
use hookwire::outbox::{ClaimRequest, NewEndpoint, OutboxStore, RawEvent};
use hookwire::receiver::{CaughtUp, Delivery, Receiver};
use hookwire::signature::StandardWebhooks;
use hookwire::sqlite::{SqliteOutbox, SqliteStore};
use receiver_support::{Kind, NOW, Ping, Target, Transport};

/// The consumer's secret: the receiver's own webhook secret (`Kind::Standard`).
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

struct Shop {
    outbox: SqliteOutbox,
    base: String,
    token: FeedToken,
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
    let token = FeedToken::generate().unwrap();
    let consumers = FeedConsumers::new()
        .with(
            FeedConsumer::new("receiver", &token, StandardWebhooks::new(SECRET).unwrap()).unwrap(),
        )
        .unwrap();
    let app: axum::Router = hookwire::feed::router(
        SqliteStore::from_pool(outbox.pool().clone())
            .await
            .unwrap()
            .feed(),
        consumers,
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    Shop {
        outbox,
        base,
        token,
    }
}

/// A feed client for `base`, as the consumer holding `token`.
fn client(base: &str, token: &FeedToken) -> FeedClient {
    FeedClient::new(base, token.clone(), StandardWebhooks::new(SECRET).unwrap()).unwrap()
}

impl Shop {
    fn feed(&self) -> FeedClient {
        client(&self.base, &self.token)
    }

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
    let mut feed = shop.feed().page_size(2);
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
    let mut feed = shop.feed().after(cursor).page_size(2);
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
    let mut feed = shop.feed();
    let report = receiver.catch_up(&mut feed, "/webhook", ()).await.unwrap();
    assert_eq!((report.handled, report.duplicates), (3, 3), "{report:?}");
    assert!(ran.lock().unwrap().is_empty(), "stored, not run yet");
    while worker.run_once().await.unwrap() > 0 {}
    shop.deliver(&target).await;
    while worker.run_once().await.unwrap() > 0 {}
    assert_eq!(sorted(&ran), [0, 1, 2, 3, 4, 5]);
}

type Bodies = Arc<Mutex<Vec<Vec<u8>>>>;

fn recording(bodies: &Bodies) -> Receiver {
    let bodies = Arc::clone(bodies);
    Receiver::new(Kind::Standard.config().dedup_namespace("shop-events")).on(
        move |delivery: Delivery<Ping>| {
            let bodies = Arc::clone(&bodies);
            async move { bodies.lock().unwrap().push(delivery.body.to_vec()) }
        },
    )
}

/// The stored envelope, written with spaces, a line break and an escaped character: bytes a
/// re-serialization would change. Handlers get them as stored, directly and through an inbox.
#[tokio::test]
async fn handlers_receive_exactly_the_stored_bytes() {
    let shop = shop("bytes").await;
    shop.publish(7).await;
    let stored: String = sqlx::query_scalar("SELECT payload FROM hw_event")
        .fetch_one(shop.outbox.pool())
        .await
        .unwrap();
    let odd = stored
        .replacen('{', "{ ", 1)
        .replace(",\"", " ,\n\t\"")
        .replace("\"test.ping\"", "\"test\\u002eping\"");
    assert!(
        serde_json::from_str::<serde_json::Value>(&odd).is_ok(),
        "{odd}"
    );
    sqlx::query("UPDATE hw_event SET payload = ?1")
        .bind(&odd)
        .execute(shop.outbox.pool())
        .await
        .unwrap();

    let bodies: Bodies = Arc::default();
    let direct = recording(&bodies);
    let report = direct
        .catch_up(&mut shop.feed(), "/webhook", ())
        .await
        .unwrap();
    assert_eq!(report.handled, 1, "{report:?}");

    let queued = recording(&bodies).inbox(MemoryInbox::new(), "shop");
    let report = queued
        .catch_up(&mut shop.feed(), "/webhook", ())
        .await
        .unwrap();
    assert_eq!(report.handled, 1, "{report:?}");
    while queued.inbox_worker(()).run_once().await.unwrap() > 0 {}

    let bodies = bodies.lock().unwrap().clone();
    assert_eq!(bodies.len(), 2);
    for body in bodies {
        assert_eq!(String::from_utf8(body).unwrap(), odd);
    }
}

/// A fake feed on 127.0.0.1 serving an item signed with the receiver's secret whose body was
/// then altered: no handler runs, nothing is queued, the catch-up reports the item.
#[tokio::test]
async fn a_forged_feed_reaches_no_handler() {
    let envelope = |n: u32| {
        RawEnvelope::from_json(format!(
            r#"{{"type":"test.ping","timestamp":"2026-01-01T00:00:00Z","data":{{"n":{n}}}}}"#
        ))
        .unwrap()
    };
    let event = FeedEvent {
        cursor: Cursor::parse("1").unwrap(),
        id: "evt_forged".into(),
        event_type: "test.ping".into(),
        created_at: 1_700_000_000,
        envelope: envelope(1),
    };
    let mut item = event
        .sign(&StandardWebhooks::new(SECRET).unwrap(), SystemClock.now())
        .unwrap();
    item.envelope = envelope(666);
    let page = SignedPage {
        data: vec![item],
        next: Some(Cursor::parse("1").unwrap()),
        done: true,
    };
    let body = serde_json::to_string(&page).unwrap();
    let app = axum::Router::new().route(
        "/events",
        axum::routing::get(move || {
            let body = body.clone();
            async move { ([("content-type", "application/json")], body) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });

    let ran: Ran = Arc::default();
    let token = FeedToken::generate().unwrap();
    for (receiver, queued) in [
        (receiver(&ran), false),
        (receiver(&ran).inbox(MemoryInbox::new(), "shop"), true),
    ] {
        let mut feed = client(&base, &token);
        let outcome = receiver.catch_up(&mut feed, "/webhook", ()).await;
        assert!(
            matches!(outcome, Err(CatchUpError::Feed(FeedReadError::Rejected(_)))),
            "{outcome:?}"
        );
        assert!(outcome.unwrap_err().to_string().contains("evt_forged"));
        assert!(feed.cursor().is_none(), "the cursor stays");
        if queued {
            assert_eq!(receiver.inbox_worker(()).run_once().await.unwrap(), 0);
        }
    }
    assert!(ran.lock().unwrap().is_empty());
}
