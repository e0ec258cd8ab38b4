//! What a conformance test opens its store in, each removed when the test ends (also when it
//! fails): a SQLite file, a PostgreSQL schema (`services::PgSchema`), a Redis key prefix.

use std::path::PathBuf;

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

/// A Redis key prefix of one test; its keys are deleted when the test ends.
pub(crate) struct RedisPrefix {
    url: String,
    prefix: String,
}

impl RedisPrefix {
    pub(crate) fn new(url: &str, contract: &str, test: &str) -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        RedisPrefix {
            url: url.to_owned(),
            prefix: format!(
                "hookwire-test:conformance:{contract}:{test}:{}:{nanos}:",
                std::process::id()
            ),
        }
    }

    pub(crate) fn prefix(&self) -> &str {
        &self.prefix
    }

    async fn delete_keys(url: &str, prefix: &str) {
        let client = redis::Client::open(url).expect("HOOKWIRE_TEST_REDIS_URL");
        let mut connection = client.get_multiplexed_async_connection().await.unwrap();
        let mut cursor = 0_u64;
        loop {
            let (next, keys): (u64, Vec<Vec<u8>>) = redis::cmd("SCAN")
                .arg(cursor)
                .arg("MATCH")
                .arg(format!("{prefix}*"))
                .arg("COUNT")
                .arg(1_000)
                .query_async(&mut connection)
                .await
                .unwrap();
            if !keys.is_empty() {
                let _: i64 = redis::cmd("DEL")
                    .arg(keys)
                    .query_async(&mut connection)
                    .await
                    .unwrap();
            }
            if next == 0 {
                return;
            }
            cursor = next;
        }
    }
}

impl Drop for RedisPrefix {
    fn drop(&mut self) {
        let (url, prefix) = (self.url.clone(), self.prefix.clone());
        // Dropped inside the test's runtime: clean up on a thread of its own.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(RedisPrefix::delete_keys(&url, &prefix));
        })
        .join();
    }
}
