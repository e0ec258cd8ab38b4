//! Event types as the API reads and writes them (Svix's `EventTypeIn`, `EventTypeOut`,
//! `EventTypeUpdate`, `EventTypePatch`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::Timestamp;
use crate::platform::{EventTypeName, Text};

/// A new event type.
///
/// ```
/// let new: hookwire::platform::EventTypeIn = serde_json::from_str(r#"{"name": "invoice.paid", "description": "Paid."}"#)?;
/// assert!(!new.archived);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EventTypeIn {
    /// Its name.
    pub name: EventTypeName,
    /// What it means.
    pub description: Text<4096>,
    /// Hidden from lists unless asked for.
    #[serde(default)]
    pub archived: bool,
    /// Still sent, but on its way out.
    #[serde(default)]
    pub deprecated: bool,
    /// JSON Schemas of its payload, by version (`{"1": {...}}`).
    #[serde(default)]
    pub schemas: Option<Map<String, Value>>,
    /// A group for people.
    #[serde(default)]
    pub group_name: Option<EventTypeName>,
}

/// An event type's fields, for `PUT`.
///
/// ```
/// let update: hookwire::platform::EventTypeUpdate = serde_json::from_str(r#"{"description": "Paid."}"#)?;
/// assert_eq!(update.description.as_str(), "Paid.");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EventTypeUpdate {
    /// What it means.
    pub description: Text<4096>,
    /// Hidden from lists unless asked for.
    #[serde(default)]
    pub archived: bool,
    /// Still sent, but on its way out.
    #[serde(default)]
    pub deprecated: bool,
    /// JSON Schemas of its payload, by version.
    #[serde(default)]
    pub schemas: Option<Map<String, Value>>,
    /// A group for people.
    #[serde(default)]
    pub group_name: Option<EventTypeName>,
}

/// Changes to an event type.
///
/// ```
/// let patch: hookwire::platform::EventTypePatch = serde_json::from_str(r#"{"archived": true}"#)?;
/// assert_eq!(patch.archived, Some(true));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EventTypePatch {
    /// A new description.
    #[serde(default)]
    pub description: Option<Text<4096>>,
    /// Archives or restores it.
    #[serde(default)]
    pub archived: Option<bool>,
    /// Deprecates it or not.
    #[serde(default)]
    pub deprecated: Option<bool>,
    /// New schemas (`null` removes them).
    #[serde(default, deserialize_with = "super::double_option")]
    pub schemas: Option<Option<Map<String, Value>>>,
    /// A new group (`null` removes it).
    #[serde(default, deserialize_with = "super::double_option")]
    pub group_name: Option<Option<EventTypeName>>,
}

/// An event type as the API shows it.
///
/// ```
/// # fn demo(event_type: hookwire::platform::EventTypeOut) {
/// println!("{}: {}", event_type.name, event_type.description);
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EventTypeOut {
    /// Its name.
    pub name: String,
    /// What it means.
    pub description: String,
    /// Hidden from lists unless asked for.
    pub archived: bool,
    /// On its way out.
    pub deprecated: bool,
    /// JSON Schemas of its payload, by version (`null` in lists without `with_content`).
    pub schemas: Option<Map<String, Value>>,
    /// Its group.
    pub group_name: Option<String>,
    /// Always `null`.
    pub feature_flags: Option<Vec<String>>,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}
