//! The events feed's suite (`hookwire::feed::conformance`) on memory, SQLite and PostgreSQL,
//! each feed with the outbox it reads. Redis hosts no outbox, so it has no feed.

use hookwire::feed::{MemoryFeed, conformance};
use hookwire::outbox::MemoryOutbox;
use hookwire::postgres::{PgFeed, PgOutbox, PgStore};
use hookwire::sqlite::{SqliteFeed, SqliteOutbox, SqliteStore};

use crate::fixtures::{Open, SqliteFile};
use crate::services::{PgSchema, postgres_url};

macro_rules! cases {
    ($open:path, [$($case:ident),* $(,)?]) => {
        $(
            #[tokio::test]
            async fn $case() {
                let Some(open) = $open(stringify!($case)).await else {
                    return;
                };
                let (feed, outbox) = &open.store;
                hookwire::feed::conformance::$case(feed, outbox).await;
            }
        )*
    };
}

crate::per_backend!(
    cases,
    [
        empty_feed,
        pages_follow_publish_order,
        the_end_stays_put,
        type_filters_choose_events,
        filter_that_matches_nothing_moves_the_cursor,
        foreign_cursors_are_refused,
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
    let file = SqliteFile::new("feed", test);
    let db = SqliteStore::open(&file.url()).await.unwrap();
    let outbox = db.outbox().await.unwrap();
    Some(Open::new((db.feed(), outbox), file))
}

async fn postgres(test: &str) -> Option<Open<(PgFeed, PgOutbox)>> {
    let url = postgres_url(&format!("feed::postgres::{test}"))?;
    let schema = PgSchema::new(&url, "hwc_f", test).await;
    let db = PgStore::open_with(schema.options()).await.unwrap();
    let outbox = db.outbox().await.unwrap();
    Some(Open::new((db.feed(), outbox), schema))
}

/// The whole suite in one go on one store, as a third-party backend runs it.
#[tokio::test]
async fn memory_passes_all_on_one_store() {
    let outbox = MemoryOutbox::new();
    conformance::all(&MemoryFeed::new(&outbox), &outbox).await;
}
