//! Applications as the API reads and writes them (Svix's `ApplicationIn`, `ApplicationOut`,
//! `ApplicationPatch`).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Timestamp;
use crate::outbox::{Application, NewApplication};
use crate::platform::{Bounded, Name, Uid};

/// A new application, or its new fields for `PUT`.
///
/// ```
/// let app: hookwire::platform::ApplicationIn = serde_json::from_str(r#"{"name": "Acme", "uid": "m-1"}"#)?;
/// assert_eq!(app.name.as_str(), "Acme");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationIn {
    /// A name for people.
    pub name: Name,
    /// The id of your choosing (a merchant id).
    #[serde(default)]
    pub uid: Option<Uid>,
    /// Free-form metadata.
    #[serde(default)]
    pub metadata: BTreeMap<String, String>,
    /// Attempts per second its new endpoints start at most.
    #[serde(default, alias = "rateLimit")]
    pub throttle_rate: Option<Bounded<1, 65535>>,
}

/// Changes to an application: the fields given replace the stored ones.
///
/// ```
/// let patch: hookwire::platform::ApplicationPatch = serde_json::from_str(r#"{"name": "Acme Inc."}"#)?;
/// assert!(patch.uid.is_none());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationPatch {
    /// A new name.
    #[serde(default)]
    pub name: Option<Name>,
    /// A new uid (`null` removes it).
    #[serde(default, deserialize_with = "super::double_option")]
    pub uid: Option<Option<Uid>>,
    /// New metadata.
    #[serde(default)]
    pub metadata: Option<BTreeMap<String, String>>,
    /// A new rate limit (`null` removes it).
    #[serde(
        default,
        alias = "rateLimit",
        deserialize_with = "super::double_option"
    )]
    pub throttle_rate: Option<Option<Bounded<1, 65535>>>,
}

/// An application as the API shows it.
///
/// ```
/// # fn demo(app: hookwire::platform::ApplicationOut) {
/// println!("{} {}", app.id, app.name);
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationOut {
    /// Its id (`app_` and 27 characters).
    pub id: String,
    /// Its uid.
    pub uid: Option<String>,
    /// Its name.
    pub name: String,
    /// Its metadata.
    pub metadata: BTreeMap<String, String>,
    /// Its endpoints' default rate limit.
    pub throttle_rate: Option<u32>,
    /// The same, under Svix's older name.
    pub rate_limit: Option<u32>,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

impl From<&Application> for ApplicationOut {
    fn from(app: &Application) -> Self {
        ApplicationOut {
            id: crate::platform::app_id_of(app.id),
            uid: app.uid.clone(),
            name: app.name.clone(),
            metadata: app.metadata.clone(),
            throttle_rate: app.rate_limit,
            rate_limit: app.rate_limit,
            created_at: Timestamp::from_unix(app.created_at),
            updated_at: Timestamp::from_unix(app.updated_at),
        }
    }
}

impl ApplicationIn {
    /// As the store takes it.
    pub(crate) fn to_new(&self) -> NewApplication {
        let mut new = NewApplication::new(self.name.as_str());
        new.uid = self.uid.as_ref().map(|uid| uid.as_str().to_owned());
        new.metadata = self.metadata.clone();
        new.rate_limit = self.throttle_rate.map(rate);
        new
    }
}

impl ApplicationPatch {
    /// `app` with the patch applied.
    pub(crate) fn apply(&self, app: &Application) -> NewApplication {
        let name = self.name.as_ref().map_or(app.name.as_str(), Name::as_str);
        let mut new = NewApplication::new(name);
        new.uid = match &self.uid {
            Some(uid) => uid.as_ref().map(|uid| uid.as_str().to_owned()),
            None => app.uid.clone(),
        };
        new.metadata = self
            .metadata
            .clone()
            .unwrap_or_else(|| app.metadata.clone());
        new.rate_limit = match self.throttle_rate {
            Some(limit) => limit.map(rate),
            None => app.rate_limit,
        };
        new
    }
}

/// A rate limit as the store keeps it.
pub(crate) fn rate(limit: Bounded<1, 65535>) -> u32 {
    u32::try_from(limit.get()).unwrap_or(u32::MAX)
}
