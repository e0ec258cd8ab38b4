//! [`BackendError`]: why a database backend (a `SqliteStore`, `PgStore` or `RedisStore`)
//! could not be opened, reached or migrated.

/// Why a backend handle could not be opened, reached or brought to the code's schema.
/// Messages never repeat a URL's password.
///
/// ```
/// use hookwire::BackendError;
///
/// let error = BackendError::SchemaTooNew { found: 9, supported: 5 };
/// assert_eq!(
///     error.to_string(),
///     "the database's schema is at version 9, newer than this build's 5: upgrade hookwire"
/// );
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum BackendError {
    /// The URL or the options are malformed.
    InvalidUrl {
        /// `SQLite`, `PostgreSQL` or `Redis`.
        backend: &'static str,
        /// The URL, its password hidden.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The database could not be reached or answered an error.
    Unavailable {
        /// `SQLite`, `PostgreSQL` or `Redis`.
        backend: &'static str,
        /// The driver's error.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A migration failed (it was rolled back: the database is as it was).
    Migration {
        /// The migration's version.
        version: u32,
        /// The migration's name.
        name: &'static str,
        /// The database's error.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The database was migrated by a newer hookwire: this build does not know its schema
    /// and refuses to touch it.
    SchemaTooNew {
        /// The newest version applied to the database.
        found: u32,
        /// The newest version this build knows.
        supported: u32,
    },
}

impl std::fmt::Display for BackendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BackendError::InvalidUrl {
                backend,
                url,
                reason,
            } => write!(f, "invalid {backend} URL `{url}`: {reason}"),
            BackendError::Unavailable { backend, source } => write!(f, "{backend}: {source}"),
            BackendError::Migration {
                version,
                name,
                source,
            } => write!(f, "migration {version} ({name}) failed: {source}"),
            BackendError::SchemaTooNew { found, supported } => write!(
                f,
                "the database's schema is at version {found}, newer than this build's \
                 {supported}: upgrade hookwire"
            ),
        }
    }
}

impl std::error::Error for BackendError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BackendError::Unavailable { source, .. } | BackendError::Migration { source, .. } => {
                Some(source.as_ref())
            }
            BackendError::InvalidUrl { .. } | BackendError::SchemaTooNew { .. } => None,
        }
    }
}

impl BackendError {
    #[cfg(any(feature = "postgres", feature = "redis", feature = "sqlite"))]
    pub(crate) fn unavailable(
        backend: &'static str,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        BackendError::Unavailable {
            backend,
            source: source.into(),
        }
    }

    #[cfg(any(feature = "postgres", feature = "redis", feature = "sqlite"))]
    pub(crate) fn invalid_url(backend: &'static str, url: &str, reason: impl ToString) -> Self {
        BackendError::InvalidUrl {
            backend,
            url: crate::redact_url(url),
            reason: reason.to_string(),
        }
    }
}
