//! The inbox's suite (`hookwire::inbox::conformance`) on memory, SQLite (a file and
//! `sqlite::memory:`), PostgreSQL and Redis.

use hookwire::inbox::{MemoryInbox, conformance};
use hookwire::postgres::PgInbox;
use hookwire::redis::RedisInbox;
use hookwire::sqlite::{SqliteInbox, SqliteStore};

use crate::conformance::fixtures::{self, Open};

macro_rules! run {
    ($open:ident, $case:ident) => {
        conformance::$case(&$open.store, stringify!($case)).await
    };
}

crate::conformance::per_backend!(
    run,
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
    fixtures::sqlite("inbox", test, async |db| db.inbox()).await
}

async fn sqlite_in_memory(_test: &str) -> Option<Open<SqliteInbox>> {
    let store = SqliteStore::open("sqlite::memory:").await.unwrap().inbox();
    Some(Open::new(store, ()))
}

async fn postgres(test: &str) -> Option<Open<PgInbox>> {
    fixtures::postgres("inbox", test, async |db| db.inbox()).await
}

async fn redis(test: &str) -> Option<Open<RedisInbox>> {
    fixtures::redis("inbox", test, |db, prefix| db.inbox().prefix(prefix)).await
}

/// The whole suite in one go on one store, as a third-party backend runs it.
#[tokio::test]
async fn memory_passes_all_on_one_store() {
    conformance::all(&MemoryInbox::new(), "memory").await;
}
