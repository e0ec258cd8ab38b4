//! [`open`]: an inbox from a URL, for configuration files and command lines.

use std::sync::Arc;

use crate::dedup::UrlError;
use crate::dedup::url::take_prefix;
use crate::inbox::{InboxError, InboxStore, MemoryInbox};

/// Opens the inbox a URL names, as [`dedup::open`](crate::dedup::open) opens a duplicate
/// store:
///
/// | URL | Store | Feature |
/// |---|---|---|
/// | `memory` | [`MemoryInbox`] (a restart loses it) | none |
/// | `sqlite:PATH`, `sqlite://PATH`, `sqlite::memory:` | `SqliteInbox` | `sqlite` |
/// | `postgres://...`, `postgresql://...` | `PgInbox` | `postgres` |
/// | `redis://...`, `rediss://...` | `RedisInbox` | `redis` |
///
/// The URL goes to the backend's `open` as is, with one addition: a Redis URL may carry
/// `prefix=...` in its query (percent-encoded), taken out to become the key prefix
/// (`redis://127.0.0.1:6379/0?prefix=shop%3Ainbox%3A`). PostgreSQL takes its schema from the
/// URL's `options` (`postgres://host/db?options=-csearch_path%3Dhooks`).
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
/// assert!(error.to_string().contains("unknown inbox URL"));
/// # Ok::<(), hookwire::inbox::InboxError>(())
/// # }).unwrap();
/// ```
pub async fn open(url: &str) -> Result<Arc<dyn InboxStore>, InboxError> {
    let url = url.trim();
    if url == "memory" || url == "memory:" || url == "memory://" {
        return Ok(Arc::new(MemoryInbox::new()));
    }
    let scheme = url.split_once(':').map_or("", |(scheme, _)| scheme);
    match scheme.to_ascii_lowercase().as_str() {
        "sqlite" => sqlite(url).await,
        "postgres" | "postgresql" => postgres(url).await,
        "redis" | "rediss" => {
            let (url, prefix) = take_prefix(url).map_err(|error| match error {
                UrlError::InvalidParameter { parameter, problem } => {
                    InboxError::new(format!("the inbox URL's `{parameter}` parameter {problem}"))
                }
                other => InboxError::new(other.to_string()),
            })?;
            redis(&url, prefix).await
        }
        _ => Err(InboxError::new(format!(
            "unknown inbox URL `{}`: expected `memory`, `sqlite:PATH`, `postgres://...` or \
             `redis://...`",
            crate::redact_url(url)
        ))),
    }
}

#[cfg(not(all(feature = "sqlite", feature = "postgres", feature = "redis")))]
fn not_compiled(backend: &str, feature: &str) -> InboxError {
    InboxError::new(format!(
        "the {backend} inbox is not compiled in: enable hookwire's `{feature}` feature"
    ))
}

#[cfg(feature = "sqlite")]
async fn sqlite(url: &str) -> Result<Arc<dyn InboxStore>, InboxError> {
    Ok(Arc::new(crate::inbox::SqliteInbox::open(url).await?))
}

#[cfg(not(feature = "sqlite"))]
async fn sqlite(_url: &str) -> Result<Arc<dyn InboxStore>, InboxError> {
    Err(not_compiled("SQLite", "sqlite"))
}

#[cfg(feature = "postgres")]
async fn postgres(url: &str) -> Result<Arc<dyn InboxStore>, InboxError> {
    Ok(Arc::new(crate::inbox::PgInbox::open(url).await?))
}

#[cfg(not(feature = "postgres"))]
async fn postgres(_url: &str) -> Result<Arc<dyn InboxStore>, InboxError> {
    Err(not_compiled("PostgreSQL", "postgres"))
}

#[cfg(feature = "redis")]
async fn redis(url: &str, prefix: Option<String>) -> Result<Arc<dyn InboxStore>, InboxError> {
    let inbox = crate::inbox::RedisInbox::open(url).await?;
    Ok(Arc::new(match prefix {
        Some(prefix) => inbox.prefix(prefix),
        None => inbox,
    }))
}

#[cfg(not(feature = "redis"))]
async fn redis(_url: &str, _prefix: Option<String>) -> Result<Arc<dyn InboxStore>, InboxError> {
    Err(not_compiled("Redis", "redis"))
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
        assert!(error.contains("inbox URL's `prefix` parameter"), "{error}");
    }

    #[tokio::test]
    async fn unknown_schemes_are_named() {
        for url in ["mysql://u:pw@db/x", "memoryx", "", "memory:x"] {
            let error = open(url).await.err().map(|e| e.to_string());
            let error = error.unwrap_or_default();
            assert!(error.contains("unknown inbox URL"), "{url}: {error}");
            assert!(!error.contains("pw@"), "{error}");
        }
    }
}
