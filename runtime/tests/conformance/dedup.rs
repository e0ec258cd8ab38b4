//! The duplicate store's suite (`hookwire::dedup::conformance`) on memory (unbounded, and
//! bounded with room for what a case holds), SQLite (a file and `sqlite::memory:`),
//! PostgreSQL and Redis.

use hookwire::dedup::{MemoryDedup, conformance};
use hookwire::postgres::PgDedup;
use hookwire::redis::RedisDedup;
use hookwire::sqlite::{SqliteDedup, SqliteStore};

use crate::conformance::fixtures::{self, Open};

macro_rules! run {
    ($open:ident, $case:ident) => {
        conformance::$case(&$open.store, stringify!($case)).await
    };
}

crate::conformance::per_backend!(
    run,
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
    fixtures::sqlite("dedup", test, async |db| db.dedup()).await
}

async fn sqlite_in_memory(_test: &str) -> Option<Open<SqliteDedup>> {
    let store = SqliteStore::open("sqlite::memory:").await.unwrap().dedup();
    Some(Open::new(store, ()))
}

async fn postgres(test: &str) -> Option<Open<PgDedup>> {
    fixtures::postgres("dedup", test, async |db| db.dedup()).await
}

async fn redis(test: &str) -> Option<Open<RedisDedup>> {
    fixtures::redis("dedup", test, |db, prefix| db.dedup().prefix(prefix)).await
}

/// The whole suite in one go on one store, as a third-party backend runs it.
#[tokio::test]
async fn memory_passes_all_on_one_store() {
    conformance::all(&MemoryDedup::new().capacity(8), "memory").await;
}
