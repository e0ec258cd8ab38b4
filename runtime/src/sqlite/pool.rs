//! How [`SqliteStore`](super::SqliteStore) opens its pool: WAL with a 5 second busy timeout,
//! several connections on a file and exactly one on an in-memory database, and the
//! `synchronous` level the URL names (`?synchronous=`, which sqlx does not know) or `FULL`,
//! since an inbox commit is what a sender's `200` stands for.
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
#[cfg_attr(not(feature = "outbox"), allow(dead_code))]
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

/// Takes `synchronous=full|normal|extra` out of a SQLite URL's query (sqlx does not know it);
/// `default` without it.
pub(crate) fn take_synchronous(
    url: &str,
    default: SqliteSynchronous,
) -> Result<(String, SqliteSynchronous), String> {
    let Some((base, query)) = url.split_once('?') else {
        return Ok((url.to_owned(), default));
    };
    let mut synchronous = default;
    let mut kept = Vec::new();
    for pair in query.split('&') {
        match pair.split_once('=') {
            Some((name, value)) if name.eq_ignore_ascii_case("synchronous") => {
                synchronous = match value.to_ascii_lowercase().as_str() {
                    "full" => SqliteSynchronous::Full,
                    "normal" => SqliteSynchronous::Normal,
                    "extra" => SqliteSynchronous::Extra,
                    _ => {
                        return Err(format!(
                            "`synchronous` must be `full`, `normal` or `extra`, not `{value}`"
                        ));
                    }
                };
            }
            _ => kept.push(pair),
        }
    }
    let url = if kept.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    Ok((url, synchronous))
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

    #[test]
    fn synchronous_comes_out_of_the_url() {
        assert!(matches!(
            take_synchronous("sqlite://r.db", SqliteSynchronous::Normal)
                .unwrap()
                .1,
            SqliteSynchronous::Normal
        ));
        let (url, level) = take_synchronous(
            "sqlite://r.db?mode=rwc&synchronous=normal",
            SqliteSynchronous::Full,
        )
        .unwrap();
        assert_eq!(url, "sqlite://r.db?mode=rwc");
        assert!(matches!(level, SqliteSynchronous::Normal));
        let (url, level) = take_synchronous("sqlite://r.db", SqliteSynchronous::Full).unwrap();
        assert_eq!(url, "sqlite://r.db");
        assert!(matches!(level, SqliteSynchronous::Full));
        let (url, _) =
            take_synchronous("sqlite://r.db?synchronous=FULL", SqliteSynchronous::Normal).unwrap();
        assert_eq!(url, "sqlite://r.db");
        assert!(
            take_synchronous("sqlite://r.db?synchronous=off", SqliteSynchronous::Full).is_err()
        );
    }

    #[tokio::test]
    async fn an_in_memory_pool_keeps_to_one_connection() {
        let pool = connect(tuned(options("sqlite::memory:")), 4)
            .await
            .expect("open");
        assert_eq!(pool.options().get_max_connections(), 1);
    }
}
