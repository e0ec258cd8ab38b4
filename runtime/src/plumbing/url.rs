//! Which backend a store URL names ([`Target`]), the Redis `prefix` parameter, and
//! [`UrlError`]: what `open::dedup` and `open::inbox` share before any driver is involved.

use std::borrow::Cow;

/// Why a store URL cannot be used ([`open::dedup`](crate::open::dedup),
/// [`open::inbox`](crate::open::inbox)). Its messages never repeat the URL, which may hold a
/// password.
///
/// ```
/// use hookwire::UrlError;
///
/// let error = UrlError::NotCompiled { scheme: "redis", feature: "redis" };
/// assert_eq!(
///     error.to_string(),
///     "`redis:` stores need hookwire's `redis` feature, which this build does not enable"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum UrlError {
    /// The URL starts with no scheme hookwire knows.
    UnknownScheme {
        /// What the URL starts with, up to its first `:` (at most 32 characters).
        scheme: String,
    },
    /// The store is known, but its backend was not compiled in.
    NotCompiled {
        /// The URL's scheme.
        scheme: &'static str,
        /// The hookwire feature to enable.
        feature: &'static str,
    },
    /// A query parameter hookwire reads is malformed.
    InvalidParameter {
        /// The parameter's name.
        parameter: &'static str,
        /// What is wrong with it.
        problem: &'static str,
    },
}

impl std::fmt::Display for UrlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UrlError::UnknownScheme { scheme } => write!(
                f,
                "unknown store URL `{scheme}`: expected `memory`, `sqlite://PATH`, \
                 `postgres://...` or `redis://...`"
            ),
            UrlError::NotCompiled { scheme, feature } => write!(
                f,
                "`{scheme}:` stores need hookwire's `{feature}` feature, which this build does \
                 not enable"
            ),
            UrlError::InvalidParameter { parameter, problem } => {
                write!(f, "the store URL's `{parameter}` parameter {problem}")
            }
        }
    }
}

impl std::error::Error for UrlError {}

impl UrlError {
    /// The error for a store `target` names whose backend this build does not include.
    #[cfg_attr(
        all(feature = "postgres", feature = "redis", feature = "sqlite"),
        allow(dead_code)
    )]
    pub(crate) fn not_compiled(target: &Target<'_>) -> Self {
        let (scheme, feature) = match target {
            Target::Memory => ("memory", "none"),
            Target::Sqlite(_) => ("sqlite", "sqlite"),
            Target::Postgres(_) => ("postgres", "postgres"),
            Target::Redis { .. } => ("redis", "redis"),
        };
        UrlError::NotCompiled { scheme, feature }
    }
}

/// What a URL names, before any backend is involved.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Target<'a> {
    Memory,
    Sqlite(&'a str),
    Postgres(&'a str),
    Redis {
        url: Cow<'a, str>,
        prefix: Option<String>,
    },
}

impl<'a> Target<'a> {
    pub(crate) fn parse(url: &'a str) -> Result<Self, UrlError> {
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
}
