//! How every SQLite backend (the duplicate store, the inbox, the outbox) opens its pool: WAL
//! with a 5 second busy timeout, several connections on a file and exactly one on an in-memory
//! database; `synchronous = NORMAL` ([`tuned`]) or, for the inbox, whose commit is what a
//! sender's `200` stands for, `FULL` ([`tuned_with`]).
//!
//! In WAL mode, `NORMAL` syncs the log only at checkpoints: a commit survives a crash of the
//! process but the last ones may roll back on a power loss or an OS crash. `FULL` syncs the log
//! at every commit: a commit survives both (measured on the inbox bench, see
//! `runtime/benches/inbox.rs`).
//!
//! `sqlite::memory:` is a database shared by the pool's connections through SQLite's shared
//! cache, whose table locks fail at once with "database table is locked" instead of waiting
//! for the busy timeout: concurrent statements on two connections would fail. One connection
//! serialises them in the pool instead.

use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

/// `options` with WAL, `synchronous = NORMAL` and a 5 second busy timeout set on top.
pub(crate) fn tuned(options: SqliteConnectOptions) -> SqliteConnectOptions {
    tuned_with(options, SqliteSynchronous::Normal)
}

/// `options` with WAL, `synchronous` and a 5 second busy timeout set on top.
pub(crate) fn tuned_with(
    options: SqliteConnectOptions,
    synchronous: SqliteSynchronous,
) -> SqliteConnectOptions {
    options
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(synchronous)
        .busy_timeout(Duration::from_secs(5))
}

/// Whether `options` open an in-memory database (`sqlite::memory:`, `mode=memory`, the
/// default `:memory:` filename, or an empty one).
pub(crate) fn in_memory(options: &SqliteConnectOptions) -> bool {
    let filename = options.get_filename().to_string_lossy();
    filename.is_empty()
        || filename.contains(":memory:")
        // What sqlx names `sqlite::memory:`.
        || filename.starts_with("file:sqlx-in-memory-")
        // `mode=memory` on a named database: sqlx has no getter for the flag.
        || format!("{options:?}").contains("in_memory: true")
}

/// A pool on `options` (already [`tuned`]): `file_connections` connections on a file, one on
/// an in-memory database.
pub(crate) async fn connect(
    options: SqliteConnectOptions,
    file_connections: u32,
) -> Result<SqlitePool, sqlx::Error> {
    let connections = if in_memory(&options) {
        1
    } else {
        file_connections
    };
    SqlitePoolOptions::new()
        .max_connections(connections)
        .connect_with(options)
        .await
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    fn options(url: &str) -> SqliteConnectOptions {
        SqliteConnectOptions::from_str(url).expect("a SQLite URL")
    }

    #[test]
    fn in_memory_databases_are_recognised() {
        for url in [
            "sqlite::memory:",
            "sqlite://:memory:",
            "sqlite://?mode=memory",
            "sqlite://shared?mode=memory",
        ] {
            assert!(in_memory(&options(url)), "{url}");
        }
        assert!(in_memory(&SqliteConnectOptions::new()));
    }

    #[test]
    fn files_are_not_in_memory() {
        for url in [
            "sqlite://receiver.db",
            "sqlite:/tmp/outbox.db",
            "sqlite:memory.db",
        ] {
            assert!(!in_memory(&options(url)), "{url}");
        }
    }

    #[tokio::test]
    async fn an_in_memory_pool_keeps_to_one_connection() {
        let pool = connect(tuned(options("sqlite::memory:")), 4)
            .await
            .expect("open");
        assert_eq!(pool.options().get_max_connections(), 1);
    }
}
