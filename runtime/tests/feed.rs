//! The events feed: no reader skips an event when the transactions that publish them commit
//! out of order (PostgreSQL, property test), the feed served and read over HTTP. Paging, type
//! filters and cursors are the feed's conformance suite, run on every backend by
//! `conformance.rs`. PostgreSQL tests read `HOOKWIRE_TEST_POSTGRES_URL` and skip without it.

use crate::services;

use std::collections::BTreeSet;

use hookwire::feed::{
    CatchUpError, Cursor, FeedClient, FeedConsumer, FeedConsumers, FeedQuery, FeedReadError,
    FeedStore, FeedToken, ListEvents,
};
use hookwire::outbox::RawEvent;
use hookwire::postgres::{PgFeed, PgOutbox, PgStore};
use hookwire::signature::StandardWebhooks;
use hookwire::sqlite::{SqliteOutbox, SqliteStore};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use services::{PgSchema, postgres_url};

/// An empty outbox and its feed in a schema of their own, and the guard that drops the schema.
async fn pg_outbox(url: &str, test: &str) -> (PgOutbox, PgFeed, PgSchema) {
    let schema = PgSchema::new(url, "hw_feed", test).await;
    let db = PgStore::open_with(schema.options()).await.unwrap();
    let outbox = db.outbox().await.unwrap();
    (outbox, db.feed(), schema)
}

fn event(kind: &str, n: usize) -> RawEvent {
    RawEvent::new(kind, serde_json::json!({ "n": n })).unwrap()
}

/// Reads every page after `cursor`, returning the event ids and the last cursor.
async fn drain(feed: &PgFeed, cursor: &mut Option<Cursor>, seen: &mut Vec<String>) {
    loop {
        let query = match cursor.clone() {
            Some(c) => FeedQuery::after(c),
            None => FeedQuery::from_start(),
        }
        .limit(3);
        let page = feed.read(&query).await.unwrap();
        seen.extend(page.data.iter().map(|e| e.id.clone()));
        *cursor = page.next;
        if page.done {
            return;
        }
    }
}

/// Eight writers publish in one order and commit in another; a feed reader and a naive
/// `id > cursor` reader poll after every commit. The feed sees every event exactly once; the
/// naive reader skips one whenever a lower id commits after a higher one was read (which
/// shows the scenario really reorders commits).
#[test]
fn no_reader_skips_events_committed_out_of_order() {
    let Some(url) = postgres_url("no_reader_skips_events_committed_out_of_order") else {
        return;
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (outbox, feed, _schema) = runtime.block_on(pg_outbox(&url, "order"));
    const WRITERS: usize = 8;
    let orders = (
        Just((0..WRITERS).collect::<Vec<_>>()).prop_shuffle(),
        Just((0..WRITERS).collect::<Vec<_>>()).prop_shuffle(),
    );
    let mut runner = TestRunner::new(Config {
        cases: 16,
        failure_persistence: None,
        ..Config::default()
    });
    let case = std::cell::Cell::new(0_usize);
    runner
        .run(&orders, |(publish_order, commit_order)| {
            case.set(case.get() + 1);
            let case = case.get();
            runtime.block_on(async {
                // Start both readers at the current end of the feed.
                let mut cursor = None;
                drain(&feed, &mut cursor, &mut Vec::new()).await;
                let mut naive_cursor: i64 =
                    sqlx::query_scalar("SELECT coalesce(max(id), 0) FROM hw_event")
                        .fetch_one(outbox.pool())
                        .await
                        .unwrap();

                let mut transactions: Vec<Option<_>> = (0..WRITERS).map(|_| None).collect();
                let mut published = vec![String::new(); WRITERS];
                let mut row_ids = [0_i64; WRITERS];
                for &writer in &publish_order {
                    let mut tx = outbox.pool().begin().await.unwrap();
                    let id = outbox
                        .publish_raw_in(&mut tx, &event("order.created", case * 100 + writer))
                        .await
                        .unwrap();
                    row_ids[writer] =
                        sqlx::query_scalar("SELECT id FROM hw_event WHERE event_id = $1")
                            .bind(&id)
                            .fetch_one(&mut *tx)
                            .await
                            .unwrap();
                    published[writer] = id;
                    transactions[writer] = Some(tx);
                }

                let (mut seen, mut naive_seen) = (Vec::new(), Vec::new());
                for &writer in &commit_order {
                    transactions[writer].take().unwrap().commit().await.unwrap();
                    drain(&feed, &mut cursor, &mut seen).await;
                    let rows: Vec<(i64, String)> = sqlx::query_as(
                        "SELECT id, event_id FROM hw_event WHERE id > $1 ORDER BY id",
                    )
                    .bind(naive_cursor)
                    .fetch_all(outbox.pool())
                    .await
                    .unwrap();
                    for (id, event_id) in rows {
                        naive_cursor = id;
                        naive_seen.push(event_id);
                    }
                }

                // A transaction open elsewhere in the cluster (another test) holds the feed
                // back, never loses events: wait until the last ones are readable.
                for _ in 0..500 {
                    if seen.len() >= WRITERS {
                        break;
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                    drain(&feed, &mut cursor, &mut seen).await;
                }
                let expected: BTreeSet<_> = published.iter().cloned().collect();
                let got: BTreeSet<_> = seen.iter().cloned().collect();
                prop_assert_eq!(seen.len(), WRITERS, "each event once: {:?}", seen);
                prop_assert_eq!(&got, &expected);

                let committed_ids: Vec<i64> = commit_order.iter().map(|&w| row_ids[w]).collect();
                let reordered = committed_ids.windows(2).any(|pair| pair[0] > pair[1]);
                prop_assert_eq!(
                    naive_seen.len() < WRITERS,
                    reordered,
                    "the naive reader skips exactly when commits are reordered"
                );
                Ok(())
            })
        })
        .unwrap();
}

/// The feed served over HTTP by `router`, read by the typed `FeedClient`: a receiver that
/// catches up, goes down while more events are published, and catches up again from its
/// stored cursor gets exactly the missed events, once; a failing handler keeps the cursor
/// before its event.
#[tokio::test]
async fn feed_client_catches_up_from_a_stored_cursor() {
    let path = std::env::temp_dir().join(format!("hookwire-feed-http-{}.db", std::process::id()));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let outbox = SqliteOutbox::open(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let publish = |n: usize| {
        let outbox = outbox.clone();
        async move {
            let mut tx = outbox.begin().await.unwrap();
            let id = outbox
                .publish_raw_in(&mut tx, &event("order.created", n))
                .await
                .unwrap();
            tx.commit().await.unwrap();
            id
        }
    };
    let (base, token, secret) = serve(
        SqliteStore::from_pool(outbox.pool().clone())
            .await
            .unwrap()
            .feed(),
    )
    .await;
    let reader = || FeedClient::new(base.clone(), token.clone(), secret.clone()).unwrap();

    let mut first = Vec::new();
    for n in 0..5 {
        first.push(publish(n).await);
    }
    let mut client = reader().page_size(2);
    let mut handled = Vec::new();
    let count = client
        .catch_up(|e| {
            handled.push(e.id);
            async { Ok::<(), std::io::Error>(()) }
        })
        .await
        .unwrap();
    assert_eq!(count, 5);
    assert_eq!(handled, first);
    let stored = client.cursor().cloned().unwrap();

    // Down: three more events are published; the third one's handler fails once.
    let mut missed = Vec::new();
    for n in 5..8 {
        missed.push(publish(n).await);
    }
    let mut client = reader().after(stored).page_size(2);
    let mut handled = Vec::new();
    let failing = missed[2].clone();
    let stopped = client
        .catch_up(|e| {
            let fail = e.id == failing;
            handled.push(e.id);
            async move {
                if fail {
                    Err(std::io::Error::other("database down"))
                } else {
                    Ok(())
                }
            }
        })
        .await;
    assert!(
        matches!(stopped, Err(CatchUpError::Handler { ref event_id, .. }) if *event_id == failing)
    );
    let count = client
        .catch_up(|e| {
            handled.push(e.id);
            async { Ok::<(), std::io::Error>(()) }
        })
        .await
        .unwrap();
    assert_eq!(count, 1);
    assert_eq!(handled, [&missed[..], &missed[2..]].concat());

    // A malformed cursor is a 400 problem naming `after`.
    let bad = reader()
        .after(Cursor::parse("1-2").unwrap())
        .next_page()
        .await
        .unwrap_err();
    let FeedReadError::Status { status, problem } = bad else {
        panic!("{bad:?}")
    };
    assert_eq!(status.as_u16(), 400);
    assert_eq!(problem.unwrap().parameter(), Some("after"));
}

/// Serves `feed` on 127.0.0.1 to one consumer: the base URL, its token and its secret.
async fn serve<F: FeedStore + Clone>(feed: F) -> (String, FeedToken, StandardWebhooks) {
    let token = FeedToken::generate().unwrap();
    let secret = StandardWebhooks::new("whsec_c2VjcmV0IGZvciB0aGUgZmVlZA==").unwrap();
    let consumers = FeedConsumers::new()
        .with(FeedConsumer::new("reader", &token, secret.clone()).unwrap())
        .unwrap();
    let app: axum::Router = hookwire::feed::router(feed, consumers);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (base, token, secret)
}

/// Every cursor of the feed, in order.
async fn read_all<F: FeedStore>(feed: &F, mut query: FeedQuery) -> Vec<Cursor> {
    let mut cursors = Vec::new();
    loop {
        let page = feed.read(&query).await.unwrap();
        cursors.extend(page.data.iter().map(|e| e.cursor.clone()));
        if page.done {
            return cursors;
        }
        query = FeedQuery::after(page.next.unwrap()).limit(1_000);
    }
}

/// Over HTTP, a catch-up filtered by a type nobody publishes ends with its cursor past every
/// event, so the next poll starts there.
#[tokio::test]
async fn feed_client_filtered_catch_up_moves_the_cursor() {
    let path =
        std::env::temp_dir().join(format!("hookwire-feed-nope-http-{}.db", std::process::id()));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let outbox = SqliteOutbox::open(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let mut tx = outbox.begin().await.unwrap();
    for n in 0..5 {
        outbox
            .publish_raw_in(&mut tx, &event("order.created", n))
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    let feed = SqliteStore::from_pool(outbox.pool().clone())
        .await
        .unwrap()
        .feed();
    let last = read_all(&feed, FeedQuery::from_start()).await.pop();
    let (base, token, secret) = serve(feed).await;
    let mut client = FeedClient::new(base, token, secret)
        .unwrap()
        .types(["nope"]);
    let handled = client
        .catch_up(|_| async { Ok::<(), std::io::Error>(()) })
        .await
        .unwrap();
    assert_eq!(handled, 0);
    assert_eq!(client.cursor(), last.as_ref());
}

#[test]
fn the_feed_is_listed_under_paths() {
    let document = hookwire::schema::OpenApi::new("shop", "1")
        .endpoint::<ListEvents>()
        .build()
        .unwrap();
    let operation = &document["paths"]["/events"]["get"];
    assert_eq!(operation["operationId"], "listEvents");
    let names: Vec<_> = operation["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["after", "types", "limit"]);
    assert!(operation["responses"]["200"].is_object());
}
