//! The local services the backend tests use: PostgreSQL and Redis URLs from the environment
//! (`HOOKWIRE_TEST_POSTGRES_URL`, `HOOKWIRE_TEST_REDIS_URL`; a test without them says it was
//! skipped), and a PostgreSQL schema per test, dropped when the test ends, also when it fails.

#![allow(dead_code, unreachable_pub)]

use std::str::FromStr;

use sqlx::postgres::PgConnectOptions;

/// `HOOKWIRE_TEST_POSTGRES_URL`, or `None` after saying `test` is skipped.
pub fn postgres_url(test: &str) -> Option<String> {
    let url = std::env::var("HOOKWIRE_TEST_POSTGRES_URL").ok();
    if url.is_none() {
        eprintln!("{test}: skipped, HOOKWIRE_TEST_POSTGRES_URL is not set");
    }
    url
}

/// `HOOKWIRE_TEST_REDIS_URL`, or `None` after saying `test` is skipped.
pub fn redis_url(test: &str) -> Option<String> {
    let url = std::env::var("HOOKWIRE_TEST_REDIS_URL").ok();
    if url.is_none() {
        eprintln!("{test}: skipped, HOOKWIRE_TEST_REDIS_URL is not set");
    }
    url
}

/// A fresh schema for one test, dropped when the test ends (also when it fails).
pub struct PgSchema {
    url: String,
    name: String,
}

impl PgSchema {
    /// Creates (or recreates) schema `{prefix}_{test}_{pid}`.
    pub async fn new(url: &str, prefix: &str, test: &str) -> Self {
        let name = format!("{prefix}_{test}_{}", std::process::id());
        run_sql(
            url,
            format!("DROP SCHEMA IF EXISTS {name} CASCADE; CREATE SCHEMA {name};"),
        )
        .await;
        PgSchema {
            url: url.to_owned(),
            name,
        }
    }

    /// Connection options whose `search_path` is the schema.
    pub fn options(&self) -> PgConnectOptions {
        PgConnectOptions::from_str(&self.url)
            .expect("HOOKWIRE_TEST_POSTGRES_URL")
            .options([("search_path", self.name.as_str())])
    }

    /// The schema's name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        let (url, name) = (self.url.clone(), self.name.clone());
        clean_up(async move {
            run_sql(&url, format!("DROP SCHEMA IF EXISTS {name} CASCADE")).await;
        });
    }
}

/// Runs a guard's cleanup to its end: on a thread and runtime of its own, since guards are
/// dropped inside the test's runtime.
fn clean_up(cleanup: impl std::future::Future<Output = ()> + Send + 'static) {
    let _ = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(cleanup);
    })
    .join();
}

/// A Redis key prefix of one test (`hookwire-test:{name}:{pid}:{nanos}:`); its keys are
/// deleted when the test ends (also when it fails).
pub struct RedisPrefix {
    url: String,
    prefix: String,
}

impl RedisPrefix {
    /// A fresh prefix on the server at `url`.
    pub fn new(url: &str, name: &str) -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        RedisPrefix {
            url: url.to_owned(),
            prefix: format!("hookwire-test:{name}:{}:{nanos}:", std::process::id()),
        }
    }

    /// The prefix.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The server's URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Every key under `prefix` on the server at `url`.
    pub async fn keys(url: &str, prefix: &str) -> Vec<Vec<u8>> {
        let client = redis::Client::open(url).expect("HOOKWIRE_TEST_REDIS_URL");
        let mut connection = client.get_multiplexed_async_connection().await.unwrap();
        let mut keys = Vec::new();
        let mut cursor = 0_u64;
        loop {
            let (next, batch): (u64, Vec<Vec<u8>>) = redis::cmd("SCAN")
                .arg(cursor)
                .arg("MATCH")
                .arg(format!("{prefix}*"))
                .arg("COUNT")
                .arg(1_000)
                .query_async(&mut connection)
                .await
                .unwrap();
            keys.extend(batch);
            if next == 0 {
                return keys;
            }
            cursor = next;
        }
    }
}

impl Drop for RedisPrefix {
    fn drop(&mut self) {
        let (url, prefix) = (self.url.clone(), self.prefix.clone());
        clean_up(async move {
            let keys = RedisPrefix::keys(&url, &prefix).await;
            if keys.is_empty() {
                return;
            }
            let client = redis::Client::open(url.as_str()).expect("redis url");
            let mut connection = client.get_multiplexed_async_connection().await.unwrap();
            let _: i64 = redis::cmd("DEL")
                .arg(keys)
                .query_async(&mut connection)
                .await
                .unwrap();
        });
    }
}

async fn run_sql(url: &str, sql: String) {
    let options = PgConnectOptions::from_str(url).expect("HOOKWIRE_TEST_POSTGRES_URL");
    let pool = sqlx::PgPool::connect_with(options).await.expect("postgres");
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
        .execute(&pool)
        .await
        .expect("schema statement");
    pool.close().await;
}
