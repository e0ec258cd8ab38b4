//! [`open`]: an inbox from a URL, for configuration files and command lines.

use std::sync::Arc;

use crate::UrlError;
use crate::inbox::{InboxError, InboxStore, MemoryInbox};
use crate::plumbing::url::Target;

/// Opens the inbox a URL names, as [`dedup::open`](crate::dedup::open) opens a duplicate
/// store:
///
/// | URL | Store | Feature |
/// |---|---|---|
/// | `memory` | [`MemoryInbox`] (a restart loses it) | none |
/// | `sqlite:PATH`, `sqlite://PATH`, `sqlite::memory:` | `SqliteStore::open(url)?.inbox()` | `sqlite` |
/// | `postgres://...`, `postgresql://...` | `PgStore::open(url)?.inbox()` | `postgres` |
/// | `redis://...`, `rediss://...` | `RedisStore::open(url)?.inbox()` | `redis` |
///
/// The URL goes to the backend's handle as is, with one addition: a Redis URL may carry
/// `prefix=...` in its query (percent-encoded), taken out to become the key prefix
/// (`redis://127.0.0.1:6379/0?prefix=shop%3Ainbox%3A`). PostgreSQL takes its schema from the
/// URL's `options` (`postgres://host/db?options=-csearch_path%3Dhooks`); SQLite syncs each
/// commit (`synchronous = FULL`) unless the URL says `?synchronous=normal`.
///
/// # Errors
/// The scheme is unknown, its backend is not compiled in (the message names the feature to
/// enable), the `prefix` is malformed, or the store cannot be opened. Messages never repeat a
/// password.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let inbox = hookwire::inbox::open("memory").await?;
/// assert_eq!(inbox.stats("shop").await?.waiting, 0);
/// let Err(error) = hookwire::inbox::open("mysql://db/hooks").await else { panic!() };
/// assert!(error.to_string().contains("unknown store URL"));
/// # Ok::<(), hookwire::inbox::InboxError>(())
/// # }).unwrap();
/// ```
pub async fn open(url: &str) -> Result<Arc<dyn InboxStore>, InboxError> {
    match Target::parse(url)? {
        Target::Memory => Ok(Arc::new(MemoryInbox::new())),
        #[cfg(feature = "sqlite")]
        Target::Sqlite(url) => Ok(Arc::new(
            crate::sqlite::SqliteStore::open(url).await?.inbox(),
        )),
        #[cfg(feature = "postgres")]
        Target::Postgres(url) => Ok(Arc::new(crate::postgres::PgStore::open(url).await?.inbox())),
        #[cfg(feature = "redis")]
        Target::Redis { url, prefix } => {
            let inbox = crate::redis::RedisStore::open(&url).await?.inbox();
            Ok(Arc::new(match prefix {
                Some(prefix) => inbox.prefix(prefix),
                None => inbox,
            }))
        }
        #[allow(unreachable_patterns)]
        other => Err(UrlError::not_compiled(&other).into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn malformed_prefixes_are_named() {
        let error = open("redis://127.0.0.1:1/?prefix")
            .await
            .err()
            .map(|e| e.to_string());
        let error = error.unwrap_or_default();
        assert!(error.contains("URL's `prefix` parameter"), "{error}");
    }

    #[tokio::test]
    async fn unknown_schemes_are_named() {
        for url in ["mysql://u:pw@db/x", "memoryx", "", "memory:x"] {
            let error = open(url).await.err().map(|e| e.to_string());
            let error = error.unwrap_or_default();
            assert!(error.contains("unknown store URL"), "{url}: {error}");
            assert!(!error.contains("pw@"), "{error}");
        }
    }
}
