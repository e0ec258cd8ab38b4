//! The durable inboxes (SQLite, PostgreSQL, Redis) beyond the conformance suite (which
//! `conformance.rs` runs on every backend): replicas sharing a queue, large claims,
//! reconnection after the server drops the store's connections, a restart that keeps what was
//! stored, and `open::inbox`. PostgreSQL and Redis tests read `HOOKWIRE_TEST_POSTGRES_URL` and
//! `HOOKWIRE_TEST_REDIS_URL` and skip (saying so) without them.

use crate::services;

use std::sync::Arc;
use std::time::Duration;

use hookwire::Settled;
use hookwire::Timestamp;
use hookwire::inbox::{InboxStore, NewItem, Pushed};
use hookwire::postgres::PgStore;
use hookwire::redis::{RedisInbox, RedisStore};
use hookwire::sqlite::SqliteStore;
use services::{PgSchema, RedisPrefix, postgres_url, redis_url};

/// A prefix for one inbox test (see `services::RedisPrefix`).
fn redis_prefix(url: &str, test: &str) -> RedisPrefix {
    RedisPrefix::new(url, &format!("inbox:{test}"))
}

async fn redis_db(prefix: &RedisPrefix) -> RedisStore {
    RedisStore::open(prefix.url()).await.unwrap()
}

async fn redis_inbox(prefix: &RedisPrefix) -> RedisInbox {
    redis_db(prefix).await.inbox().prefix(prefix.prefix())
}

fn sqlite_path(test: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("hookwire-inbox-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{test}.db"));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    path
}

fn sqlite_url(path: &std::path::Path) -> String {
    format!("sqlite://{}", path.display())
}

fn remove_sqlite(path: &std::path::Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

const LEASE: Duration = Duration::from_secs(60);

/// One push, claim and complete on `store`, under a fresh id.
async fn round_trip(store: &dyn InboxStore, id: &str) {
    let now = Timestamp::now();
    let item = NewItem::new("reconnect", id, "order.created", b"{}".to_vec());
    let pushed = store.push(&item, now).await;
    assert!(matches!(pushed, Ok(Pushed::New)), "{id}: push {pushed:?}");
    let claimed = store.claim("reconnect", now, LEASE, 10, 8).await;
    let claimed = claimed.unwrap_or_else(|e| panic!("{id}: claim {e}"));
    assert_eq!(claimed.len(), 1, "{id}: one due");
    let done = store
        .complete("reconnect", id, claimed[0].token, now, LEASE)
        .await;
    assert!(
        matches!(done, Ok(Settled::Applied)),
        "{id}: complete {done:?}"
    );
}

/// A delivery claimed by a worker that died with its process is due again, after its lease,
/// in the reopened file; the completed one stays a duplicate.
#[tokio::test]
async fn sqlite_inbox_keeps_deliveries_across_a_restart() {
    let path = sqlite_path("restart");
    let t0 = Timestamp::from_unix(1_700_000_000);
    let at = |seconds| t0.saturating_add_seconds(seconds);
    let first_db = SqliteStore::open(&sqlite_url(&path)).await.unwrap();
    let first = first_db.inbox();
    let cut = NewItem::new("q", "cut-short", "t", vec![0, 159, 146, 150]).header("a", "b");
    let done = NewItem::new("q", "done", "t", b"{}".to_vec());
    first.push(&cut, t0).await.unwrap();
    first.push(&done, t0).await.unwrap();
    let claimed = first.claim("q", t0, LEASE, 10, 8).await.unwrap();
    assert_eq!(claimed.len(), 2);
    let settled = first
        .complete(
            "q",
            "done",
            claimed[1].token,
            t0,
            Duration::from_secs(3_600),
        )
        .await
        .unwrap();
    assert_eq!(settled, Settled::Applied);
    first_db.pool().close().await;
    drop(first);

    let second_db = SqliteStore::open(&sqlite_url(&path)).await.unwrap();
    let second = second_db.inbox();
    let stats = second.stats("q").await.unwrap();
    assert_eq!((stats.running, stats.done), (1, 1), "{stats:?}");
    assert!(
        second
            .claim("q", at(59), LEASE, 10, 8)
            .await
            .unwrap()
            .is_empty()
    );
    let again = second.claim("q", at(60), LEASE, 10, 8).await.unwrap();
    assert_eq!(again.len(), 1, "due again when the lease ends");
    assert_eq!(again[0].item, cut);
    assert_eq!((again[0].attempt, again[0].recovered), (2, true));
    assert_eq!(second.push(&done, at(61)).await.unwrap(), Pushed::Duplicate);
    second_db.pool().close().await;
    remove_sqlite(&path);
}

/// Two replicas (two stores, each with its own connections) claim from one queue at once,
/// two workers each: every delivery is claimed by exactly one.
async fn replicas_share_a_queue(replicas: [Arc<dyn InboxStore>; 2]) {
    let now = Timestamp::from_unix(1_700_000_000);
    for n in 0..300 {
        let item = NewItem::new("shared", format!("m{n}"), "t", vec![]);
        replicas[n % 2].push(&item, now).await.unwrap();
    }
    let mut tasks = Vec::new();
    for store in replicas.iter().chain(&replicas) {
        let store = Arc::clone(store);
        tasks.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            loop {
                let claimed = store.claim("shared", now, LEASE, 7, 8).await.unwrap();
                if claimed.is_empty() {
                    return ids;
                }
                ids.extend(claimed.into_iter().map(|c| c.item.id));
            }
        }));
    }
    let mut ids = Vec::new();
    for task in tasks {
        ids.extend(task.await.unwrap());
    }
    let total = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!((total, ids.len()), (300, 300), "each delivery claimed once");
}

/// A claim larger than one statement's (or script's) batch takes every due delivery, by due
/// time then push order.
async fn large_claims_keep_the_order(store: &dyn InboxStore) {
    let t0 = Timestamp::from_unix(1_700_000_000);
    for n in 0..600_i64 {
        let item = NewItem::new("large", format!("m{n:04}"), "t", vec![]);
        // The second 300 are due as early as the first 300: order is by due time first.
        store
            .push(&item, t0.saturating_add_seconds(n % 300))
            .await
            .unwrap();
    }
    let claimed = store
        .claim("large", t0.saturating_add_seconds(1_000), LEASE, 1_000, 8)
        .await
        .unwrap();
    let ids: Vec<&str> = claimed.iter().map(|c| c.item.id.as_str()).collect();
    let mut want: Vec<(i64, i64)> = (0..600_i64).map(|n| (n % 300, n)).collect();
    want.sort_unstable();
    let want: Vec<String> = want.iter().map(|(_, n)| format!("m{n:04}")).collect();
    assert_eq!(ids, want);
}

#[tokio::test]
async fn postgres_replicas_share_a_queue() {
    let Some(url) = postgres_url("postgres_replicas_share_a_queue") else {
        return;
    };
    let schema = PgSchema::new(&url, "hw_inbox", "replicas").await;
    let a_db = PgStore::open_with(schema.options()).await.unwrap();
    let a = a_db.inbox();
    let b_db = PgStore::open_with(schema.options()).await.unwrap();
    let b = b_db.inbox();
    replicas_share_a_queue([Arc::new(a.clone()), Arc::new(b.clone())]).await;
    a_db.pool().close().await;
    b_db.pool().close().await;
}

#[tokio::test]
async fn postgres_large_claims_keep_the_order() {
    let Some(url) = postgres_url("postgres_large_claims_keep_the_order") else {
        return;
    };
    let schema = PgSchema::new(&url, "hw_inbox", "large").await;
    let store_db = PgStore::open_with(schema.options()).await.unwrap();
    let store = store_db.inbox();
    large_claims_keep_the_order(&store).await;
    store_db.pool().close().await;
}

#[tokio::test]
async fn sqlite_replicas_share_a_queue() {
    let path = sqlite_path("replicas");
    let a_db = SqliteStore::open(&sqlite_url(&path)).await.unwrap();
    let a = a_db.inbox();
    let b_db = SqliteStore::open(&sqlite_url(&path)).await.unwrap();
    let b = b_db.inbox();
    replicas_share_a_queue([Arc::new(a.clone()), Arc::new(b.clone())]).await;
    a_db.pool().close().await;
    b_db.pool().close().await;
    remove_sqlite(&path);
}

#[tokio::test]
async fn redis_replicas_share_a_queue() {
    let Some(url) = redis_url("redis_replicas_share_a_queue") else {
        return;
    };
    let prefix = redis_prefix(&url, "replicas");
    let (a, b) = (redis_inbox(&prefix).await, redis_inbox(&prefix).await);
    replicas_share_a_queue([Arc::new(a), Arc::new(b)]).await;
}

#[tokio::test]
async fn redis_large_claims_keep_the_order() {
    let Some(url) = redis_url("redis_large_claims_keep_the_order") else {
        return;
    };
    let prefix = redis_prefix(&url, "large");
    large_claims_keep_the_order(&redis_inbox(&prefix).await).await;
}

#[tokio::test]
async fn postgres_inbox_reconnects_after_terminate_backend() {
    let Some(url) = postgres_url("postgres_inbox_reconnects_after_terminate_backend") else {
        return;
    };
    let schema = PgSchema::new(&url, "hw_inbox", "reconnect").await;
    let store_db = PgStore::open_with(schema.options()).await.unwrap();
    let store = store_db.inbox();
    round_trip(&store, "before").await;
    let admin = sqlx::PgPool::connect_with(schema.options()).await.unwrap();
    // Every connection the pool holds, held at once so each is a different backend.
    let mut held = Vec::new();
    let mut pids: Vec<i32> = Vec::new();
    for _ in 0..store_db.pool().size() {
        let mut connection = store_db.pool().acquire().await.unwrap();
        let pid: i32 = sqlx::query_scalar("SELECT pg_backend_pid()")
            .fetch_one(&mut *connection)
            .await
            .unwrap();
        pids.push(pid);
        held.push(connection);
    }
    drop(held);
    assert!(!pids.is_empty());
    for pid in &pids {
        let terminated: bool = sqlx::query_scalar("SELECT pg_terminate_backend($1)")
            .bind(pid)
            .fetch_one(&admin)
            .await
            .unwrap();
        assert!(terminated, "backend {pid} terminated");
    }
    round_trip(&store, "after").await;
    round_trip(&store, "after-2").await;
    admin.close().await;
    store_db.pool().close().await;
}

#[tokio::test]
async fn open_dispatches_on_the_scheme() {
    let memory = hookwire::open::inbox("memory").await.unwrap();
    round_trip(&*memory, "memory").await;
    let path = sqlite_path("open");
    let sqlite = hookwire::open::inbox(&format!("sqlite:{}", path.display()))
        .await
        .unwrap();
    round_trip(&*sqlite, "sqlite").await;
    drop(sqlite);
    remove_sqlite(&path);
    let error = hookwire::open::inbox("mongodb://localhost")
        .await
        .err()
        .unwrap();
    assert!(error.to_string().contains("unknown store URL"), "{error}");
    if let Some(url) = postgres_url("open_dispatches_on_the_scheme (postgres)") {
        let postgresql = url.replacen("postgres://", "postgresql://", 1);
        let schema = PgSchema::new(&url, "hw_inbox", "open").await;
        let separator = if postgresql.contains('?') { '&' } else { '?' };
        let with_schema = format!(
            "{postgresql}{separator}options=-c%20search_path%3D{}",
            schema.name()
        );
        let postgres = hookwire::open::inbox(&with_schema).await.unwrap();
        round_trip(&*postgres, "postgres").await;
    }
}

/// Queue names with the key separator in them stay apart, and a purge forgets done
/// deliveries whose keys Redis already expired (their count included).
#[tokio::test]
async fn redis_inbox_keys_stay_apart_and_purge_cleans_up() {
    let Some(url) = redis_url("redis_inbox_keys_stay_apart_and_purge_cleans_up") else {
        return;
    };
    let prefix = redis_prefix(&url, "apart");
    let db = redis_db(&prefix).await;
    let store = db.inbox().prefix(prefix.prefix());
    let now = Timestamp::from_unix(1_700_000_000);
    let a = NewItem::new("a:d:b", "c", "t", vec![1]);
    let b = NewItem::new("a", "b:d:c", "t", vec![2]);
    assert_eq!(store.push(&a, now).await.unwrap(), Pushed::New);
    assert_eq!(store.push(&b, now).await.unwrap(), Pushed::New);
    let claimed = store.claim("a:d:b", now, LEASE, 10, 8).await.unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].item, a);
    let keep = Duration::from_secs(3_600);
    let done = store
        .complete("a:d:b", "c", claimed[0].token, now, keep)
        .await;
    assert!(matches!(done, Ok(Settled::Applied)), "{done:?}");
    let claimed = store.claim("a", now, LEASE, 10, 8).await.unwrap();
    assert_eq!(claimed[0].item, b);
    // The done hash keeps no body and expires with its retention; Redis expiring it (done
    // here by hand) leaves its count to the purge.
    let mut connection = db.pool().clone();
    let hash = format!("{}a%3Ad%3Ab:d:c", prefix.prefix());
    let (ttl, body): (i64, bool) = redis::pipe()
        .cmd("PTTL")
        .arg(&hash)
        .cmd("HEXISTS")
        .arg(&hash)
        .arg("body")
        .query_async(&mut connection)
        .await
        .unwrap();
    assert!(ttl > 0 && ttl <= 3_600_000, "retention as expiry: {ttl}");
    assert!(!body, "a done delivery keeps no body");
    let _: i64 = redis::cmd("DEL")
        .arg(&hash)
        .query_async(&mut connection)
        .await
        .unwrap();
    assert_eq!(store.stats("a:d:b").await.unwrap().done, 1);
    assert_eq!(
        store
            .purge(now.saturating_add_seconds(3_600))
            .await
            .unwrap(),
        1
    );
    assert_eq!(store.stats("a:d:b").await.unwrap(), Default::default());
    assert_eq!(store.push(&a, now).await.unwrap(), Pushed::New);
    assert_eq!(store.stats("a").await.unwrap().running, 1);
}

#[tokio::test]
async fn redis_inbox_reconnects_after_client_kill() {
    let Some(url) = redis_url("redis_inbox_reconnects_after_client_kill") else {
        return;
    };
    let prefix = redis_prefix(&url, "reconnect");
    let db = redis_db(&prefix).await;
    let store = db.inbox().prefix(prefix.prefix());
    round_trip(&store, "before").await;
    let client = redis::Client::open(url.as_str()).unwrap();
    let mut admin = client.get_multiplexed_async_connection().await.unwrap();
    for id in ["after", "after-2"] {
        let client_id: i64 = redis::cmd("CLIENT")
            .arg("ID")
            .query_async(&mut db.pool().clone())
            .await
            .unwrap();
        let killed: i64 = redis::cmd("CLIENT")
            .arg("KILL")
            .arg("ID")
            .arg(client_id)
            .query_async(&mut admin)
            .await
            .unwrap();
        assert_eq!(killed, 1, "the store's connection was killed");
        round_trip(&store, id).await;
    }
}

#[tokio::test]
async fn open_dispatches_to_redis_with_its_prefix() {
    let Some(url) = redis_url("open_dispatches_to_redis_with_its_prefix") else {
        return;
    };
    let prefix = redis_prefix(&url, "open");
    let encoded = prefix.prefix().replace(':', "%3A");
    let separator = if url.contains('?') { '&' } else { '?' };
    let store = hookwire::open::inbox(&format!("{url}{separator}prefix={encoded}"))
        .await
        .unwrap();
    round_trip(&*store, "redis").await;
    let keys = RedisPrefix::keys(&url, prefix.prefix()).await;
    assert!(!keys.is_empty(), "the keys are under the URL's prefix");
}
