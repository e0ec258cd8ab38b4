//! Stores for the outbox tests and benchmark: SQLite in a fresh temporary file, PostgreSQL in
//! a schema of its own (from `HOOKWIRE_TEST_POSTGRES_URL`; `None`, with a message, when unset).

#![allow(dead_code, unreachable_pub)]

use std::path::PathBuf;

use hookwire::postgres::PgOutbox;
use hookwire::sqlite::SqliteOutbox;

/// A fresh temporary directory's path for `name`.
pub fn temp_path(name: &str) -> PathBuf {
    use std::hash::{BuildHasher as _, RandomState};
    let dir = std::env::temp_dir().join(format!(
        "hookwire-outbox-{}-{:x}",
        std::process::id(),
        RandomState::new().hash_one(std::time::SystemTime::now())
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir.join(name)
}

/// An empty SQLite outbox in a new temporary file.
pub async fn sqlite() -> SqliteOutbox {
    let url = format!("sqlite://{}", temp_path("outbox.db").display());
    SqliteOutbox::open(&url)
        .await
        .expect("open the SQLite outbox")
}

/// A new schema in the test database (`None`, with a message, when
/// `HOOKWIRE_TEST_POSTGRES_URL` is unset), and the URL whose connections use it.
pub async fn postgres_schema(name: &str) -> Option<String> {
    let Ok(base) = std::env::var("HOOKWIRE_TEST_POSTGRES_URL") else {
        eprintln!("skipped: HOOKWIRE_TEST_POSTGRES_URL is not set (PostgreSQL `{name}`)");
        return None;
    };
    use std::hash::{BuildHasher as _, RandomState};
    let schema = format!(
        "hw_{name}_{}_{:x}",
        std::process::id(),
        RandomState::new().hash_one(std::time::SystemTime::now()) & 0xffff_ffff
    );
    let mut admin = <sqlx::PgConnection as sqlx::Connection>::connect(&base)
        .await
        .expect("connect to HOOKWIRE_TEST_POSTGRES_URL");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA \"{schema}\"")))
        .execute(&mut admin)
        .await
        .expect("create the test schema");
    let _ = sqlx::Connection::close(admin).await;
    let separator = if base.contains('?') { '&' } else { '?' };
    Some(format!(
        "{base}{separator}options=-c%20search_path%3D{schema}"
    ))
}

/// A PostgreSQL outbox at `url` (from [`postgres_schema`]).
pub async fn postgres_at(url: &str) -> PgOutbox {
    PgOutbox::open(url)
        .await
        .expect("open the PostgreSQL outbox")
}

/// An empty PostgreSQL outbox in a schema of its own, or `None` when PostgreSQL is not
/// configured.
pub async fn postgres(name: &str) -> Option<PgOutbox> {
    let url = postgres_schema(name).await?;
    Some(postgres_at(&url).await)
}

/// Drops the schema [`postgres_schema`] made for `url`, with everything in it.
pub async fn drop_postgres_schema(url: &str) {
    let (Ok(base), Some((_, schema))) = (
        std::env::var("HOOKWIRE_TEST_POSTGRES_URL"),
        url.rsplit_once("search_path%3D"),
    ) else {
        return;
    };
    if let Ok(mut admin) = <sqlx::PgConnection as sqlx::Connection>::connect(&base).await {
        let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"
        )))
        .execute(&mut admin)
        .await;
        let _ = sqlx::Connection::close(admin).await;
    }
}

/// Drops its schema (made by [`postgres_schema`]) when it goes out of scope, also when the test
/// fails and unwinds.
pub struct PgSchemaGuard {
    url: String,
}

impl PgSchemaGuard {
    /// Guards the schema of `url` (from [`postgres_schema`]).
    pub fn new(url: &str) -> Self {
        PgSchemaGuard {
            url: url.to_owned(),
        }
    }
}

impl Drop for PgSchemaGuard {
    fn drop(&mut self) {
        let url = std::mem::take(&mut self.url);
        // Dropped inside the test's runtime: run the cleanup on a thread of its own.
        let _ = std::thread::spawn(move || {
            if let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                runtime.block_on(drop_postgres_schema(&url));
            }
        })
        .join();
    }
}

/// An empty PostgreSQL outbox in a schema of its own and the guard that drops the schema, or
/// `None` when PostgreSQL is not configured.
pub async fn postgres_guarded(name: &str) -> Option<(PgOutbox, PgSchemaGuard)> {
    let url = postgres_schema(name).await?;
    let guard = PgSchemaGuard::new(&url);
    Some((postgres_at(&url).await, guard))
}

/// How many schemas [`postgres_schema`] made for `name` in this process still exist (0 when
/// PostgreSQL is not configured).
pub async fn postgres_schemas_left(name: &str) -> i64 {
    let Ok(base) = std::env::var("HOOKWIRE_TEST_POSTGRES_URL") else {
        return 0;
    };
    let mut admin = <sqlx::PgConnection as sqlx::Connection>::connect(&base)
        .await
        .expect("connect to HOOKWIRE_TEST_POSTGRES_URL");
    let left: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM information_schema.schemata WHERE starts_with(schema_name, $1)",
    )
    .bind(format!("hw_{name}_{}_", std::process::id()))
    .fetch_one(&mut admin)
    .await
    .expect("count the test schemas");
    let _ = sqlx::Connection::close(admin).await;
    left
}
