//! The shared duplicate stores (SQLite, PostgreSQL, Redis) beyond the conformance suite (which
//! `conformance.rs` runs on every backend): two store instances ("replicas") racing for the
//! same keys, reconnection after the server drops the connection, and purging expired ids. PostgreSQL and Redis tests read `HOOKWIRE_TEST_POSTGRES_URL`
//! and `HOOKWIRE_TEST_REDIS_URL` and skip (saying so) without them.

use crate::services;

use std::sync::Arc;
use std::time::Duration;

use hookwire::Settled;
use hookwire::Timestamp;
use hookwire::dedup::{Claim, DedupKey, DedupStore};
use hookwire::postgres::PgStore;
use hookwire::redis::RedisStore;
use hookwire::sqlite::SqliteStore;
use services::{PgSchema, postgres_url, redis_url};

fn redis_prefix(test: &str) -> String {
    format!("hookwire-test:{test}:{}:{}:", std::process::id(), unique())
}

fn unique() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
}

fn sqlite_url(test: &str) -> String {
    let dir = std::env::temp_dir().join(format!("hookwire-dedup-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{test}.db"));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    format!("sqlite://{}", path.display())
}

/// Two replicas, each with its own connection to the shared store, claim the same 50 keys 8
/// times each, all at once: each key is `New` exactly once, and once completed it is `Done`
/// for everyone.
async fn replicas_claim_once(replicas: [Arc<dyn DedupStore>; 2]) {
    let now = Timestamp::now();
    let lease = Duration::from_secs(60);
    let mut tasks = Vec::new();
    for round in 0..8 {
        for store in &replicas {
            let store = Arc::clone(store);
            tasks.push(tokio::spawn(async move {
                let mut won = Vec::new();
                for n in 0..50 {
                    let key = DedupKey::new("replicas", format!("msg_{}", (n + round) % 50));
                    if let Claim::New(token) = store.claim(&key, now, lease).await.unwrap() {
                        won.push((key, token));
                    }
                }
                won
            }));
        }
    }
    let mut winners = Vec::new();
    for task in tasks {
        winners.extend(task.await.unwrap());
    }
    let mut ids: Vec<&str> = winners.iter().map(|(key, _)| key.id()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(winners.len(), 50, "each key won exactly once");
    assert_eq!(ids.len(), 50);
    for (index, (key, token)) in winners.iter().enumerate() {
        let settled = replicas[index % 2]
            .complete(key, *token, now, Duration::from_secs(3_600))
            .await;
        assert!(matches!(settled, Ok(Settled::Applied)), "{settled:?}");
        for store in &replicas {
            assert_eq!(store.claim(key, now, lease).await.unwrap(), Claim::Done);
        }
    }
}

#[tokio::test]
async fn sqlite_replicas_claim_each_key_once() {
    let url = sqlite_url("replicas");
    let a = SqliteStore::open(&url).await.unwrap().dedup();
    let b = SqliteStore::open(&url).await.unwrap().dedup();
    replicas_claim_once([Arc::new(a), Arc::new(b)]).await;
}

#[tokio::test]
async fn postgres_replicas_claim_each_key_once() {
    let Some(url) = postgres_url("postgres_replicas_claim_each_key_once") else {
        return;
    };
    let schema = PgSchema::new(&url, "hw_dedup", "replicas").await;
    let options = schema.options();
    let a = PgStore::open_with(options.clone()).await.unwrap().dedup();
    let b = PgStore::open_with(options).await.unwrap().dedup();
    replicas_claim_once([Arc::new(a), Arc::new(b)]).await;
}

#[tokio::test]
async fn redis_replicas_claim_each_key_once() {
    let Some(url) = redis_url("redis_replicas_claim_each_key_once") else {
        return;
    };
    let prefix = redis_prefix("replicas");
    let a = RedisStore::open(&url)
        .await
        .unwrap()
        .dedup()
        .prefix(&prefix);
    let b = RedisStore::open(&url)
        .await
        .unwrap()
        .dedup()
        .prefix(&prefix);
    replicas_claim_once([Arc::new(a), Arc::new(b)]).await;
}

async fn claim_works(store: &dyn DedupStore, id: &str) {
    let key = DedupKey::new("reconnect", id);
    let claim = store
        .claim(&key, Timestamp::now(), Duration::from_secs(60))
        .await;
    assert!(matches!(claim, Ok(Claim::New(_))), "{id}: {claim:?}");
}

#[tokio::test]
async fn redis_store_reconnects_after_client_kill() {
    let Some(url) = redis_url("redis_store_reconnects_after_client_kill") else {
        return;
    };
    let db = RedisStore::open(&url).await.unwrap();
    let store = db.dedup().prefix(redis_prefix("reconnect"));
    claim_works(&store, "before").await;
    let id: i64 = redis::cmd("CLIENT")
        .arg("ID")
        .query_async(&mut db.pool().clone())
        .await
        .unwrap();
    let client = redis::Client::open(url.as_str()).unwrap();
    let mut admin = client.get_multiplexed_async_connection().await.unwrap();
    let killed: i64 = redis::cmd("CLIENT")
        .arg("KILL")
        .arg("ID")
        .arg(id)
        .query_async(&mut admin)
        .await
        .unwrap();
    assert_eq!(killed, 1, "the store's connection was killed");
    claim_works(&store, "after").await;
    claim_works(&store, "after-2").await;
}

#[tokio::test]
async fn postgres_store_reconnects_after_terminate_backend() {
    let Some(url) = postgres_url("postgres_store_reconnects_after_terminate_backend") else {
        return;
    };
    let schema = PgSchema::new(&url, "hw_dedup", "reconnect").await;
    let options = schema.options();
    let db = PgStore::open_with(options.clone()).await.unwrap();
    let store = db.dedup();
    claim_works(&store, "before").await;
    let admin = sqlx::PgPool::connect_with(options).await.unwrap();
    // Every connection the pool holds, held at once so each is a different backend.
    let mut held = Vec::new();
    let mut pids: Vec<i32> = Vec::new();
    for _ in 0..db.pool().size() {
        let mut connection = db.pool().acquire().await.unwrap();
        let pid: i32 = sqlx::query_scalar("SELECT pg_backend_pid()")
            .fetch_one(&mut *connection)
            .await
            .unwrap();
        pids.push(pid);
        held.push(connection);
    }
    drop(held);
    for pid in &pids {
        let terminated: bool = sqlx::query_scalar("SELECT pg_terminate_backend($1)")
            .bind(pid)
            .fetch_one(&admin)
            .await
            .unwrap();
        assert!(terminated, "backend {pid} terminated");
    }
    claim_works(&store, "after").await;
    claim_works(&store, "after-2").await;
}

/// `sqlite::memory:` is one database shared by the pool's connections through SQLite's shared
/// cache, whose table locks fail at once: the store keeps to one connection, so claims from
/// many tasks at once all succeed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_in_memory_store_takes_concurrent_claims() {
    let store = SqliteStore::open("sqlite::memory:").await.unwrap().dedup();
    replicas_claim_once([Arc::new(store.clone()), Arc::new(store.clone())]).await;
}

/// The claims that make a SQL store opened through `open::dedup` purge its expired ids on
/// its own (see `hookwire::open::dedup`): one sweep every this many claims.
const SWEEP_EVERY: u32 = 500;

/// A SQL store opened through `open::dedup` purges expired ids on its own, by the time its
/// claims carry (no clock of its own): ids completed at `T0` with a minute to live, then
/// [`SWEEP_EVERY`] claims a year later, and the expired rows are gone (the sweep runs beside
/// the claims, so it is waited for, at most 10 s); the live key stays.
async fn expired_ids_are_purged(store: Arc<dyn DedupStore>, rows: impl AsyncFn() -> i64) {
    let t0 = Timestamp::from_unix(1_700_000_000);
    let (lease, ttl) = (Duration::from_secs(60), Duration::from_secs(60));
    for n in 0..20 {
        let key = DedupKey::new("sweep", format!("old_{n}"));
        let Claim::New(token) = store.claim(&key, t0, lease).await.unwrap() else {
            panic!("a fresh key is new");
        };
        store.complete(&key, token, t0, ttl).await.unwrap();
    }
    assert_eq!(rows().await, 20);

    let later = Timestamp::from_unix(1_700_000_000 + 365 * 24 * 3_600);
    let live = DedupKey::new("sweep", "live");
    for _ in 0..SWEEP_EVERY {
        store.claim(&live, later, lease).await.unwrap();
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while rows().await != 1 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(rows().await, 1, "the expired ids were not purged");
    assert_eq!(
        store.claim(&live, later, lease).await.unwrap(),
        Claim::InFlight
    );
}

#[tokio::test]
async fn sqlite_store_opened_by_url_purges_expired_ids() {
    let url = sqlite_url("sweep");
    let store = hookwire::open::dedup(&url).await.unwrap();
    let reader = sqlx::SqlitePool::connect(&url).await.unwrap();
    expired_ids_are_purged(store, async || {
        sqlx::query_scalar("SELECT count(*) FROM hw_dedup")
            .fetch_one(&reader)
            .await
            .unwrap()
    })
    .await;
    reader.close().await;
}

#[tokio::test]
async fn postgres_store_opened_by_url_purges_expired_ids() {
    let Some(url) = postgres_url("postgres_store_opened_by_url_purges_expired_ids") else {
        return;
    };
    let schema = PgSchema::new(&url, "hw_dedup", "sweep").await;
    let separator = if url.contains('?') { '&' } else { '?' };
    let store_url = format!("{url}{separator}options=-csearch_path%3D{}", schema.name());
    let store = hookwire::open::dedup(&store_url).await.unwrap();
    let reader = sqlx::PgPool::connect_with(schema.options()).await.unwrap();
    expired_ids_are_purged(store, async || {
        sqlx::query_scalar("SELECT count(*) FROM hw_dedup")
            .fetch_one(&reader)
            .await
            .unwrap()
    })
    .await;
    reader.close().await;
}
