//! The duplicate store's suite (`hookwire::dedup::conformance`) on memory (unbounded, and
//! bounded with room for what a case holds), SQLite (a file and `sqlite::memory:`),
//! PostgreSQL and Redis.

use hookwire::dedup::{MemoryDedup, conformance};
use hookwire::postgres::{PgDedup, PgStore};
use hookwire::redis::{RedisDedup, RedisStore};
use hookwire::sqlite::{SqliteDedup, SqliteStore};

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
                hookwire::dedup::conformance::$case(&open.store, stringify!($case)).await;
            }
        )*
    };
}

crate::per_backend!(
    cases,
    [
        claim_new_in_flight_done,
        abandon_releases,
        owned_claims,
        expired_lease_is_taken_over,
        done_lasts_its_ttl,
        namespaces_are_apart,
    ],
    {
        memory: memory,
        memory_bounded: memory_bounded,
        sqlite: sqlite,
        sqlite_in_memory: sqlite_in_memory,
        postgres: postgres,
        redis: redis,
    }
);

async fn memory(_test: &str) -> Option<Open<MemoryDedup>> {
    Some(Open::new(MemoryDedup::new(), ()))
}

async fn memory_bounded(_test: &str) -> Option<Open<MemoryDedup>> {
    // Room for exactly what the suite holds at once: nothing is evicted to make room.
    Some(Open::new(MemoryDedup::new().capacity(8), ()))
}

async fn sqlite(test: &str) -> Option<Open<SqliteDedup>> {
    let file = SqliteFile::new("dedup", test);
    let store = SqliteStore::open(&file.url()).await.unwrap().dedup();
    Some(Open::new(store, file))
}

async fn sqlite_in_memory(_test: &str) -> Option<Open<SqliteDedup>> {
    let store = SqliteStore::open("sqlite::memory:").await.unwrap().dedup();
    Some(Open::new(store, ()))
}

async fn postgres(test: &str) -> Option<Open<PgDedup>> {
    let url = postgres_url(&format!("dedup::postgres::{test}"))?;
    let schema = PgSchema::new(&url, "hwc_d", test).await;
    let store = PgStore::open_with(schema.options()).await.unwrap().dedup();
    Some(Open::new(store, schema))
}

async fn redis(test: &str) -> Option<Open<RedisDedup>> {
    let url = redis_url(&format!("dedup::redis::{test}"))?;
    let prefix = RedisPrefix::new(&url, "dedup", test);
    let store = RedisStore::open(&url)
        .await
        .unwrap()
        .dedup()
        .prefix(prefix.prefix());
    Some(Open::new(store, prefix))
}

/// The whole suite in one go on one store, as a third-party backend runs it.
#[tokio::test]
async fn memory_passes_all_on_one_store() {
    conformance::all(&MemoryDedup::new().capacity(8), "memory").await;
}
