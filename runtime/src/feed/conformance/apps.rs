//! The feed of each application ([`FeedQuery::app`]).

use super::{POLL, WAIT, end, event, publish, read, read_all, readable};
use crate::feed::{FeedQuery, FeedStore};
use crate::outbox::{ApplicationStore, NewApplication, RawEvent};

/// Each application has its own feed: read with [`FeedQuery::app`], it holds exactly the
/// events published for that application, in order, a message's payload as the envelope's
/// `data`; the feed of no application does not show them.
///
/// ```
/// # use hookwire::feed::{MemoryFeed, conformance};
/// # use hookwire::outbox::MemoryOutbox;
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let outbox = MemoryOutbox::new();
/// conformance::each_application_has_its_own_feed(&MemoryFeed::new(&outbox), &outbox).await;
/// # });
/// ```
pub async fn each_application_has_its_own_feed(
    feed: &dyn FeedStore,
    outbox: &dyn ApplicationStore,
) {
    let start = end(feed).await;
    let mut apps = Vec::new();
    for name in ["feed A", "feed B"] {
        match outbox.add_application(&NewApplication::new(name)).await {
            Ok(app) => apps.push(app.id),
            Err(error) => panic!("adding an application: {error}"),
        }
    }
    let (a, b) = (apps[0], apps[1]);
    let payload = serde_json::json!({"invoice": "in_1"});
    let message = match RawEvent::message("invoice.paid", payload.clone()) {
        Ok(message) => message.app(a),
        Err(error) => panic!("a message: {error}"),
    };
    let ids = publish(
        outbox,
        &[
            event("order.created", 1).app(a),
            event("order.created", 2).app(b),
            message,
            event("order.created", 3),
        ],
    )
    .await;
    readable(feed, start.as_ref(), 1).await;

    let deadline = tokio::time::Instant::now() + WAIT;
    let of_a = loop {
        let page = read(feed, &FeedQuery::from_start().app(a).limit(10)).await;
        if page.data.len() >= 2 || tokio::time::Instant::now() >= deadline {
            break page.data;
        }
        tokio::time::sleep(POLL).await;
    };
    let seen: Vec<&str> = of_a.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(
        seen,
        [ids[0].as_str(), ids[2].as_str()],
        "application A's feed"
    );
    let data = match of_a[1].envelope.parse::<serde_json::Value>() {
        Ok(envelope) => envelope["data"].clone(),
        Err(error) => panic!("a message's envelope: {error}"),
    };
    assert_eq!(data, payload, "a message's payload is its envelope's data");
    let of_b = read(feed, &FeedQuery::from_start().app(b).types(["order.*"])).await;
    let seen: Vec<&str> = of_b.data.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(
        seen,
        [ids[1].as_str()],
        "application B's feed, filtered by type"
    );
    let untargeted = read_all(feed, start.as_ref(), &[]).await;
    let seen: Vec<&str> = untargeted.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(seen, [ids[3].as_str()], "the feed of no application");
}
