//! The conformance suite of the [`FeedStore`] contract: one async function per behaviour, each
//! panicking with a message when the feed breaks the rule.
//!
//! A feed is a view of an outbox's published events, so each function takes the feed and the
//! outbox it reads, and publishes through [`OutboxStore::publish_raw`]. Each one starts at the
//! end of the feed as it finds it, so they can share one store when run one after another;
//! [`all`] runs them in turn on a fresh one (it begins with [`empty_feed`]). A third-party
//! feed runs [`all`] (or each function, one test apiece) against a real database.
//!
//! Nothing sleeps on a feed that shows events once their transaction commits (memory,
//! SQLite). A feed may hold committed events back for a while (PostgreSQL's does, while an
//! older transaction is still open anywhere in the cluster): the suite then polls, every 20
//! ms for up to 10 seconds, until what it published is readable.
//!
//! ```
//! use hookwire::feed::{MemoryFeed, conformance};
//! use hookwire::outbox::MemoryOutbox;
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let outbox = MemoryOutbox::new();
//! conformance::all(&MemoryFeed::new(&outbox), &outbox).await;
//! # });
//! ```

use std::time::Duration;

use crate::feed::{Cursor, FeedError, FeedEvent, FeedQuery, FeedStore};
use crate::outbox::{ApplicationStore, OutboxStore, RawEvent};

mod apps;
pub use apps::each_application_has_its_own_feed;

/// How long a published event may take to become readable.
const WAIT: Duration = Duration::from_secs(10);
/// How often the suite looks meanwhile.
const POLL: Duration = Duration::from_millis(20);

/// Runs every check of the suite, on a feed with no events yet.
///
/// ```
/// # use hookwire::feed::{MemoryFeed, conformance};
/// # use hookwire::outbox::MemoryOutbox;
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let outbox = MemoryOutbox::new();
/// conformance::all(&MemoryFeed::new(&outbox), &outbox).await;
/// # });
/// ```
pub async fn all(feed: &dyn FeedStore, outbox: &dyn ApplicationStore) {
    empty_feed(feed, outbox).await;
    pages_follow_publish_order(feed, outbox).await;
    the_end_stays_put(feed, outbox).await;
    type_filters_choose_events(feed, outbox).await;
    filter_that_matches_nothing_moves_the_cursor(feed, outbox).await;
    foreign_cursors_are_refused(feed, outbox).await;
    each_application_has_its_own_feed(feed, outbox).await;
}

fn event(event_type: &str, n: usize) -> RawEvent {
    match RawEvent::new(event_type, serde_json::json!({ "n": n })) {
        Ok(event) => event,
        Err(error) => panic!("a test event of type {event_type}: {error}"),
    }
}

/// Publishes `events` in one transaction; their ids.
async fn publish(outbox: &dyn OutboxStore, events: &[RawEvent]) -> Vec<String> {
    match outbox.publish_raw(events).await {
        Ok(ids) => ids,
        Err(error) => panic!("publishing {} events: {error}", events.len()),
    }
}

/// Publishes `count` events of `event_type` in one transaction.
async fn publish_many(outbox: &dyn OutboxStore, event_type: &str, count: usize) -> Vec<String> {
    let events: Vec<RawEvent> = (0..count).map(|n| event(event_type, n)).collect();
    publish(outbox, &events).await
}

/// A query after `start` (from the start when `None`).
fn after(start: Option<&Cursor>) -> FeedQuery {
    start.map_or_else(FeedQuery::from_start, |cursor| {
        FeedQuery::after(cursor.clone())
    })
}

async fn read(feed: &dyn FeedStore, query: &FeedQuery) -> crate::feed::FeedPage {
    match feed.read(query).await {
        Ok(page) => page,
        Err(error) => panic!("reading {query:?}: {error}"),
    }
}

/// Every event after `start` of `types` (all when empty), following `next` to the end.
async fn read_all(feed: &dyn FeedStore, start: Option<&Cursor>, types: &[&str]) -> Vec<FeedEvent> {
    let mut events = Vec::new();
    let mut cursor = start.cloned();
    loop {
        let query = after(cursor.as_ref())
            .types(types.iter().copied())
            .limit(1_000);
        let page = read(feed, &query).await;
        events.extend(page.data);
        if page.done {
            return events;
        }
        assert!(page.next.is_some(), "a page that is not done has a `next`");
        cursor = page.next;
    }
}

/// Where the feed ends now: the cursor after every event (`None` for an empty feed).
async fn end(feed: &dyn FeedStore) -> Option<Cursor> {
    let mut cursor = None;
    loop {
        let page = read(feed, &after(cursor.as_ref()).limit(1_000)).await;
        if page.next.is_some() {
            cursor = page.next;
        }
        if page.done {
            return cursor;
        }
    }
}

/// The events after `start`, once at least `count` are readable.
async fn readable(feed: &dyn FeedStore, start: Option<&Cursor>, count: usize) -> Vec<FeedEvent> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let events = read_all(feed, start, &[]).await;
        if events.len() >= count {
            return events;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{count} published events not readable after {WAIT:?}: {} are",
            events.len()
        );
        tokio::time::sleep(POLL).await;
    }
}

/// An outbox that published nothing has an empty feed: read from the start, no events, done,
/// and no cursor to continue from, filtered or not.
///
/// ```
/// # use hookwire::feed::{MemoryFeed, conformance};
/// # use hookwire::outbox::MemoryOutbox;
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let outbox = MemoryOutbox::new();
/// conformance::empty_feed(&MemoryFeed::new(&outbox), &outbox).await;
/// # });
/// ```
pub async fn empty_feed(feed: &dyn FeedStore, _outbox: &dyn OutboxStore) {
    for query in [
        FeedQuery::from_start(),
        FeedQuery::from_start().types(["order.*"]).limit(1),
    ] {
        let page = read(feed, &query).await;
        assert!(
            page.data.is_empty(),
            "an empty feed has no events: {page:?}"
        );
        assert!(page.done, "an empty feed is read to its end: {page:?}");
        assert_eq!(
            page.next, None,
            "an empty feed read from the start has no cursor"
        );
    }
}

/// Events come in the order they were published, each once, with the id, type and envelope
/// (byte for byte) the outbox stored, in pages of at most `limit`: a full page is not `done`
/// and its `next` is its last event's cursor; the last page is `done`.
///
/// ```
/// # use hookwire::feed::{MemoryFeed, conformance};
/// # use hookwire::outbox::MemoryOutbox;
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let outbox = MemoryOutbox::new();
/// conformance::pages_follow_publish_order(&MemoryFeed::new(&outbox), &outbox).await;
/// # });
/// ```
pub async fn pages_follow_publish_order(feed: &dyn FeedStore, outbox: &dyn OutboxStore) {
    let start = end(feed).await;
    let types = ["order.created", "order.shipped", "invoice.paid"];
    let before = outbox.now();
    let mut ids = Vec::new();
    for n in 0..2 {
        ids.extend(publish(outbox, &[event(types[n % 3], n)]).await);
    }
    let batch: Vec<RawEvent> = (2..5).map(|n| event(types[n % 3], n)).collect();
    ids.extend(publish(outbox, &batch).await);
    let published_by = outbox.now();
    readable(feed, start.as_ref(), ids.len()).await;

    let mut seen = Vec::new();
    let mut cursor = start.clone();
    let mut sizes = Vec::new();
    loop {
        let page = read(feed, &after(cursor.as_ref()).limit(2)).await;
        sizes.push(page.data.len());
        if let Some(last) = page.data.last() {
            assert_eq!(
                page.next.as_ref(),
                Some(&last.cursor),
                "`next` is the last event's cursor"
            );
        }
        if page.data.len() == 2 {
            assert!(!page.done, "a full page is not done");
        }
        seen.extend(page.data);
        if page.done {
            break;
        }
        cursor = page.next;
    }
    assert_eq!(sizes, [2, 2, 1], "five events in pages of two");
    let seen_ids: Vec<&str> = seen.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(seen_ids, ids, "each event once, in publish order");
    for (n, event) in seen.iter().enumerate() {
        assert_eq!(event.event_type, types[n % 3]);
        let envelope: serde_json::Value = match event.envelope.parse() {
            Ok(value) => value,
            Err(error) => panic!("the envelope of {} is not JSON: {error}", event.id),
        };
        assert_eq!(envelope["type"], types[n % 3], "the envelope as published");
        assert_eq!(envelope["data"]["n"], n, "the envelope as published");
        assert!(
            (before..=published_by).contains(&event.created_at),
            "published at {}, between {before} and {published_by}",
            event.created_at
        );
    }
}

/// Reading again from the end finds nothing, is `done` and keeps the cursor; an event
/// published later is read from there, once.
///
/// ```
/// # use hookwire::feed::{MemoryFeed, conformance};
/// # use hookwire::outbox::MemoryOutbox;
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let outbox = MemoryOutbox::new();
/// conformance::the_end_stays_put(&MemoryFeed::new(&outbox), &outbox).await;
/// # });
/// ```
pub async fn the_end_stays_put(feed: &dyn FeedStore, outbox: &dyn OutboxStore) {
    let start = end(feed).await;
    publish_many(outbox, "order.created", 2).await;
    readable(feed, start.as_ref(), 2).await;
    let end_cursor = end(feed).await;
    assert!(end_cursor.is_some(), "a feed with events has an end cursor");
    for _ in 0..2 {
        let page = read(feed, &after(end_cursor.as_ref())).await;
        assert!(page.data.is_empty(), "nothing after the end: {page:?}");
        assert!(page.done);
        assert_eq!(page.next, end_cursor, "polling at the end keeps the cursor");
    }
    let later = publish_many(outbox, "order.shipped", 1).await;
    let events = readable(feed, end_cursor.as_ref(), 1).await;
    let ids: Vec<&str> = events.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, later, "the later event, once");
    let page = read(feed, &after(end_cursor.as_ref())).await;
    assert_eq!(page.next.as_ref(), Some(&events[0].cursor));
    let page = read(feed, &after(Some(&events[0].cursor))).await;
    assert!(page.data.is_empty() && page.done, "read once: {page:?}");
}

/// A type filter reads exact names and `prefix.*` families, in feed order; several types
/// read the union; a read of a type nobody published finds nothing yet moves past every
/// event it looked at.
///
/// ```
/// # use hookwire::feed::{MemoryFeed, conformance};
/// # use hookwire::outbox::MemoryOutbox;
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let outbox = MemoryOutbox::new();
/// conformance::type_filters_choose_events(&MemoryFeed::new(&outbox), &outbox).await;
/// # });
/// ```
pub async fn type_filters_choose_events(feed: &dyn FeedStore, outbox: &dyn OutboxStore) {
    let start = end(feed).await;
    let types = ["order.created", "order.shipped", "invoice.paid"];
    let events: Vec<RawEvent> = (0..5).map(|n| event(types[n % 3], n)).collect();
    let ids = publish(outbox, &events).await;
    let all = readable(feed, start.as_ref(), ids.len()).await;

    let read_types = |types: &'static [&'static str]| {
        let start = start.clone();
        async move {
            let events = read_all(feed, start.as_ref(), types).await;
            events.into_iter().map(|e| e.event_type).collect::<Vec<_>>()
        }
    };
    assert_eq!(
        read_types(&["order.*"]).await,
        [
            "order.created",
            "order.shipped",
            "order.created",
            "order.shipped"
        ],
        "a family, in feed order"
    );
    assert_eq!(
        read_types(&["invoice.paid"]).await,
        ["invoice.paid"],
        "an exact name"
    );
    assert_eq!(
        read_types(&["order.shipped"]).await,
        ["order.shipped", "order.shipped"]
    );
    assert_eq!(
        read_types(&["order.*", "invoice.paid"]).await.len(),
        5,
        "the union"
    );
    assert_eq!(
        read_types(&["order"]).await.len(),
        0,
        "a name is not a prefix"
    );

    let page = read(feed, &after(start.as_ref()).types(["nope"])).await;
    assert!(page.data.is_empty() && page.done, "{page:?}");
    assert_eq!(
        page.next.as_ref(),
        all.last().map(|e| &e.cursor),
        "past every event looked at"
    );
}

/// A filter that matches nothing still moves the cursor past what it scanned, in windows of
/// [`FeedQuery::SCAN_WINDOW`], so polling a type nobody publishes does not rescan the events;
/// the first matching event is then read once; a full page of matches ends at its last match.
///
/// ```
/// # use hookwire::feed::{MemoryFeed, conformance};
/// # use hookwire::outbox::MemoryOutbox;
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let outbox = MemoryOutbox::new();
/// conformance::filter_that_matches_nothing_moves_the_cursor(&MemoryFeed::new(&outbox), &outbox).await;
/// # });
/// ```
pub async fn filter_that_matches_nothing_moves_the_cursor(
    feed: &dyn FeedStore,
    outbox: &dyn OutboxStore,
) {
    let start = end(feed).await;
    let window = FeedQuery::SCAN_WINDOW as usize;
    publish_many(outbox, "order.created", window + 50).await;
    let everything = readable(feed, start.as_ref(), window + 50).await;
    assert_eq!(everything.len(), window + 50);

    let nope = |cursor: Option<&Cursor>| after(cursor).types(["nope"]);
    let first = read(feed, &nope(start.as_ref())).await;
    assert!(first.data.is_empty());
    assert!(!first.done, "a full scan window: more to look at");
    assert_eq!(first.next.as_ref(), Some(&everything[window - 1].cursor));
    let second = read(feed, &nope(first.next.as_ref())).await;
    assert!(second.data.is_empty());
    assert!(second.done);
    let end_cursor = second.next.clone();
    assert_eq!(
        end_cursor.as_ref(),
        everything.last().map(|e| &e.cursor),
        "past every event scanned"
    );

    // Polling again from the stored cursor scans nothing; a matching event is read once.
    let again = read(feed, &nope(end_cursor.as_ref())).await;
    assert_eq!(
        (again.data.len(), again.next.as_ref()),
        (0, end_cursor.as_ref())
    );
    publish_many(outbox, "nope", 1).await;
    publish_many(outbox, "order.created", 3).await;
    let tail = readable(feed, end_cursor.as_ref(), 4).await;
    let found = read(feed, &nope(end_cursor.as_ref())).await;
    assert_eq!(found.data.len(), 1);
    assert_eq!(found.data[0].event_type, "nope");
    assert!(found.done);
    assert_eq!(
        found.next.as_ref(),
        tail.last().map(|e| &e.cursor),
        "past the events after the match too"
    );

    // A full page of matches ends at its last match.
    let two = read(feed, &after(start.as_ref()).types(["order.*"]).limit(2)).await;
    assert_eq!((two.data.len(), two.done), (2, false));
    assert_eq!(two.next.as_ref(), Some(&two.data[1].cursor));
}

/// A cursor of the other shape than this feed hands out (one number where it hands out two,
/// or two where it hands out one) is [`FeedError::InvalidCursor`], filtered or not.
///
/// ```
/// # use hookwire::feed::{MemoryFeed, conformance};
/// # use hookwire::outbox::MemoryOutbox;
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let outbox = MemoryOutbox::new();
/// conformance::foreign_cursors_are_refused(&MemoryFeed::new(&outbox), &outbox).await;
/// # });
/// ```
pub async fn foreign_cursors_are_refused(feed: &dyn FeedStore, outbox: &dyn OutboxStore) {
    let start = end(feed).await;
    publish_many(outbox, "order.created", 1).await;
    let events = readable(feed, start.as_ref(), 1).await;
    let own = &events[0].cursor;
    let foreign = if own.as_str().contains('-') {
        "3"
    } else {
        "1-2"
    };
    let Ok(foreign) = Cursor::parse(foreign) else {
        panic!("`{foreign}` is a cursor's shape")
    };
    for query in [
        FeedQuery::after(foreign.clone()),
        FeedQuery::after(foreign.clone()).types(["order.*"]),
    ] {
        let read = feed.read(&query).await;
        assert!(
            matches!(read, Err(FeedError::InvalidCursor(_))),
            "a feed handing out `{own}` refuses `{foreign}`: {read:?}"
        );
    }
}
