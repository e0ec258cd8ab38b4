//! What can go wrong in an outbox store.

/// An outbox store operation failed.
///
/// ```
/// use hookwire::outbox::StoreError;
///
/// let error = StoreError::NotFound { what: "endpoint", id: 7 };
/// assert_eq!(error.to_string(), "endpoint 7 does not exist");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database refused or failed the operation (connection lost, disk full, locked too long).
    #[error("outbox database error: {0}")]
    Database(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The outbox's tables could not be created or migrated.
    #[error("could not create or migrate the outbox schema: {0}")]
    Migration(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The schema in the database is newer than this version of hookwire understands.
    #[error(
        "the outbox schema is at version {found}, newer than the {supported} this hookwire supports; upgrade hookwire"
    )]
    SchemaTooNew {
        /// The version recorded in the database.
        found: i64,
        /// The newest version this build knows.
        supported: i64,
    },
    /// An endpoint or delivery id that the store does not hold.
    #[error("{what} {id} does not exist")]
    NotFound {
        /// `"endpoint"` or `"delivery"`.
        what: &'static str,
        /// The id asked for.
        id: i64,
    },
    /// A uid or an event's dedupe key that is already taken (in its application).
    #[error("{what} `{key}` already exists")]
    Conflict {
        /// `"application"`, `"endpoint"` or `"event"`.
        what: &'static str,
        /// The key that is taken.
        key: String,
    },
    /// A value the caller passed is not acceptable.
    #[error("invalid {field}: {reason}")]
    Invalid {
        /// Which input.
        field: &'static str,
        /// What is wrong with it and what is accepted.
        reason: String,
    },
    /// One of an endpoint's signing secrets cannot sign deliveries: it is malformed (a
    /// `whsec_` whose rest is not base64, a `whsk_` that is not a 32-byte Ed25519 seed,
    /// garbage) or it is a `whpk_` public key, which verifies signatures but cannot make them
    /// (give the endpoint the `whsk_` key; its receiver keeps the `whpk_`). The message never
    /// shows the secret.
    #[error("the endpoint's secret #{position} (newest first) cannot sign deliveries: {source}")]
    InvalidSecret {
        /// Which secret, from 1, newest first.
        position: usize,
        /// What is wrong with it ([`SecretError`](crate::signature::SecretError), or
        /// [`SignError::NoSigningKey`](crate::signature::SignError::NoSigningKey) for a public key).
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// An event could not be serialized into its envelope.
    #[error("could not serialize the event: {0}")]
    Serialize(#[source] serde_json::Error),
    /// A row read back from the database does not have the shape this version writes.
    #[error("unexpected data in the outbox table {table}: {reason}")]
    Corrupt {
        /// The table read.
        table: &'static str,
        /// What was unexpected.
        reason: String,
    },
}

/// How a backend's failure to open or migrate reads as an outbox error.
impl From<crate::BackendError> for StoreError {
    fn from(error: crate::BackendError) -> Self {
        match error {
            crate::BackendError::SchemaTooNew { found, supported } => StoreError::SchemaTooNew {
                found: i64::from(found),
                supported: i64::from(supported),
            },
            crate::BackendError::Migration { .. } => StoreError::Migration(Box::new(error)),
            other => StoreError::Database(Box::new(other)),
        }
    }
}

impl StoreError {
    /// Wraps a driver error.
    ///
    /// ```
    /// use hookwire::outbox::StoreError;
    ///
    /// let io = std::io::Error::other("connection reset");
    /// assert!(StoreError::database(io).to_string().contains("connection reset"));
    /// ```
    pub fn database(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        StoreError::Database(Box::new(error))
    }

    /// An invalid input.
    ///
    /// ```
    /// use hookwire::outbox::StoreError;
    ///
    /// let error = StoreError::invalid("url", "expected http:// or https://");
    /// assert_eq!(error.to_string(), "invalid url: expected http:// or https://");
    /// ```
    pub fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        StoreError::Invalid {
            field,
            reason: reason.into(),
        }
    }
}
