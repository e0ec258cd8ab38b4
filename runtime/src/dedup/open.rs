//! [`open`]: a duplicate store chosen by a URL, for receivers configured at run time (a
//! command-line flag, an environment variable).

use std::sync::Arc;

use crate::UrlError;
use crate::dedup::{DedupError, DedupStore, MemoryDedup};
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
/// let store = hookwire::dedup::open(&url).await?;
/// let config = WebhookConfig::new(StandardWebhooks::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?)
///     .dedup_arc(store);
///
/// let unknown = hookwire::dedup::open("mysql://127.0.0.1/shop").await;
/// assert!(matches!(unknown, Err(DedupError::Url(UrlError::UnknownScheme { .. }))));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # }).unwrap();
/// ```
pub async fn open(url: &str) -> Result<Arc<dyn DedupStore>, DedupError> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn memory_opens_without_features() {
        let store = open("memory").await.unwrap();
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
        let store = open(&format!("sqlite://{}", path.display())).await.unwrap();
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
}
