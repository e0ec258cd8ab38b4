//! The backends the outbox suite runs on: in memory, SQLite on a temporary file, PostgreSQL in
//! a schema of its own per test (from `HOOKWIRE_TEST_POSTGRES_URL`; `None`, with a message,
//! when it is unset).

use std::sync::Arc;

use hookwire::clock::FixedClock;
use hookwire::outbox::{MemoryOutbox, Policy};
use hookwire::postgres::PgOutbox;
use hookwire::sqlite::SqliteOutbox;
use sqlx::postgres::PgConnectOptions;

use super::Backend;

/// SQLite in a temporary file of its own.
#[derive(Clone)]
pub(crate) struct Sqlite {
    pub(crate) url: String,
}

impl Sqlite {
    pub(crate) fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join("hookwire-outbox-tests");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{name}-{}.db", std::process::id()));
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        Sqlite {
            url: format!("sqlite://{}", path.display()),
        }
    }
}

impl Backend for Sqlite {
    type Store = SqliteOutbox;

    async fn open(&self, clock: Arc<FixedClock>, policy: Policy) -> SqliteOutbox {
        SqliteOutbox::open(&self.url)
            .await
            .unwrap()
            .with_clock(clock)
            .with_policy(policy)
    }

    async fn sabotage_attempt_log(&self, condition: &str) -> bool {
        let pool = sqlx::SqlitePool::connect(&self.url).await.unwrap();
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "CREATE TRIGGER hw_test_sabotage BEFORE INSERT ON hw_attempt \
             WHEN {condition} \
             BEGIN SELECT RAISE(ABORT, 'sabotaged by the test'); END;"
        )))
        .execute(&pool)
        .await
        .unwrap();
        pool.close().await;
        true
    }
}

/// A schema of its own in the test database, dropped at the end of the test.
#[derive(Clone)]
pub(crate) struct Postgres {
    pub(crate) options: PgConnectOptions,
    pub(crate) schema: String,
}

impl Postgres {
    /// `None` (and a message) when `HOOKWIRE_TEST_POSTGRES_URL` is unset.
    pub(crate) async fn new(name: &str) -> Option<Self> {
        let Ok(url) = std::env::var("HOOKWIRE_TEST_POSTGRES_URL") else {
            eprintln!(
                "skipped: HOOKWIRE_TEST_POSTGRES_URL is not set (postgres conformance `{name}`)"
            );
            return None;
        };
        let options: PgConnectOptions = url.parse().unwrap();
        let schema = format!(
            "hwt_{}_{:x}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        );
        let mut admin = <sqlx::PgConnection as sqlx::Connection>::connect_with(&options)
            .await
            .unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA \"{schema}\"")))
            .execute(&mut admin)
            .await
            .unwrap();
        sqlx::Connection::close(admin).await.unwrap();
        Some(Postgres { options, schema })
    }

    pub(crate) async fn drop_schema(&self) {
        let mut admin = <sqlx::PgConnection as sqlx::Connection>::connect_with(&self.options)
            .await
            .unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP SCHEMA \"{}\" CASCADE",
            self.schema
        )))
        .execute(&mut admin)
        .await
        .unwrap();
    }
}

impl Backend for Postgres {
    type Store = PgOutbox;

    async fn cleanup(&self) {
        self.drop_schema().await;
    }

    async fn open(&self, clock: Arc<FixedClock>, policy: Policy) -> PgOutbox {
        let options = self
            .options
            .clone()
            .options([("search_path", self.schema.as_str())]);
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .unwrap();
        PgOutbox::from_pool(pool)
            .await
            .unwrap()
            .with_clock(clock)
            .with_policy(policy)
    }

    async fn sabotage_attempt_log(&self, condition: &str) -> bool {
        let options = self
            .options
            .clone()
            .options([("search_path", self.schema.as_str())]);
        let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect_with(&options)
            .await
            .unwrap();
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "CREATE FUNCTION hw_test_sabotage() RETURNS trigger LANGUAGE plpgsql AS $$ \
             BEGIN IF {condition} THEN \
             RAISE EXCEPTION 'sabotaged by the test'; END IF; RETURN NEW; END $$; \
             CREATE TRIGGER hw_test_sabotage BEFORE INSERT ON hw_attempt \
             FOR EACH ROW EXECUTE FUNCTION hw_test_sabotage();"
        )))
        .execute(&mut conn)
        .await
        .unwrap();
        sqlx::Connection::close(conn).await.unwrap();
        true
    }
}

/// The memory outbox: reopening keeps its state (as a database file does).
#[derive(Clone)]
pub(crate) struct Memory(pub(crate) MemoryOutbox);

impl Backend for Memory {
    type Store = MemoryOutbox;

    async fn open(&self, clock: Arc<FixedClock>, policy: Policy) -> MemoryOutbox {
        self.0.clone().with_clock(clock).with_policy(policy)
    }

    async fn sabotage_attempt_log(&self, _condition: &str) -> bool {
        false
    }
}
