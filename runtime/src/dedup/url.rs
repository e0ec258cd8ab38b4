//! [`open`]: a duplicate store chosen by a URL, for receivers configured at run time (a
//! command-line flag, an environment variable).

use std::borrow::Cow;
use std::sync::Arc;

use crate::dedup::{DedupError, DedupStore, MemoryDedup};

/// Opens the duplicate store `url` names, ready to pass to
/// [`WebhookConfig::dedup_arc`](crate::receiver::WebhookConfig::dedup_arc):
///
/// | URL | store | feature |
/// |---|---|---|
/// | `memory` | [`MemoryDedup`] (this process only) | none |
/// | `sqlite:PATH`, `sqlite://PATH` | `SqliteDedup` (the processes of one machine) | `sqlite` |
/// | `postgres://...`, `postgresql://...` | `PgDedup` | `postgres` |
/// | `redis://...`, `rediss://...` | `RedisDedup` | `redis` |
///
/// The URL goes to the backend's own `open`/`connect` as is, with one addition: a Redis URL
/// may carry `prefix=...` in its query (percent-encoded), which is taken out and becomes the
/// store's key prefix (`redis://127.0.0.1:6379/0?prefix=shop%3Adedup%3A`), so receivers
/// sharing a Redis database keep apart. PostgreSQL takes its schema from the URL's `options`
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
/// use hookwire::dedup::{DedupError, UrlError};
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
        Target::Sqlite(url) => open_sqlite(url).await,
        Target::Postgres(url) => open_postgres(url).await,
        Target::Redis { url, prefix } => open_redis(&url, prefix).await,
    }
}

/// Why [`open`] cannot use a URL (inside [`DedupError::Url`]). Its messages never repeat the
/// URL, which may hold a password.
///
/// ```
/// use hookwire::dedup::UrlError;
///
/// let error = UrlError::NotCompiled { scheme: "redis", feature: "redis" };
/// assert_eq!(
///     error.to_string(),
///     "`redis:` duplicate stores need hookwire's `redis` feature, which this build does not enable"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UrlError {
    /// The URL starts with no scheme [`open`] knows.
    #[error(
        "unknown duplicate store `{scheme}`: expected `memory`, `sqlite://PATH`, \
         `postgres://...` or `redis://...`"
    )]
    UnknownScheme {
        /// What the URL starts with, up to its first `:` (at most 32 characters).
        scheme: String,
    },
    /// The store is known, but its backend was not compiled in.
    #[error(
        "`{scheme}:` duplicate stores need hookwire's `{feature}` feature, which this build \
         does not enable"
    )]
    NotCompiled {
        /// The URL's scheme.
        scheme: &'static str,
        /// The hookwire feature to enable.
        feature: &'static str,
    },
    /// A query parameter [`open`] reads is malformed.
    #[error("the duplicate store URL's `{parameter}` parameter {problem}")]
    InvalidParameter {
        /// The parameter's name.
        parameter: &'static str,
        /// What is wrong with it.
        problem: &'static str,
    },
}

/// What a URL names, before any backend is involved.
#[derive(Debug, PartialEq, Eq)]
enum Target<'a> {
    Memory,
    Sqlite(&'a str),
    Postgres(&'a str),
    Redis {
        url: Cow<'a, str>,
        prefix: Option<String>,
    },
}

impl<'a> Target<'a> {
    fn parse(url: &'a str) -> Result<Self, UrlError> {
        let url = url.trim();
        if url == "memory" || url == "memory:" || url == "memory://" {
            return Ok(Target::Memory);
        }
        let scheme = url.split_once(':').map_or("", |(scheme, _)| scheme);
        match scheme.to_ascii_lowercase().as_str() {
            "sqlite" => Ok(Target::Sqlite(url)),
            "postgres" | "postgresql" => Ok(Target::Postgres(url)),
            "redis" | "rediss" => {
                let (url, prefix) = take_prefix(url)?;
                Ok(Target::Redis { url, prefix })
            }
            _ => Err(UrlError::UnknownScheme {
                scheme: if scheme.is_empty() { url } else { scheme }
                    .chars()
                    .take(32)
                    .collect(),
            }),
        }
    }
}

/// Takes `prefix=...` out of the URL's query, percent-decoded; the other parameters stay.
pub(crate) fn take_prefix(url: &str) -> Result<(Cow<'_, str>, Option<String>), UrlError> {
    let Some((base, query)) = url.split_once('?') else {
        return Ok((Cow::Borrowed(url), None));
    };
    let mut prefix = None;
    let mut rest = Vec::new();
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        match pair.split_once('=') {
            Some(("prefix", value)) => {
                if prefix.is_some() {
                    return Err(UrlError::InvalidParameter {
                        parameter: "prefix",
                        problem: "is given twice",
                    });
                }
                let decoded = percent_encoding::percent_decode_str(value)
                    .decode_utf8()
                    .map_err(|_| UrlError::InvalidParameter {
                        parameter: "prefix",
                        problem: "is not UTF-8 once percent-decoded",
                    })?;
                prefix = Some(decoded.into_owned());
            }
            None if pair == "prefix" => {
                return Err(UrlError::InvalidParameter {
                    parameter: "prefix",
                    problem: "has no value (`prefix=...`)",
                });
            }
            _ => rest.push(pair),
        }
    }
    if prefix.is_none() {
        return Ok((Cow::Borrowed(url), None));
    }
    let url = if rest.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", rest.join("&"))
    };
    Ok((Cow::Owned(url), prefix))
}

#[cfg(feature = "sqlite")]
async fn open_sqlite(url: &str) -> Result<Arc<dyn DedupStore>, DedupError> {
    Ok(Arc::new(crate::dedup::SqliteDedup::open(url).await?))
}

#[cfg(not(feature = "sqlite"))]
async fn open_sqlite(_url: &str) -> Result<Arc<dyn DedupStore>, DedupError> {
    Err(UrlError::NotCompiled {
        scheme: "sqlite",
        feature: "sqlite",
    }
    .into())
}

#[cfg(feature = "postgres")]
async fn open_postgres(url: &str) -> Result<Arc<dyn DedupStore>, DedupError> {
    Ok(Arc::new(crate::dedup::PgDedup::connect(url).await?))
}

#[cfg(not(feature = "postgres"))]
async fn open_postgres(_url: &str) -> Result<Arc<dyn DedupStore>, DedupError> {
    Err(UrlError::NotCompiled {
        scheme: "postgres",
        feature: "postgres",
    }
    .into())
}

#[cfg(feature = "redis")]
async fn open_redis(url: &str, prefix: Option<String>) -> Result<Arc<dyn DedupStore>, DedupError> {
    let store = crate::dedup::RedisDedup::connect(url).await?;
    Ok(Arc::new(match prefix {
        Some(prefix) => store.prefix(prefix),
        None => store,
    }))
}

#[cfg(not(feature = "redis"))]
async fn open_redis(
    _url: &str,
    _prefix: Option<String>,
) -> Result<Arc<dyn DedupStore>, DedupError> {
    Err(UrlError::NotCompiled {
        scheme: "redis",
        feature: "redis",
    }
    .into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redis(url: &str, prefix: Option<&str>) -> Target<'static> {
        Target::Redis {
            url: Cow::Owned(url.to_owned()),
            prefix: prefix.map(str::to_owned),
        }
    }

    #[test]
    fn schemes_name_their_store() {
        assert_eq!(Target::parse("memory"), Ok(Target::Memory));
        assert_eq!(Target::parse(" memory:// "), Ok(Target::Memory));
        assert_eq!(
            Target::parse("sqlite:///tmp/a.db"),
            Ok(Target::Sqlite("sqlite:///tmp/a.db"))
        );
        assert_eq!(
            Target::parse("sqlite:dedup.db"),
            Ok(Target::Sqlite("sqlite:dedup.db"))
        );
        assert_eq!(
            Target::parse("postgresql://u@h/db"),
            Ok(Target::Postgres("postgresql://u@h/db"))
        );
        assert_eq!(
            Target::parse("POSTGRES://h/db"),
            Ok(Target::Postgres("POSTGRES://h/db"))
        );
        assert_eq!(
            Target::parse("redis://127.0.0.1:6379/0"),
            Ok(redis("redis://127.0.0.1:6379/0", None))
        );
        assert_eq!(
            Target::parse("rediss://h:6380"),
            Ok(redis("rediss://h:6380", None))
        );
    }

    #[test]
    fn the_redis_prefix_leaves_the_url() {
        assert_eq!(
            Target::parse("redis://h:6379/?prefix=shop%3Adedup%3A"),
            Ok(redis("redis://h:6379/", Some("shop:dedup:")))
        );
        assert_eq!(
            Target::parse("redis://h/2?protocol=resp3&prefix=t1:&x=y"),
            Ok(redis("redis://h/2?protocol=resp3&x=y", Some("t1:")))
        );
        assert_eq!(
            Target::parse("redis://h/?protocol=resp3"),
            Ok(redis("redis://h/?protocol=resp3", None))
        );
        assert_eq!(
            Target::parse("redis://h/?prefix="),
            Ok(redis("redis://h/", Some("")))
        );
    }

    #[test]
    fn a_malformed_prefix_is_refused() {
        for (url, problem) in [
            ("redis://h/?prefix=a&prefix=b", "is given twice"),
            ("redis://h/?prefix", "has no value (`prefix=...`)"),
            ("redis://h/?prefix=%FF", "is not UTF-8 once percent-decoded"),
        ] {
            assert_eq!(
                Target::parse(url),
                Err(UrlError::InvalidParameter {
                    parameter: "prefix",
                    problem
                }),
                "{url}"
            );
        }
    }

    #[test]
    fn unknown_schemes_are_named_without_the_rest_of_the_url() {
        let error = Target::parse("mysql://root:hunter2@db/shop").unwrap_err();
        assert_eq!(
            error,
            UrlError::UnknownScheme {
                scheme: "mysql".into()
            }
        );
        assert!(!error.to_string().contains("hunter2"));
        assert!(matches!(
            Target::parse(""),
            Err(UrlError::UnknownScheme { scheme }) if scheme.is_empty()
        ));
        assert!(matches!(
            Target::parse("/var/lib/dedup.db"),
            Err(UrlError::UnknownScheme { scheme }) if scheme == "/var/lib/dedup.db"
        ));
    }

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
