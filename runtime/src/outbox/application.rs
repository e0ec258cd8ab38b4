//! Applications: the tenants of a platform that sends webhooks to its customers. An
//! application owns endpoints; an event published for it goes only to them.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::outbox::StoreError;

/// An application's id, assigned by the store.
///
/// ```
/// use hookwire::outbox::AppId;
///
/// assert_eq!(AppId(7).to_string(), "7");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AppId(pub i64);

impl fmt::Display for AppId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A new application (or an application's new fields, for
/// [`update_application`](crate::outbox::ApplicationStore::update_application)).
///
/// ```
/// use hookwire::outbox::NewApplication;
///
/// let merchant = NewApplication::new("Acme Shoes").uid("merchant-42").metadata("plan", "pro");
/// assert_eq!(merchant.uid.as_deref(), Some("merchant-42"));
/// assert!(merchant.validate().is_ok());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct NewApplication {
    /// A name for people.
    pub name: String,
    /// An id of the user's choosing (a merchant id), unique among applications: 1 to 256
    /// characters of `A-Z a-z 0-9 - _ .`.
    pub uid: Option<String>,
    /// Free-form key-value metadata.
    pub metadata: BTreeMap<String, String>,
    /// The attempts per second its endpoints start at most, for those added without a rate of
    /// their own (the default is copied when the endpoint is added).
    pub rate_limit: Option<u32>,
}

impl NewApplication {
    /// An application named `name`, with no uid, metadata or rate limit.
    ///
    /// ```
    /// # use hookwire::outbox::NewApplication;
    /// assert_eq!(NewApplication::new("Acme").name, "Acme");
    /// ```
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            ..Self::default()
        }
    }

    /// Sets the uid.
    ///
    /// ```
    /// # use hookwire::outbox::NewApplication;
    /// assert_eq!(NewApplication::new("Acme").uid("m-1").uid.as_deref(), Some("m-1"));
    /// ```
    #[must_use]
    pub fn uid(mut self, uid: impl Into<String>) -> Self {
        self.uid = Some(uid.into());
        self
    }

    /// Adds one metadata entry.
    ///
    /// ```
    /// # use hookwire::outbox::NewApplication;
    /// assert_eq!(NewApplication::new("Acme").metadata("plan", "pro").metadata["plan"], "pro");
    /// ```
    #[must_use]
    pub fn metadata(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.metadata.insert(key.into(), value.into());
        self
    }

    /// Sets the default rate limit of its endpoints (at least 1 per second).
    ///
    /// ```
    /// # use hookwire::outbox::NewApplication;
    /// assert_eq!(NewApplication::new("Acme").rate_limit(0).rate_limit, Some(1));
    /// ```
    #[must_use]
    pub fn rate_limit(mut self, per_second: u32) -> Self {
        self.rate_limit = Some(per_second.max(1));
        self
    }

    /// Checks the name (not empty, at most 256 characters) and the uid
    /// ([`check_uid`]). Backends call it before writing.
    ///
    /// ```
    /// # use hookwire::outbox::NewApplication;
    /// assert!(NewApplication::new("").validate().is_err());
    /// assert!(NewApplication::new("Acme").uid("no spaces").validate().is_err());
    /// ```
    pub fn validate(&self) -> Result<(), StoreError> {
        if self.name.trim().is_empty() || self.name.chars().count() > 256 {
            return Err(StoreError::invalid(
                "name",
                "an application's name is 1 to 256 characters, not only spaces",
            ));
        }
        match &self.uid {
            Some(uid) => check_uid(uid),
            None => Ok(()),
        }
    }
}

/// Checks a uid (an application's or an endpoint's): 1 to 256 characters of
/// `A-Z a-z 0-9 - _ .`, as Svix accepts.
///
/// ```
/// use hookwire::outbox::check_uid;
///
/// assert!(check_uid("merchant-42").is_ok());
/// assert!(check_uid("").is_err());
/// assert!(check_uid("a/b").is_err());
/// ```
pub fn check_uid(uid: &str) -> Result<(), StoreError> {
    let valid = (1..=256).contains(&uid.len())
        && uid
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if valid {
        Ok(())
    } else {
        Err(StoreError::invalid(
            "uid",
            format!(
                "`{}` is not a uid: 1 to 256 characters of A-Z a-z 0-9 - _ .",
                uid.escape_default()
            ),
        ))
    }
}

/// An application as the store holds it.
///
/// ```
/// # async fn demo(store: &impl hookwire::outbox::ApplicationStore) -> Result<(), hookwire::outbox::StoreError> {
/// for app in store.applications(None, 100).await? {
///     println!("{} {:?} {}", app.id, app.uid, app.name);
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Application {
    /// Its id.
    pub id: AppId,
    /// The user's id for it, if given.
    pub uid: Option<String>,
    /// Its name.
    pub name: String,
    /// Its metadata.
    pub metadata: BTreeMap<String, String>,
    /// Its endpoints' default rate limit (attempts per second).
    pub rate_limit: Option<u32>,
    /// When it was created (Unix seconds).
    pub created_at: i64,
    /// When it last changed (Unix seconds).
    pub updated_at: i64,
}

/// What [`delete_application`](crate::outbox::ApplicationStore::delete_application) erased.
///
/// ```
/// use hookwire::outbox::Erased;
///
/// assert_eq!(Erased::default().endpoints, 0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[non_exhaustive]
pub struct Erased {
    /// Whether the application existed.
    pub existed: bool,
    /// Its endpoints removed.
    pub endpoints: u64,
    /// Its events (payloads) removed.
    pub events: u64,
    /// Deliveries removed, with their attempt logs.
    pub deliveries: u64,
}

/// Metadata as stored: a JSON object of strings (the SQL backends' column).
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn metadata_json(metadata: &BTreeMap<String, String>) -> String {
    serde_json::to_string(metadata).unwrap_or_else(|_| "{}".to_owned())
}

/// Metadata read back; `table` names where, should the text not be a JSON object of strings.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn metadata_from(
    table: &'static str,
    text: &str,
) -> Result<BTreeMap<String, String>, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt {
        table,
        reason: format!("metadata is not a JSON object of strings: {e}"),
    })
}
