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
        // Dropped inside the test's runtime: run the cleanup on a thread of its own.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(run_sql(
                &url,
                format!("DROP SCHEMA IF EXISTS {name} CASCADE"),
            ));
        })
        .join();
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
