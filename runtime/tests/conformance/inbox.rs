//! The inbox's suite (`hookwire::inbox::conformance`) on memory, SQLite (a file and
//! `sqlite::memory:`), PostgreSQL and Redis.

use hookwire::inbox::{MemoryInbox, conformance};
use hookwire::postgres::{PgInbox, PgStore};
use hookwire::redis::{RedisInbox, RedisStore};
use hookwire::sqlite::{SqliteInbox, SqliteStore};

use crate::fixtures::{Open, RedisPrefix, SqliteFile};
use crate::services::{PgSchema, postgres_url, redis_url};

macro_rules! cases {
    ($open:path, [$($case:ident),* $(,)?]) => {
        $(
            #[tokio::test]
            async fn $case() {
                let Some(open) = $open(stringify!($case)).await else {
                    return;
                };
                hookwire::inbox::conformance::$case(&open.store, stringify!($case)).await;
            }
        )*
    };
}

crate::per_backend!(
    cases,
    [
        push_is_unique_per_id,
        deliveries_round_trip,
        claims_oldest_first_once,
        expired_lease_is_taken_over,
        complete_keeps_the_id,
        failures_retry_then_die,
        queues_are_apart,
        poison_work_ends,
        recovered_one_at_a_time,
    ],
    {
        memory: memory,
        sqlite: sqlite,
        sqlite_in_memory: sqlite_in_memory,
        postgres: postgres,
        redis: redis,
    }
);

async fn memory(_test: &str) -> Option<Open<MemoryInbox>> {
    Some(Open::new(MemoryInbox::new(), ()))
}

async fn sqlite(test: &str) -> Option<Open<SqliteInbox>> {
    let file = SqliteFile::new("inbox", test);
    let store = SqliteStore::open(&file.url()).await.unwrap().inbox();
    Some(Open::new(store, file))
}

async fn sqlite_in_memory(_test: &str) -> Option<Open<SqliteInbox>> {
    let store = SqliteStore::open("sqlite::memory:").await.unwrap().inbox();
    Some(Open::new(store, ()))
}

async fn postgres(test: &str) -> Option<Open<PgInbox>> {
    let url = postgres_url(&format!("inbox::postgres::{test}"))?;
    let schema = PgSchema::new(&url, "hwc_i", test).await;
    let store = PgStore::open_with(schema.options()).await.unwrap().inbox();
    Some(Open::new(store, schema))
}

async fn redis(test: &str) -> Option<Open<RedisInbox>> {
    let url = redis_url(&format!("inbox::redis::{test}"))?;
    let prefix = RedisPrefix::new(&url, "inbox", test);
    let store = RedisStore::open(&url)
        .await
        .unwrap()
        .inbox()
        .prefix(prefix.prefix());
    Some(Open::new(store, prefix))
}

/// The whole suite in one go on one store, as a third-party backend runs it.
#[tokio::test]
async fn memory_passes_all_on_one_store() {
    conformance::all(&MemoryInbox::new(), "memory").await;
}
