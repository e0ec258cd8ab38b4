//! [`open`]: an inbox from a URL, for configuration files and command lines.

use std::sync::Arc;

use crate::inbox::{InboxError, InboxStore, MemoryInbox};

/// Opens the inbox a URL names:
///
/// | URL | Store | Feature |
/// |---|---|---|
/// | `memory` | [`MemoryInbox`] (a restart loses it) | none |
/// | `sqlite:PATH`, `sqlite://PATH`, `sqlite::memory:` | `SqliteInbox` | `sqlite` |
/// | `postgres://...`, `postgresql://...` | `PgInbox` | `postgres` |
/// | `redis://...` | `RedisInbox` (default prefix) | `redis` |
///
/// # Errors
/// The scheme is unknown, its backend is not compiled in (the message names the feature to
/// enable), or the store cannot be opened.
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
    let scheme = url.split_once(':').map_or(url, |(scheme, _)| scheme);
    match scheme.to_ascii_lowercase().as_str() {
        "memory" if url.eq_ignore_ascii_case("memory") => Ok(Arc::new(MemoryInbox::new())),
        "sqlite" => sqlite(url).await,
        "postgres" | "postgresql" => postgres(url).await,
        "redis" => redis(url).await,
        _ => Err(InboxError::new(format!(
            "unknown inbox URL `{}`: expected `memory`, `sqlite:PATH`, `postgres://...` or \
             `redis://...`",
            redacted(url)
        ))),
    }
}

/// The URL without its password, for error messages.
fn redacted(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(start), Some(at)) if at > start => format!("{}://***{}", &url[..start], &url[at..]),
        _ => url.to_owned(),
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
async fn redis(url: &str) -> Result<Arc<dyn InboxStore>, InboxError> {
    Ok(Arc::new(crate::inbox::RedisInbox::open(url).await?))
}

#[cfg(not(feature = "redis"))]
async fn redis(_url: &str) -> Result<Arc<dyn InboxStore>, InboxError> {
    Err(not_compiled("Redis", "redis"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_stay_out_of_errors() {
        assert_eq!(redacted("mysql://u:secret@db/x"), "mysql://***@db/x");
        assert_eq!(redacted("nope"), "nope");
    }

    #[tokio::test]
    async fn unknown_schemes_are_named() {
        for url in ["mysql://u:pw@db/x", "memoryx", "", "memory:"] {
            let error = open(url).await.err().map(|e| e.to_string());
            let error = error.unwrap_or_default();
            assert!(error.contains("unknown inbox URL"), "{url}: {error}");
            assert!(!error.contains("pw@"), "{error}");
        }
    }
}
