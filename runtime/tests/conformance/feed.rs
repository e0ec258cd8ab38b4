//! The events feed's suite (`hookwire::feed::conformance`) on memory, SQLite and PostgreSQL,
//! each feed with the outbox it reads. Redis hosts no outbox, so it has no feed.

use hookwire::feed::{MemoryFeed, conformance};
use hookwire::outbox::MemoryOutbox;
use hookwire::postgres::{PgFeed, PgOutbox};
use hookwire::sqlite::{SqliteFeed, SqliteOutbox};

use crate::conformance::fixtures::{self, Open};

macro_rules! run {
    ($open:ident, $case:ident) => {{
        let (feed, outbox) = &$open.store;
        conformance::$case(feed, outbox).await
    }};
}

crate::conformance::per_backend!(
    run,
    [
        empty_feed,
        pages_follow_publish_order,
        the_end_stays_put,
        type_filters_choose_events,
        filter_that_matches_nothing_moves_the_cursor,
        foreign_cursors_are_refused,
        each_application_has_its_own_feed,
    ],
    {
        memory: memory,
        sqlite: sqlite,
        postgres: postgres,
    }
);

async fn memory(_test: &str) -> Option<Open<(MemoryFeed, MemoryOutbox)>> {
    let outbox = MemoryOutbox::new();
    Some(Open::new((MemoryFeed::new(&outbox), outbox), ()))
}

async fn sqlite(test: &str) -> Option<Open<(SqliteFeed, SqliteOutbox)>> {
    fixtures::sqlite("feed", test, async |db| {
        (db.feed(), db.outbox().await.unwrap())
    })
    .await
}

async fn postgres(test: &str) -> Option<Open<(PgFeed, PgOutbox)>> {
    fixtures::postgres("feed", test, async |db| {
        (db.feed(), db.outbox().await.unwrap())
    })
    .await
}

/// The whole suite in one go on one store, as a third-party backend runs it.
#[tokio::test]
async fn memory_passes_all_on_one_store() {
    let outbox = MemoryOutbox::new();
    conformance::all(&MemoryFeed::new(&outbox), &outbox).await;
}
