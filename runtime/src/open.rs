//! Stores chosen by a URL, for services configured at run time (a command-line flag, an
//! environment variable): [`dedup`] opens a duplicate store, [`inbox`] an inbox, from `memory`,
//! `sqlite://PATH`, `postgres://...` or `redis://...`.
//!
//! These sit above the contracts ([`crate::dedup`], [`crate::inbox`]) and the backends
//! ([`crate::sqlite`], [`crate::postgres`], [`crate::redis`]), which know nothing of each other
//! through here: a backend implements a contract, and this module picks a backend.
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let duplicates = hookwire::open::dedup("memory").await?;
//! let inbox = hookwire::open::inbox("memory").await?;
//! assert_eq!(inbox.stats("shop").await?.waiting, 0);
//! # drop(duplicates);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # }).unwrap();
//! ```

use std::sync::Arc;

use crate::UrlError;
use crate::dedup::{DedupError, DedupStore, MemoryDedup};
use crate::inbox::{InboxError, InboxStore, MemoryInbox};
use crate::plumbing::url::Target;

/// Opens the duplicate store `url` names, ready to pass to
/// [`WebhookConfig::dedup_arc`](crate::receiver::WebhookConfig::dedup_arc):
///
/// | URL | store | feature |
/// |---|---|---|
/// | `memory` | [`MemoryDedup`] (this process only) | none |
/// | `sqlite:PATH`, `sqlite://PATH` | `SqliteStore::open(url)?.dedup()` (the processes of one machine) | `sqlite` |
/// | `postgres://...`, `postgresql://...` | `PgStore::open(url)?.dedup()` | `postgres` |
/// | `redis://...`, `rediss://...` | `RedisStore::open(url)?.dedup()` | `redis` |
///
/// The URL goes to the backend's handle as is, with two additions: a Redis URL may carry
/// `prefix=...` in its query (percent-encoded), which is taken out and becomes the store's key
/// prefix (`redis://127.0.0.1:6379/0?prefix=shop%3Adedup%3A`), so receivers sharing a Redis
/// database keep apart; a SQLite URL without `synchronous=` opens with `synchronous = NORMAL`
/// (a duplicate store's commit need not survive a power loss: the sender retries).
/// PostgreSQL takes its schema from the URL's `options`
/// (`postgres://host/db?options=-csearch_path%3Dhooks`); the schema must exist.
///
/// The SQL stores purge their expired ids on their own: every 500 claims, one bounded
/// `DELETE` (at most 1 000 rows, by the time those claims carry) runs beside the claims and
/// never fails one (see `SqliteDedup::purge_every`). Redis expires its keys itself;
/// [`MemoryDedup`] drops expired keys as it goes.
///
/// # Errors
/// [`DedupError::Url`] when the URL names no known store ([`UrlError::UnknownScheme`]), a
/// store this build does not include ([`UrlError::NotCompiled`], naming the feature to
/// enable) or has a malformed `prefix`; the backend's error
/// ([`DedupError::Unavailable`]) when it cannot be opened or reached.
///
/// ```
/// use hookwire::UrlError;
/// use hookwire::dedup::DedupError;
/// use hookwire::receiver::WebhookConfig;
/// use hookwire::signature::StandardWebhooks;
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let url = std::env::var("DEDUP_URL").unwrap_or_else(|_| "memory".to_owned());
/// let store = hookwire::open::dedup(&url).await?;
/// let config = WebhookConfig::new(StandardWebhooks::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?)
///     .dedup_arc(store);
///
/// let unknown = hookwire::open::dedup("mysql://127.0.0.1/shop").await;
/// assert!(matches!(unknown, Err(DedupError::Url(UrlError::UnknownScheme { .. }))));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # }).unwrap();
/// ```
pub async fn dedup(url: &str) -> Result<Arc<dyn DedupStore>, DedupError> {
    match Target::parse(url)? {
        Target::Memory => Ok(Arc::new(MemoryDedup::new())),
        #[cfg(feature = "sqlite")]
        Target::Sqlite(url) => {
            let synchronous = crate::sqlx::sqlite::SqliteSynchronous::Normal;
            let db = crate::sqlite::SqliteStore::open_url(url, synchronous).await?;
            Ok(Arc::new(db.dedup()))
        }
        #[cfg(feature = "postgres")]
        Target::Postgres(url) => Ok(Arc::new(crate::postgres::PgStore::open(url).await?.dedup())),
        #[cfg(feature = "redis")]
        Target::Redis { url, prefix } => {
            let store = crate::redis::RedisStore::open(&url).await?.dedup();
            Ok(Arc::new(match prefix {
                Some(prefix) => store.prefix(prefix),
                None => store,
            }))
        }
        #[allow(unreachable_patterns)]
        other => Err(UrlError::not_compiled(&other).into()),
    }
}

/// Opens the inbox a URL names, as [`dedup`] opens a duplicate
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
/// let inbox = hookwire::open::inbox("memory").await?;
/// assert_eq!(inbox.stats("shop").await?.waiting, 0);
/// let Err(error) = hookwire::open::inbox("mysql://db/hooks").await else { panic!() };
/// assert!(error.to_string().contains("unknown store URL"));
/// # Ok::<(), hookwire::inbox::InboxError>(())
/// # }).unwrap();
/// ```
pub async fn inbox(url: &str) -> Result<Arc<dyn InboxStore>, InboxError> {
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
    async fn memory_opens_without_features() {
        let store = dedup("memory").await.unwrap();
        let key = crate::dedup::DedupKey::new("ns", "msg_1");
        let claim = store
            .claim(
                &key,
                crate::Timestamp::from_unix(1_000),
                std::time::Duration::from_secs(60),
            )
            .await
            .unwrap();
        assert!(matches!(claim, crate::dedup::Claim::New(_)));
    }

    #[cfg(feature = "sqlite")]
    #[tokio::test]
    async fn sqlite_opens_a_file() {
        let path =
            std::env::temp_dir().join(format!("hookwire-dedup-open-{}.db", std::process::id()));
        let store = dedup(&format!("sqlite://{}", path.display()))
            .await
            .unwrap();
        let key = crate::dedup::DedupKey::new("ns", "msg_1");
        let now = crate::Timestamp::from_unix(1_000);
        let claim = store
            .claim(&key, now, std::time::Duration::from_secs(60))
            .await
            .unwrap();
        assert!(matches!(claim, crate::dedup::Claim::New(_)));
        drop(store);
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }

    #[tokio::test]
    async fn malformed_prefixes_are_named() {
        let error = inbox("redis://127.0.0.1:1/?prefix")
            .await
            .err()
            .map(|e| e.to_string());
        let error = error.unwrap_or_default();
        assert!(error.contains("URL's `prefix` parameter"), "{error}");
    }

    #[tokio::test]
    async fn unknown_schemes_are_named() {
        for url in ["mysql://u:pw@db/x", "memoryx", "", "memory:x"] {
            let error = inbox(url).await.err().map(|e| e.to_string());
            let error = error.unwrap_or_default();
            assert!(error.contains("unknown store URL"), "{url}: {error}");
            assert!(!error.contains("pw@"), "{error}");
        }
    }
}
