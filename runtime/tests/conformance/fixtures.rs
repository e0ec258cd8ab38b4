//! What a conformance test opens its store in, each removed when the test ends (also when it
//! fails): a SQLite file, a PostgreSQL schema (`services::PgSchema`), a Redis key prefix
//! (`services::RedisPrefix`).

use std::path::PathBuf;

use hookwire::postgres::PgStore;
use hookwire::redis::RedisStore;
use hookwire::sqlite::SqliteStore;

use crate::services::{PgSchema, RedisPrefix, postgres_url, redis_url};

/// A store and what it lives in (dropped after the store).
pub(crate) struct Open<S> {
    pub(crate) store: S,
    _place: Box<dyn Send>,
}

impl<S> Open<S> {
    /// `store`, living in `place`.
    pub(crate) fn new(store: S, place: impl Send + 'static) -> Self {
        Open {
            store,
            _place: Box::new(place),
        }
    }
}

/// A fresh SQLite file for one test, deleted (with its WAL) when the test ends.
pub(crate) struct SqliteFile(PathBuf);

impl SqliteFile {
    pub(crate) fn new(contract: &str, test: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("hookwire-conformance-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = SqliteFile(dir.join(format!("{contract}-{test}.db")));
        file.remove();
        file
    }

    pub(crate) fn url(&self) -> String {
        format!("sqlite://{}", self.0.display())
    }

    fn remove(&self) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.0.display()));
        }
    }
}

impl Drop for SqliteFile {
    fn drop(&mut self) {
        self.remove();
    }
}

/// A store `make` takes from a handle on a fresh SQLite file.
pub(crate) async fn sqlite<S>(
    contract: &str,
    test: &str,
    make: impl AsyncFnOnce(SqliteStore) -> S,
) -> Option<Open<S>> {
    let file = SqliteFile::new(contract, test);
    let db = SqliteStore::open(&file.url()).await.unwrap();
    Some(Open::new(make(db).await, file))
}

/// A store `make` takes from a handle on a fresh PostgreSQL schema; `None` (saying so)
/// without `HOOKWIRE_TEST_POSTGRES_URL`.
pub(crate) async fn postgres<S>(
    contract: &str,
    test: &str,
    make: impl AsyncFnOnce(PgStore) -> S,
) -> Option<Open<S>> {
    let url = postgres_url(&format!("{contract}::postgres::{test}"))?;
    let schema = PgSchema::new(&url, &format!("hwc_{contract}"), test).await;
    let db = PgStore::open_with(schema.options()).await.unwrap();
    Some(Open::new(make(db).await, schema))
}

/// A store `make` takes from a Redis handle and a fresh key prefix; `None` (saying so)
/// without `HOOKWIRE_TEST_REDIS_URL`.
pub(crate) async fn redis<S>(
    contract: &str,
    test: &str,
    make: impl FnOnce(RedisStore, &str) -> S,
) -> Option<Open<S>> {
    let url = redis_url(&format!("{contract}::redis::{test}"))?;
    let prefix = RedisPrefix::new(&url, &format!("conformance:{contract}:{test}"));
    let db = RedisStore::open(&url).await.unwrap();
    Some(Open::new(make(db, prefix.prefix()), prefix))
}
